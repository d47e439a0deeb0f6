"""The dress shop: Tropo's favourite demo, as a telenb flow.

telenb run examples/dress_shop.py --to +15550100 --caller "say: purple; say: red"
"""

import telenb

carrier = telenb.Carrier(seed=7)


@carrier.app("+15550100")
def dress_shop(call):
    call.say("Hello, how are you today?", voice="Daniel")
    r = call.ask(
        "What color dress do you want? Choose from black, red, blue or green.",
        choices="black, red, blue, green",
        timeout=10,
        attempts=3,
        on_bad_choice=lambda e: call.say("I didn't understand."),
    )
    if r.name == "choice":
        call.say(f"Then you should get a {r.value} dress! I'll text you a link.")
        call.message(f"Your {r.value} dress: https://shop.example/{r.value}", to=call.caller_id)
    call.hangup()
