# Voicemail: record a message after the beep and read it back.
answer()
result = record("Leave a message after the beep. Press pound when done.", {
    "beep": True, "silenceTimeout": 3, "maxTime": 60, "timeout": 10, "terminator": "#",
    "recordURI": "recordings/voicemail.wav",
    "onTimeout": lambda event : say("You did not say anything.")})
if result.name == "record":
    log("recorded to " + result.recordURI)
    say("Thank you. Goodbye.")
hangup()
