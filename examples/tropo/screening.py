# Screen callers by caller ID: known numbers get in, others are redirected or rejected.
blocked = ["4155550666"]
if currentCall.callerID in blocked:
    reject()
elif currentCall.callerID == "4155550199":
    answer()
    say("Hello boss. Your calls are forwarded.")
    hangup()
else:
    redirect("tel:+14155550123")
