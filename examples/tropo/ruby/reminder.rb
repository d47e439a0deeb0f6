# Appointment reminder: a launched session dials $numberToDial (a session parameter).
event = call $numberToDial, { :callerID => '+14155550100', :timeout => 30 }
if event.name == 'answer'
  log "calling #{$currentCall.calledID}"
  say 'This is a reminder of your appointment tomorrow at nine.'
  r = ask 'Press 1 to confirm or 2 to cancel.', { :choices => 'confirm(1), cancel(2)', :mode => 'dtmf' }
  if r.name == 'choice'
    log "appointment #{r.value}"
    say "Thank you, your appointment is #{r.value}ed."
    message "Your appointment is #{r.value}ed.", { :to => $numberToDial, :network => 'SMS' }
  end
  hangup
else
  log "reminder failed: #{event.name}"
end
