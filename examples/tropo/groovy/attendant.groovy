// Auto attendant: speech or keypad, three tries, then a transfer with its own handlers.
def departments = [sales  : [number: '+14155550111', name: 'Sales'],
                   support: [number: 'tel:+14155550122', name: 'Support']]

answer()
ask("For sales, say sales or press 1. For support, say support or press 2.", [
    choices    : 'sales(1, sales), support(2, support)',
    repeat     : 3,
    onBadChoice: { say 'Sorry, I did not understand.' },
    onTimeout  : { event -> say 'Sorry, I did not hear anything.' },
    onChoice   : { event ->
        def dept = departments[event.value]
        say "Connecting you to ${event.value}."
        transfer(dept.number, [timeout      : 20,
                               onTimeout    : { say "${dept.name} is not answering." },
                               onCallFailure: { say "${dept.name} is busy." }])
    }])
hangup()
