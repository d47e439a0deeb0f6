// Call screening by caller ID: refuse one number, greet the boss, send the rest to the desk.
def blocked = ['4155550666'] as Set
switch (currentCall.callerID) {
    case blocked:
        reject()
        break
    case '4155550199':
        answer()
        say 'Hello boss. Your calls are forwarded.'
        hangup()
        break
    default:
        redirect 'tel:+14155550123'
}
