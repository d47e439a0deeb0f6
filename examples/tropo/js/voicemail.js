// Voicemail: record after the beep; the recording handler texts the owner.
answer();
record("Leave a message after the beep. Press pound when done.", {
  beep: true, silenceTimeout: 3, maxTime: 60, timeout: 10, terminator: "#",
  recordURI: "recordings/voicemail.wav",
  onRecord: function (event) {
    log("recorded to " + event.recordURI);
    message("New voicemail from " + currentCall.callerID, {to: "+14155550177", network: "SMS"});
  },
  onTimeout: function (event) { say("You did not say anything."); }
});
say("Thank you. Goodbye.");
hangup();
