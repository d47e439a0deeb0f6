// Hello, caller: greet by caller ID, pause, log, hang up.
answer();
say("Hello, you are calling from " + currentCall.callerID + ".", {voice: "Allison"});
wait(500);
log("greeted " + currentCall.callerID + " on " + currentCall.network);
say("Goodbye.");
hangup();
