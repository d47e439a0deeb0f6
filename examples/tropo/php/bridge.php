<?php
// Team bridge: callers with the PIN join the conference until they press star.
answer();
$pin = ask("Please enter the conference PIN.", array(
    "choices" => "[4 DIGITS]", "mode" => "dtmf", "attempts" => 2,
    "onBadChoice" => create_function('', 'say("Wrong PIN.");'),
));
if ($pin->name == "choice" && $pin->value == "2468") {
    say("Joining the team bridge.");
    conference("team-bridge", array("terminator" => "*", "playTones" => false));
    say("You left the bridge.");
} else {
    say("Goodbye.");
}
hangup();
?>
