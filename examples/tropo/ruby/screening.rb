# Call screening by caller ID: refuse one number, greet the boss, send the rest to the desk.
BLOCKED = %w(4155550666)

case $currentCall.callerID
when *BLOCKED
  reject
when '4155550199'
  answer
  say 'Hello boss. Your calls are forwarded.'
  hangup
else
  redirect 'tel:+14155550123'
end
