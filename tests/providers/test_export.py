"""Issue 17 §3: telenb.export() moves a flow between vendors; each export, run back on the
simulator through its vendor's front door, gives the same conversation as the flow."""

import runpy
import threading
from pathlib import Path

import pytest

import telenb
from telenb.errors import ConfigurationError

APP = "+15550100"
ROOT = Path(__file__).resolve().parents[2]
FORMATS = ("twiml", "ncco", "tropo-webapi", "plivo", "jambonz", "texml", "laml")


def conversation(result):
    """What the caller heard (prompts) and said (speech, keys), in order."""
    out = []
    for e in result.trace:
        if e.kind == "say":
            out.append(("heard", e["text"]))
        elif e.kind in ("ask", "record") and e.get("prompt"):
            out.append(("heard", e["prompt"]))
        elif e.kind == "input" and e.get("by") == "caller":
            out.append(("said", e["value"]))
    return out


def dress_shop():
    return runpy.run_path(str(ROOT / "examples" / "dress_shop.py"))["carrier"]


def pin_line(call):
    call.say("Welcome to the bank.")
    r = call.ask("Enter your four digit PIN", choices="[4 DIGITS]", mode="dtmf", timeout=8)
    if r.name == "choice":
        call.say("Thank you")
        call.record("Leave a message after the beep", max_time=10, silence_timeout=3)
    call.say("Goodbye")


# the course's flows (notebooks 01, 02 and 11), as the notebooks write them
def greeter(call):
    call.say("Welcome to the telenb help line.")
    r = call.ask("Are you calling about billing or support?", choices="billing, support",
                 timeout=5, attempts=2)  # fmt: skip
    if r.name == "choice":
        call.say(f"Connecting you to {r.value}. Goodbye!")
    else:
        call.say("Sorry, I could not understand. Goodbye!")
    call.hangup()


def menu_flow(call):
    r = call.ask("For sales say sales or press 1. For support say support or press 2.",
                 choices="sales(1, sales), support(2, support, help)")  # fmt: skip
    call.say(f"You picked {r.value}." if r.name == "choice" else "Goodbye.")


def account(call):
    r = call.ask("Enter your account number, then press pound.", choices="[4-8 DIGITS]",
                 mode="dtmf", terminator="#", interdigit_timeout=3)  # fmt: skip
    call.say(f"Account {' '.join(r.value)}." if r.name == "choice" else "That is not valid.")


def careful(call):
    r = call.ask("Yes or no?", choices="yes, no", min_confidence=0.6, attempts=2,
                 on_bad_choice=lambda e: call.say("Sorry, could you repeat that?"))  # fmt: skip
    call.say(f"Understood: {r.value}." if r.name == "choice" else "Let's try later.")


def tours(call):
    call.say("Welcome to Orlando Tours.", voice="Allison")
    result = call.ask("Say boat, bus or walking tour, or press 1, 2 or 3.",
                      choices="boat(1, boat, boat tour), bus(2, bus, bus tour), "
                              "walking(3, walking, walking tour)", attempts=3, timeout=8,
                      on_bad_choice=lambda e: call.say("Sorry, I didn't get that."),
                      on_timeout=lambda e: call.say("Are you still there?"))  # fmt: skip
    if result.name == "choice":
        call.say(f"Your {result.value} tour is booked for 10am.")
        call.hangup()
    else:
        call.say("Goodbye.")


CASES = [
    (dress_shop, "say: purple; say: red"),
    (dress_shop, "press: 2"),
    (lambda: pin_line, "press: 1234; say: please call me back"),
    (lambda: greeter, "say: support"),
    (lambda: greeter, "silence; say: billing"),
    (lambda: menu_flow, "say: help"),
    (lambda: menu_flow, "press: 1"),
    (lambda: account, "press: 123456#"),
    (lambda: account, "press: 12#"),
    (lambda: careful, "say: yes @0.4; say: yes @0.9"),
    (lambda: tours, "say: purple; silence; say: bus tour"),
    (lambda: tours, "press: 3"),
]


@pytest.mark.parametrize("to", FORMATS)
@pytest.mark.parametrize(("make", "caller"), CASES)
def test_the_export_replayed_through_the_front_door_agrees(to, make, caller):
    """Every format: the export's own call, and its documents replayed through the vendor's
    front door alone, give the caller the prompts and take the answers of the flow."""
    source = make()
    if isinstance(source, telenb.Carrier):
        first = source.call(APP, caller=caller)
    else:
        c = telenb.Carrier(seed=1)
        c.app(APP, source)
        first = c.call(APP, caller=caller)
    ex = telenb.export(source, to=to, number=APP, caller=caller)
    assert conversation(ex.result) == conversation(first)
    replay = telenb.Carrier(seed=2)
    ex.mount(replay, APP)
    again = replay.call(APP, caller=caller)
    assert conversation(again) == conversation(first)
    assert len(ex) == len(ex.documents) >= 1
    assert ex.capabilities and all(len(row) == 2 for row in ex.capabilities)


def test_ncco_documents_and_notes():
    ex = telenb.export(dress_shop(), to="ncco", number=APP, caller="say: purple; say: red")
    first = ex.documents[0]
    assert [a["action"] for a in first] == ["talk", "talk", "input"]
    assert first[1]["bargeIn"] is True
    assert first[2]["type"] == ["dtmf", "speech"]
    assert first[2]["speech"]["context"] == ["black", "red", "blue", "green"]
    assert first[2]["eventUrl"] == ["https://15550100.ncco.test/step/1"]
    assert ex.documents[-1] == [
        {"action": "talk", "text": "Then you should get a red dress! I'll text you a link."}
    ]
    assert any("voice 'Daniel'" in n for n in ex.notes)
    assert any("Messages API" in n for n in ex.notes)
    assert ex.result.status == "completed"


def test_ncco_record_connect_and_conversation():
    def flow(call):
        call.record("Speak", max_time=20, silence_timeout=4)
        call.transfer("+15550123", timeout=15)
        call.conference("room", mute=True, terminator="*")

    ex = telenb.export(flow, to="ncco", caller="say: hello there")
    rec, notify = ex.documents[0][1:]
    assert rec["action"] == "record" and rec["endOnSilence"] == 4 and rec["timeOut"] == 20
    assert notify["action"] == "notify"
    connect = ex.documents[1][0]
    assert connect["endpoint"] == [{"type": "phone", "number": "15550123"}]
    assert ex.documents[2][0] == {"action": "conversation", "name": "room", "mute": True}
    assert any("terminator" in n for n in ex.notes)


def test_unknown_format_names_the_known_ones():
    with pytest.raises(ConfigurationError, match="ncco"):
        telenb.export(pin_line, to="fax")


@pytest.mark.parametrize("to", FORMATS)
def test_an_export_survives_several_idle_webhook_workers(to):
    """A continuation export drives its flow's greenlet from every step's webhook, and a
    greenlet belongs to one thread.  With more than one idle webhook worker (left by an app
    that answered after its deadline, say), steps must not land on different threads."""
    from telenb.providers.webhooks.deadline import run_bounded

    barrier = threading.Barrier(3)

    def hold() -> None:
        barrier.wait(timeout=5)

    held = [threading.Thread(target=run_bounded, args=(hold, 5, RuntimeError)) for _ in range(3)]
    for t in held:
        t.start()
    for t in held:
        t.join()
    source = dress_shop()
    first = source.call(APP, caller="say: purple; say: red")
    ex = telenb.export(source, to=to, number=APP, caller="say: purple; say: red")
    assert conversation(ex.result) == conversation(first)


@pytest.mark.parametrize("to", FORMATS)
def test_a_caller_who_hangs_up_ends_the_exported_flow(to):
    """Every vendor tells the app the call ended (Twilio's and its dialects' status callback,
    Plivo's hangup_url, jambonz's call_status_hook, Vonage's event_url, Tropo's
    DISCONNECTED result): the suspended flow is stopped there, as on the simulator, and its
    cleanup runs with the call disconnected."""
    ended = []

    def flow(call):
        try:
            call.say("Welcome.")
            r = call.ask("Your PIN?", choices="[4 DIGITS]", mode="dtmf", timeout=8)
            call.say(f"Got {r.name}")
        finally:
            ended.append(call.state)

    c = telenb.Carrier(seed=1)
    c.app(APP, flow)
    first = c.call(APP, caller="wait: 3s; hangup")
    assert ended == ["DISCONNECTED"]
    ended.clear()
    ex = telenb.export(flow, to=to, caller="wait: 3s; hangup")
    assert ended == ["DISCONNECTED"]
    assert conversation(ex.result) == conversation(first)
