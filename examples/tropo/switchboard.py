# Sales or support, with the generic onEvent handler chained with "and".
answer()
result = ask("For sales, say sales or press 1. For support, say support or press 2.", {
	"choices": "sales(1, sales), support(2, support, help)",
	"repeat": 2,
	"onEvent": lambda event :
		event.onChoice("sales", lambda : say("Connecting you to sales.")) and
		event.onChoice("support", lambda : say("Connecting you to support.")) and
		event.onBadChoice(lambda : say("That is not an option.")) and
		event.onTimeout(lambda : say("I did not hear anything."))
	})
if result.name == "choice":
    if result.value == "sales":
        transfer("14155550111", {"timeout": 20, "onTimeout": lambda : say("Sales is not answering.")})
    else:
	transfer("tel:+14155550122")
hangup()
