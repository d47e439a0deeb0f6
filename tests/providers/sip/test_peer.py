"""telenb against a strict, independent SIP peer: a second pjsua2 process (`peers.py`).

sipp does not check dialog tags; pjsip's dialog layer does (RFC 3261 12: a request inside a
dialog carries the Call-ID, the local and remote tags and a CSeq of that dialog, or the peer
answers 481 and the BYE fails).  Every call here completes with a BYE one side sends and the
other accepts, so the worker's dialogs are real.  The peer hears the flow's prompt over RTP
(recognised in its recording), speaks an answer `ask(choices=...)` matches, and presses
RFC 4733 telephone-event keys `ask(mode="dtmf")` collects.
"""

from __future__ import annotations

import threading

import pytest

from telenb.audio import Audio
from telenb.speech import synthesize, transcribe

from .conftest import PEER_VOICE

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")

PROMPT = "Welcome to the flower shop."


def _words(text: str) -> set[str]:
    return {w.strip(".,!?").lower() for w in text.split()}


def test_peer_calls_a_flow_hears_its_prompt_and_hangs_up(sip_backend, pj_peer, tmp_path):
    """RFC 3261 15.1.2: the peer's BYE in the dialog ends the call; the flow sees `completed`."""
    heard = tmp_path / "heard.wav"
    peer = pj_peer(record=heard)
    said = threading.Event()

    def shop(call):
        call.say(PROMPT)
        said.set()
        call.wait(30)

    backend = sip_backend()
    backend.answer("shop", shop)
    peer.send("call", uri=f"sip:shop@{backend.listen}")
    assert peer.expect("media")["codec"] == "PCMU"
    assert said.wait(60)
    peer.send("hangup")
    assert peer.expect("recorded")["path"] == str(heard)
    result = backend.wait(30)
    assert result.status == "completed" and result.error is None
    assert result.statuses() == ["ringing", "in-progress", "completed"]
    assert result.trace.filter("hangup")[0]["by"] == "caller"
    assert {"welcome", "flower", "shop"} <= _words(transcribe(heard).text)


def _spoken(tmp_path, text: str):
    """An answer as the peer speaks it: telenb's TTS at 8 kHz, with a little silence first."""
    path = tmp_path / "answer.wav"
    voice = synthesize(text, voice=PEER_VOICE, rate=8000)
    Audio.concat([Audio.silence(0.3, 8000), voice]).save(path, subtype="PCM_16")
    return path


def test_peer_speaks_an_answer_the_flows_ask_matches(sip_backend, pj_peer, tmp_path):
    """Tropo `ask(choices="dresses, shoes")`: a spoken answer that matches a choice is the
    ``choice`` event with that value; here the answer crosses real RTP (G.711) from the peer
    and is recognised by telenb's recogniser with the question's grammar."""
    answer = _spoken(tmp_path, "Shoes.")
    peer = pj_peer()
    listening = threading.Event()
    got = {}

    def shop(call):
        call.say("Dresses or shoes?")
        listening.set()
        got["event"] = call.ask(choices="dresses, shoes", mode="speech", timeout=20)
        call.say(f"You chose {got['event'].value}.")
        call.hangup()

    backend = sip_backend()
    backend.answer("shop", shop)
    peer.send("call", uri=f"sip:shop@{backend.listen}")
    peer.expect("state", state="CONFIRMED")
    assert listening.wait(60)
    peer.send("play", path=str(answer))
    result = backend.wait(90)
    event = got["event"]
    assert event.name == "choice" and event.value == "shoes", result.trace.text()
    assert result.said() == ["Dresses or shoes?", "You chose shoes."]
    [heard] = result.trace.filter("input")
    assert heard["mode"] == "speech" and "shoes" in heard["value"].lower()
    assert result.status == "completed"


def test_peer_answers_in_a_sentence_and_the_flows_ask_takes_the_one_choice_in_it(
    sip_backend, pj_peer, tmp_path
):
    """A real caller answers "I would like the shoes, please", not "shoes": as an SRGS item
    wrapped in GARBAGE (W3C SRGS 1.0, 2.2.3) the choice named within the sentence matches,
    the ``choice`` event keeping the whole utterance."""
    answer = _spoken(tmp_path, "I would like the shoes, please.")
    peer = pj_peer()
    listening = threading.Event()
    got = {}

    def shop(call):
        call.say("Dresses or shoes?")
        listening.set()
        got["event"] = call.ask(choices="dresses, shoes", mode="speech", timeout=20)
        call.hangup()

    backend = sip_backend()
    backend.answer("shop", shop)
    peer.send("call", uri=f"sip:shop@{backend.listen}")
    peer.expect("state", state="CONFIRMED")
    assert listening.wait(60)
    peer.send("play", path=str(answer))
    result = backend.wait(90)
    event = got["event"]
    assert event.name == "choice" and event.value == "shoes", result.trace.text()
    assert {"like", "shoes", "please"} <= _words(event.choice.utterance)
    assert event.choice.interpretation == "shoes"


def test_peer_presses_rfc4733_keys_and_the_flows_dtmf_ask_gets_them(sip_backend, pj_peer):
    """RFC 4733 telephone-events from the peer (pjsua's default DTMF method) are Tropo's
    keyed answer: ``ask(choices="[3 DIGITS]", mode="dtmf")`` returns ``choice`` with them."""
    peer = pj_peer()
    listening = threading.Event()
    got = {}

    def pin(call):
        call.say("Enter your three digit code.")
        listening.set()
        got["event"] = call.ask(choices="[3 DIGITS]", mode="dtmf", timeout=20)
        call.say("Thank you.")
        call.hangup()

    backend = sip_backend()
    backend.answer("pin", pin)
    peer.send("call", uri=f"sip:pin@{backend.listen}")
    peer.expect("state", state="CONFIRMED")  # the peer's own dialog is up
    assert listening.wait(60)
    peer.send("dtmf", digits="407")
    result = backend.wait(60)
    assert peer.expect("state", state="DISCONNECTED")["code"] == 200  # our BYE, accepted
    assert got["event"].name == "choice" and got["event"].value == "407"
    assert [e["value"] for e in result.trace.filter("input")] == ["4", "0", "7"]
    assert result.status == "completed" and result.trace.filter("hangup")[0]["by"] == "flow"


def test_outbound_call_to_the_peer_which_answers_records_and_hangs_up(sip_backend, pj_peer,
                                                                       tmp_path):  # fmt: skip
    """`backend.call(uri, flow)`: INVITE, the peer's 200, our ACK, then the peer's BYE
    (RFC 3261 13, 15); statuses as Twilio reports an outbound call."""
    heard = tmp_path / "callee.wav"
    peer = pj_peer(record=heard, answer=True)

    def reminder(call):
        call.say(PROMPT)
        peer.send("hangup")  # the callee hangs up once the prompt has played
        call.wait(30)

    backend = sip_backend(allow=[f"sip:*@127.0.0.1:{peer.port}"])
    result = backend.call(peer.uri, reminder, timeout=90)
    assert peer.expect("incoming")["to"].startswith("<sip:peer@127.0.0.1")
    assert peer.expect("recorded")["path"] == str(heard)
    assert result.done and result.error is None
    assert result.direction == "outbound"
    assert result.statuses() == ["initiated", "ringing", "in-progress", "completed"]
    assert result.trace.filter("hangup")[0]["by"] == "callee"
    assert result.codec == "PCMU"
    assert {"welcome", "flower", "shop"} <= _words(transcribe(heard).text)


def test_the_invites_x_headers_reach_the_flow_as_tropo_shows_them(sip_backend, pj_peer):
    """Tropo, "SIP Headers - Retrieving & Sending": `currentCall.headers` holds the INVITE's
    fields (standard ones as written, custom `x-` ones downcased) and `getHeader(name)`
    reads one; telenb's `call.headers` / `call.get_header` are the same view."""
    peer = pj_peer()
    seen = {}

    def shop(call):
        seen["headers"] = call.headers
        seen["account"] = call.get_header("X-Account")
        call.hangup()

    backend = sip_backend()
    backend.answer("shop", shop)
    peer.send("call", uri=f"sip:shop@{backend.listen}",
              headers={"X-Account": "42", "X-Campaign": "spring sale"})  # fmt: skip
    result = backend.wait(30)
    assert result.status == "completed"
    headers = seen["headers"]
    assert headers["x-account"] == "42" and headers["x-campaign"] == "spring sale"
    assert "X-Account" not in headers  # downcased, as Tropo does
    assert seen["account"] == "42"
    assert "sip:peer@127.0.0.1" in headers["From"] and ";tag=" in headers["From"]
    assert headers["CSeq"].endswith("INVITE") and headers["Content-Type"] == "application/sdp"


def test_a_tropo_script_reads_get_header_on_a_real_call(sip_backend, pj_peer, tmp_path):
    """The same Tropo script the simulator runs (`currentCall.getHeader`), on real SIP."""
    from telenb.flow.tropo_scripts import tropo_flow

    heard = tmp_path / "heard.wav"
    peer = pj_peer(record=heard)
    script = 'say("Your account is " + currentCall.getHeader("x-account"))\nhangup()\n'
    backend = sip_backend()
    flow, _ = tropo_flow(script)
    backend.answer("shop", flow)
    peer.send("call", uri=f"sip:shop@{backend.listen}", headers={"X-Account": "42"})
    result = backend.wait(60)
    assert result.said() == ["Your account is 42"]
    assert peer.expect("recorded")["path"] == str(heard)
    assert {"account", "42"} <= _words(transcribe(heard).text)


def test_outbound_headers_go_on_the_invite_the_peer_receives(sip_backend, pj_peer):
    """`backend.call(uri, flow, headers={"X-Campaign": "7"})` adds the field to the INVITE
    (the peer reads it from the request it got) and the flow sees it, as on the simulator."""
    peer = pj_peer(answer=True)
    seen = {}

    def campaign(call):
        seen["campaign"] = call.get_header("x-campaign")
        call.hangup()

    backend = sip_backend(allow=[f"sip:*@127.0.0.1:{peer.port}"])
    result = backend.call(peer.uri, campaign, headers={"X-Campaign": "7"}, timeout=60)
    invite = peer.expect("incoming")
    assert invite["headers"]["X-Campaign"] == "7"
    assert result.status == "completed" and seen["campaign"] == "7"


@pytest.mark.parametrize(
    "headers",
    [{"From": "<sip:evil@x>"}, {"X-Bad Name": "1"}, {"X-Inject": "1\r\nX-Other: 2"}],
)
def test_outbound_headers_are_x_fields_of_one_line_or_refused(sip_backend, headers):
    """Only custom X- fields, one line each: a value cannot smuggle a second header."""
    from telenb.errors import ConfigurationError

    backend = sip_backend(allow=["sip:*@127.0.0.1:5999"])
    with pytest.raises(ConfigurationError, match="header"):
        backend.call("sip:a@127.0.0.1:5999", lambda call: None, headers=headers)
    assert backend.results == []


def test_outbound_flow_waits_for_the_answer_and_a_ringing_peer_is_no_answer(sip_backend,
                                                                             pj_peer):  # fmt: skip
    """The flow runs once the callee answers (as `carrier.call(flow=...)`); a callee that
    only rings is CANCELled after `ring_timeout` (RFC 3261 9.1: the peer's INVITE then ends
    487) and the call is Twilio's ``no-answer``."""
    peer = pj_peer()  # answers 180 only
    ran = []
    backend = sip_backend(allow=[f"sip:*@127.0.0.1:{peer.port}"])
    result = backend.call(peer.uri, ran.append, ring_timeout=3, timeout=30)
    assert peer.expect("incoming")
    assert peer.expect("state", state="DISCONNECTED")["code"] == 487  # our CANCEL
    assert ran == [] and result.status == "no-answer"
    assert result.statuses() == ["initiated", "ringing", "no-answer"]


def test_record_keeps_what_the_peer_says_until_its_hash_key(sip_backend, pj_peer, tmp_path):
    """Tropo `record(terminator="#")`: the caller's audio until the key, as a WAV file whose
    header is whole (pjmedia closes a recorder asynchronously; the worker waits for it)."""
    message = _spoken(tmp_path, "Please call me back tomorrow morning.")
    peer = pj_peer()
    listening = threading.Event()
    got = {}

    def voicemail(call):
        listening.set()
        got["event"] = call.record(beep=False, max_time=30, terminator="#", transcribe=True)
        call.hangup()

    backend = sip_backend()
    backend.answer("vm", voicemail)
    peer.send("call", uri=f"sip:vm@{backend.listen}")
    peer.expect("state", state="CONFIRMED")
    assert listening.wait(60)
    peer.send("play", path=str(message))
    peer.expect("played", 30)
    peer.send("dtmf", digits="#")
    result = backend.wait(90)
    event = got["event"]
    assert event.name == "record", result.trace.text()
    [rec] = result.recordings
    assert 2.0 < rec.duration < 20.0
    words = _words(rec.transcription or "")
    assert {"call", "back", "tomorrow", "morning"} <= words
    assert {"call", "tomorrow"} <= _words(transcribe(rec.path).text)  # the file itself is whole


def test_speech_barges_in_on_the_prompt(sip_backend, pj_peer, tmp_path):
    """Tropo `ask(bargein=True)` (the default): the caller may answer while the prompt still
    plays; the prompt stops at once and the answer is what is matched."""
    answer = _spoken(tmp_path, "Shoes.")
    peer = pj_peer()
    asking = threading.Event()
    got = {}
    prompt = (
        "We sell dresses, shoes, hats, scarves and gloves for every season of the year. "
        "Which would you like to hear about today?"
    )

    def shop(call):
        asking.set()
        got["event"] = call.ask(prompt, choices="hats, shoes", mode="speech", timeout=20)
        call.hangup()

    backend = sip_backend()
    backend.answer("shop", shop)
    peer.send("call", uri=f"sip:shop@{backend.listen}")
    peer.expect("state", state="CONFIRMED")
    assert asking.wait(60)
    peer.send("play", path=str(answer))
    result = backend.wait(90)
    assert got["event"].name == "choice" and got["event"].value == "shoes", result.trace.text()
    [ask] = result.trace.filter("ask")
    [cut] = result.trace.filter("bargein")
    assert cut["after"] < ask["duration"] - 1.0  # well before the prompt's end
