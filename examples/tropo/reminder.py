# Outbound reminder: a launched session (no incoming call) dials out with call().
event = call("+14155550144", {"callerID": "+14155550100", "timeout": 30})
if event.name == "answer":
    say("This is a reminder of your appointment tomorrow at nine.")
    r = ask("Press 1 to confirm or 2 to cancel.", {"choices": "confirm(1), cancel(2)", "mode": "dtmf"})
    if r.name == "choice":
        log("appointment " + r.value)
        say("Thank you, your appointment is " + r.value + "ed.")
    hangup()
else:
    log("reminder failed: " + event.name)
