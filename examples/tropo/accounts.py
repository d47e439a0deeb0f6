# Account lookup: collect digits with a terminator, loop until the caller hangs up.
answer()
tries = 0
while currentCall.isActive() and tries < 3:
    tries = tries + 1
    r = ask("Enter your account number, then press pound.", {
        "choices": "[4-8 DIGITS]", "terminator": "#", "mode": "dtmf", "timeout": 10,
        "interdigitTimeout": 3})
    log("result " + r.name + " value " + r.value)
    if r.name == "choice":
        say("Account " + " ".join(list(r.value)) + " has a balance of 12 dollars.")
        break
    elif r.name == "badChoice":
        say("That account number is not valid.")
if r.name != "choice":
    say("Too many attempts.")
hangup()
