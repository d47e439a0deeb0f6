# Pizza hotline, written the way 2010-era Tropo scripts were (Jython 2.5).
answer()
wait(500)
say("Welcome to Luigi's pizza line.", {"voice": "Kate"})

size = ask("What size? Say small, medium or large, or press 1, 2 or 3.", {
    "choices": "small(1, small), medium(2, medium, regular), large(3, large, family)",
    "repeat": 3, "timeout": 7.5,
    "onBadChoice": lambda : say("Sorry, I did not catch that."),
    "onTimeout": lambda : say("Are you still there?")})

if size.name == "choice":
    print "caller chose %s via %s" % (size.value, size.choice.mode)
    say("One " + size.value + " pizza coming up.")
    try:
        minutes = {"small": 15, "medium": 20, "large": 25}[size.value]
    except KeyError, e:
	minutes = 30
    say("It will be ready in %d minutes." % minutes)
    message("Your " + size.value + " pizza is ready in " + str(minutes) + " minutes.", {
        "to": currentCall.callerID, "network": "SMS"})
else:
    say("Please call again later.")
hangup()
