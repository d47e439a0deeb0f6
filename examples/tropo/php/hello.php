<?php
// Hello, caller: greet by caller ID, pause, log, hang up.
answer();
say("Hello, you are calling from " . $currentCall->callerID . ".", array("voice" => "Allison"));
wait(500);
_log("greeted " . $currentCall->callerID . " on " . $currentCall->network);
say("Goodbye.");
hangup();
?>
