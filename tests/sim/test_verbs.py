"""Every verb on the simulator: say, play, wait, record, transfer, call, conference, message,
reject, redirect, log, call recording, answer, and the current-call properties."""

import pytest

import telenb
from telenb import Caller

from .helpers import APP, run_flow


def test_say_loop_and_voice_are_traced():
    result = run_flow(lambda call: call.say("Hello there.", voice="Kate", loop=2))
    [say] = result.trace.filter("say")
    assert say["voice"] == "Kate"
    single = run_flow(lambda call: call.say("Hello there.")).trace.filter("say")[0]
    assert say["duration"] == pytest.approx(2 * single["duration"])


def test_say_of_an_audio_url_plays_it(tmp_path):
    import numpy as np

    from telenb.audio import Audio

    path = tmp_path / "jingle.wav"
    Audio(np.zeros(8000 * 2, np.float32), 8000).save(path)
    result = run_flow(lambda call: (call.say(str(path)), call.say("https://example.com/a.mp3")))
    plays = result.trace.filter("play")
    assert [p["duration"] for p in plays] == [2.0, 3.0]  # local file measured; remote: default


def test_answer_wait_and_log():
    def flow(call):
        call.answer()
        call.log("answered")
        call.wait(2.5)
        call.say("Bye.")

    result = run_flow(flow)
    waits = result.trace.filter("wait")
    assert waits[0]["seconds"] == 2.5
    assert result.trace.filter("say")[0].t == pytest.approx(2.5)
    assert result.trace.filter("log")[0]["message"] == "answered"


def test_current_call_properties():
    seen = {}

    def flow(call):
        seen.update(
            caller=call.caller_id,
            called=call.called_id,
            network=call.network,
            channel=call.channel,
            state=call.state,
            active=call.is_active,
            sid=call.sid,
        )
        call.hangup()
        seen.update(after=call.state, active_after=call.is_active)

    result = run_flow(flow, Caller(number="+14155550199"))
    assert seen == {
        "caller": "+14155550199",
        "called": APP,
        "network": "PSTN",
        "channel": "VOICE",
        "state": "RINGING",
        "active": True,
        "sid": result.sid,
        "after": "DISCONNECTED",
        "active_after": False,
    }


def test_first_media_verb_answers_the_call():
    states = []

    def flow(call):
        states.append(call.state)
        call.say("hi")
        states.append(call.state)

    run_flow(flow)
    assert states == ["RINGING", "ANSWERED"]


class TestRecord:
    @staticmethod
    def recorder(events, **options):
        def flow(call):
            events.append(call.record("Leave a message.", **options))

        return flow

    def test_recording_ends_after_the_silence_timeout(self):
        got = []
        result = run_flow(self.recorder(got, silence_timeout=2), "say: call me back please")
        e = got[0]
        assert e.name == "record" and e.recording.text == "call me back please"
        speech = result.trace.filter("input")[0]
        end = speech.t + telenb.sim.media.speech_duration("call me back please") + 2
        assert result.trace.filter("recording")[0].t == pytest.approx(end)
        assert e.value == e.recordURI == e.recording.url
        assert e.recording.url.startswith("telenb://recordings/RE")

    def test_terminator_ends_the_recording(self):
        got = []
        run_flow(self.recorder(got, terminator="#"), "say: short one; press: #")
        assert got[0].recording.reason == "terminator"

    def test_max_time_caps_the_recording(self):
        got = []
        run_flow(self.recorder(got, max_time=1.0), "say: this is a very long message indeed")
        assert got[0].recording.reason == "max-time"
        assert got[0].recording.duration == pytest.approx(1.0)

    def test_nothing_said_times_out_per_attempt(self):
        got, fired = [], []
        run_flow(
            self.recorder(got, timeout=3, attempts=2, on_timeout=lambda e: fired.append(e.attempt)),
            "silence; silence",
        )
        assert got[0].name == "timeout" and fired == [1, 2]

    def test_speech_before_the_beep_is_not_recorded(self):
        got = []
        result = run_flow(self.recorder(got, timeout=3), "say: too early [at 0.1s]")
        assert got[0].name == "timeout"
        assert "recording has not started" in result.trace.filter("unheard")[0]["why"]

    def test_hangup_keeps_what_was_recorded(self):
        got = []
        run_flow(self.recorder(got), "say: bye now; hangup")
        assert got[0].name == "hangup" and got[0].recording.text == "bye now"

    def test_transcription_in_text_fidelity_is_the_words(self):
        got = []
        run_flow(self.recorder(got, transcribe=True), "say: hello world")
        assert got[0].transcription == "hello world"


class TestTransfer:
    @staticmethod
    def setup(behaviour="answer", script="say: hello?; wait: 5s; hangup", **flow_options):
        carrier = telenb.Carrier(seed=4, dial_timeout=30)
        carrier.phone("+15550123", behaviour=behaviour, script=script, ring=2)
        events = []

        def flow(call):
            events.append(call.transfer("+15550123", **flow_options))
            call.say("Back with the flow.")

        carrier.app(APP, flow)
        return carrier, events

    def test_answered_transfer_bridges_then_returns_to_the_flow(self):
        carrier, events = self.setup()
        result = carrier.call(APP, caller="say: hi")
        e = events[0]
        assert e.name == "success" and e.ended_by == "callee" and e.duration > 0
        child = result.legs[1]
        assert (child.direction, child.parent.sid, child.status) == (
            "outbound-dial",
            result.sid,
            "completed",
        )
        assert result.said()[-1] == "Back with the flow."
        assert child.from_ == "+15550199"  # Tropo shows the original caller id by default

    def test_caller_id_option(self):
        carrier, _events = self.setup(caller_id="+15550100")
        result = carrier.call(APP, caller="say: hi")
        assert result.legs[1].from_ == APP

    @pytest.mark.parametrize(
        "behaviour,name,status",
        [
            ("busy", "callFailure", "busy"),
            ("fail", "callFailure", "failed"),
            ("no-answer", "timeout", "no-answer"),
        ],
    )
    def test_unavailable_destinations(self, behaviour, name, status):
        carrier, events = self.setup(behaviour, timeout=10)
        result = carrier.call(APP)
        assert events[0].name == name and result.legs[1].status == status

    def test_timeout_bounds_the_ringing(self):
        carrier, _events = self.setup("no-answer", timeout=7)
        result = carrier.call(APP)
        child = result.legs[1]
        assert child.ended_at - child.created == pytest.approx(7)

    def test_voicemail_answers_as_a_machine_and_records_the_caller(self):
        carrier, _events = self.setup("voicemail", script=None)
        result = carrier.call(APP, caller="say: hi, call me back; hangup")
        child = result.legs[1]
        assert child.answered_by == "machine_start"
        [rec] = [r for r in carrier.recordings if r.call_sid == child.sid]
        assert rec.text == "hi, call me back"

    def test_terminator_lets_the_caller_cancel_while_it_rings(self):
        carrier, events = self.setup("no-answer", terminator="*")
        result = carrier.call(APP, caller="wait: 3s; press: *")
        assert events[0].name == "canceled" and result.legs[1].status == "canceled"

    def test_first_of_several_destinations_to_answer_wins(self):
        carrier = telenb.Carrier(seed=1)
        carrier.phone("+15550123", behaviour="no-answer")
        carrier.phone("+15550124", ring=3, script="wait: 2s; hangup")
        carrier.app(APP, lambda call: call.transfer(["+15550123", "+15550124"]))
        result = carrier.call(APP)
        assert sorted(leg.status for leg in result.legs[1:]) == ["canceled", "completed"]

    def test_caller_hanging_up_ends_both_legs(self):
        carrier, events = self.setup(script="say: hello?")
        result = carrier.call(APP, caller="wait: 10s; hangup")
        assert events[0].name == "hangup" and events[0].ended_by == "caller"
        assert [leg.status for leg in result.legs] == ["completed", "completed"]
        assert "refused" in [e.kind for e in result.trace]  # the say after it

    def test_transfer_to_another_flow_lets_the_caller_answer_it(self):
        carrier = telenb.Carrier(seed=1)
        carrier.app(
            "+15550101",
            lambda call: call.say(
                "Sales here, " + call.ask("Which product?", choices="phones, laptops").value
            ),
        )
        carrier.app(APP, lambda call: call.transfer("+15550101"))
        result = carrier.call(APP, caller="say: laptops")
        assert result.results() == [("choice", "laptops")]
        assert result.said() == ["Which product?", "Sales here, laptops"]

    def test_bad_destination_raises_inside_the_flow(self):
        carrier = telenb.Carrier()
        carrier.app(APP, lambda call: call.transfer("12"))
        result = carrier.call(APP)
        assert result.status == "failed" and "too short" in str(result.error)


def test_launched_session_places_an_outbound_call():
    carrier = telenb.Carrier(seed=1)
    carrier.phone("+15550123", script="press: 1", ring=1)
    events = []

    def session(call):
        events.append(call.call("+15550123", caller_id="+15550100"))
        events.append(call.ask("Press 1.", choices="[1 DIGIT]", mode="dtmf"))

    result = carrier.launch(session)
    assert [e.name for e in events] == ["answer", "choice"]
    assert result.legs[0].direction == "outbound-api" and result.legs[0].from_ == APP


def test_conference_joins_parties_and_they_hear_each_other():
    carrier = telenb.Carrier(seed=5)
    carrier.app(APP, lambda call: call.conference("room", terminator="#", mute=False))
    heard = []
    a = carrier.call(
        APP,
        caller=Caller(
            lambda h: heard.append(h.text) if h.kind == "speech" else None, number="+15550201"
        ),
        run=False,
    )
    b = carrier.call(
        APP, caller=Caller("say: hello room; wait: 1s; press: #", number="+15550202"), run=False
    )
    carrier.run(until=60)
    assert heard == ["hello room"]
    joins = [e["participants"] for e in carrier.trace.filter("conference") if e["action"] == "join"]
    assert joins == [1, 2]
    assert b.status == "completed"
    assert a.leg.conference is not None  # still in the room after b left
    room = carrier.conferences["room"]
    assert room.max_participants == 2 and len(room.participants) == 1


def test_muted_participants_are_not_heard():
    carrier = telenb.Carrier(seed=5)
    carrier.app(APP, lambda call: call.conference("room", mute=True))
    heard = []
    carrier.call(
        APP,
        caller=Caller(
            lambda h: heard.append(h.text) if h.kind == "speech" else None, number="+15550201"
        ),
        run=False,
    )
    carrier.call(APP, caller=Caller("say: can you hear me; hangup", number="+15550202"), run=False)
    carrier.run(until=60)
    assert heard == [] and carrier.trace.filter("muted")


def test_message_from_a_flow():
    result = run_flow(lambda call: call.message("See you", to="+15550123"))
    [msg] = result.messages
    assert (msg.from_, msg.to, msg.status, msg.sid[:2]) == (APP, "+15550123", "delivered", "SM")
    assert [s for _, s in msg.history] == ["queued", "sending", "sent", "delivered"]


@pytest.mark.parametrize("reason,status", [("busy", "busy"), ("rejected", "no-answer")])
def test_reject_before_answer(reason, status):
    result = run_flow(lambda call: call.reject(reason))
    assert result.status == status and result.duration == 0


def test_reject_after_answer_is_an_error():
    result = run_flow(lambda call: (call.say("hi"), call.reject()))
    assert result.status == "failed" and "only before the call is answered" in str(result.error)


def test_redirect_sends_an_unanswered_call_to_another_app():
    carrier = telenb.Carrier()
    carrier.app("+15550101", lambda call: call.say("Overflow desk."))
    carrier.app(APP, lambda call: call.redirect("+15550101"))
    result = carrier.call(APP)
    assert result.status == "completed" and result.said() == ["Overflow desk."]
    assert result.statuses() == ["initiated", "ringing", "in-progress", "completed"]


def test_call_recording_captures_both_sides():
    def flow(call):
        call.start_recording()
        r = call.ask("Name?", choices="alice, bob")
        call.say(f"Hi {r.value}")
        call.stop_recording()
        call.say("not recorded")

    result = run_flow(flow, "say: bob")
    [rec] = result.recordings
    assert rec.source == "call" and rec.channels == 2
    assert [(s.side, s.text) for s in rec.segments] == [
        ("flow", "Name?"),
        ("party", "bob"),
        ("flow", "Hi bob"),
    ]
