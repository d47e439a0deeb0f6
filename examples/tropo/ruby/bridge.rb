# Team bridge: callers with the PIN join the conference until they press star.
answer
pin = ask 'Please enter the conference PIN.', { :choices => '[4 DIGITS]', :mode => 'dtmf',
                                                :attempts => 2, :onBadChoice => lambda { say 'Wrong PIN.' } }
if pin.name == 'choice' and pin.value == '2468'
  say 'Joining the team bridge.'
  conference 'team-bridge', { :terminator => '*', :playTones => false }
  say 'You left the bridge.'
else
  say 'Goodbye.'
end
hangup
