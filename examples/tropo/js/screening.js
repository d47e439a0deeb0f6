// Call screening by caller ID: refuse one number, greet the boss, send the rest to the desk.
var blocked = ["4155550666"];
var caller = currentCall.callerID;
var isBlocked = false;
for each (var number in blocked) {
  if (number == caller) isBlocked = true;
}
if (isBlocked) {
  reject();
} else if (caller == "4155550199") {
  answer();
  say("Hello boss. Your calls are forwarded.");
  hangup();
} else {
  redirect("tel:+14155550123");
}
