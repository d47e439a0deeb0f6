# A text-channel (SMS) session: the first message is $currentCall.initialText.
say "You wrote #{$currentCall.initialText} on #{$currentCall.channel}"
result = ask 'Size?', { :choices => 'small, medium, large', :attempts => 2,
                        :onBadChoice => lambda { |event| say "Sorry, #{event.value}?" } }
say "Size #{result.value} it is" if result.name == 'choice'
hangup
