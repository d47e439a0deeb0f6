<?php
// Call screening by caller ID: refuse one number, greet the boss, send the rest to the desk.
$blocked = array("4155550666");

if (in_array($currentCall->callerID, $blocked)) {
    reject();
} elseif ($currentCall->callerID == "4155550199") {
    answer();
    say("Hello boss. Your calls are forwarded.");
    hangup();
} else {
    redirect("tel:+14155550123");
}
?>
