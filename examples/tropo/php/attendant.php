<?php
// Auto attendant: speech or keypad, three tries, then a transfer with its own handlers.
$departments = array(
    "sales" => array("number" => "+14155550111", "name" => "Sales"),
    "support" => array("number" => "tel:+14155550122", "name" => "Support"),
);

function badChoiceFCN($event) { say("Sorry, I did not understand."); }
function timeoutFCN($event) { say("Sorry, I did not hear anything."); }

function choiceFCN($event) {
    global $departments;
    $dept = $departments[$event->value];
    say("Connecting you to " . $event->value . ".");
    transfer($dept["number"], array(
        "timeout" => 20,
        "onTimeout" => function ($event) use ($dept) { say($dept["name"] . " is not answering."); },
        "onCallFailure" => function ($event) use ($dept) { say($dept["name"] . " is busy."); },
    ));
}

answer();
ask("For sales, say sales or press 1. For support, say support or press 2.", array(
    "choices" => "sales(1, sales), support(2, support)",
    "repeat" => 3,
    "onBadChoice" => "badChoiceFCN",
    "onTimeout" => "timeoutFCN",
    "onChoice" => "choiceFCN",
));
hangup();
?>
