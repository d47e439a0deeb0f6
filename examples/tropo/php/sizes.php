<?php
// A text-channel (SMS) session: the first message is $currentCall->initialText.
say("You wrote " . $currentCall->initialText . " on " . $currentCall->channel);
$result = ask("Size?", array(
    "choices" => "small, medium, large", "attempts" => 2,
    "onBadChoice" => function ($event) { say("Sorry, " . $event->value . "?"); },
));
if ($result->name == "choice") say("Size " . $result->value . " it is");
hangup();
?>
