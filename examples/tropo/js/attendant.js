// Auto attendant: speech or keypad, three tries, then a transfer with its own handlers.
var departments = {
  sales: {number: "+14155550111", name: "Sales"},
  support: {number: "tel:+14155550122", name: "Support"}
};

function connect(event) {
  var dept = departments[event.value];
  say("Connecting you to " + event.value + ".");
  transfer(dept.number, {
    timeout: 20,
    onTimeout: function (event) { say(dept.name + " is not answering."); },
    onCallFailure: function (event) { say(dept.name + " is busy."); }
  });
}

answer();
ask("For sales, say sales or press 1. For support, say support or press 2.", {
  choices: "sales(1, sales), support(2, support)",
  repeat: 3,
  onBadChoice: function (event) { say("Sorry, I did not understand."); },
  onTimeout: function (event) { say("Sorry, I did not hear anything."); },
  onChoice: connect
});
hangup();
