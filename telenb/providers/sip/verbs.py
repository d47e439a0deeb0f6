"""Each flow verb carried out on a real SIP call, in real time (one function per verb).

The outcomes are the simulator's (`flow/verbs.py`), so `Call.ask` and `Call.record` turn them
into the same Tropo-shaped events on either backend.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ...audio import Audio
from ...errors import FlowError, SpeechError
from ...flow import verbs as V
from ...sim.media import recognize_audio
from .listen import SpeechListener
from .recording import SipRecording
from .statuses import REJECT_CODE
from .transfer import transfer

if TYPE_CHECKING:
    from .session import SipCall

ANSWERS_FIRST = (V.Say, V.Ask, V.Record, V.Wait, V.Transfer)


def execute(call: SipCall, verb: Any) -> Any:
    call.pump()
    if isinstance(verb, V.Log):
        call.trace("log", message=verb.message)
        return V.Done()
    if call.ended:
        if not isinstance(verb, V.Hangup):
            call.trace("refused", verb=type(verb).__name__.lower(), why="the call has ended")
        return V.hangup_outcome(verb)
    if isinstance(verb, V.Reject):
        return reject(call, verb)
    if isinstance(verb, (*ANSWERS_FIRST, V.Answer)):
        call.answer()
    if isinstance(verb, V.Answer):
        return V.Done(hangup=call.ended)
    if isinstance(verb, V.Say):
        call.play(verb)
        return V.Done(hangup=call.ended)
    if isinstance(verb, V.Wait):
        call.trace("wait", seconds=verb.seconds)
        call.wait_until(lambda: False, verb.seconds)
        return V.Done(hangup=call.ended)
    if isinstance(verb, V.Ask):
        return ask(call, verb)
    if isinstance(verb, V.Record):
        return record(call, verb)
    if isinstance(verb, V.Message):
        return message(call, verb)
    if isinstance(verb, V.Transfer):
        return transfer(call, verb)
    if isinstance(verb, V.Hangup):
        if not call.answered and call.direction == "inbound":
            call.answer()
        call.hangup()
        return V.Done(hangup=True)
    raise FlowError(f"the SIP backend cannot carry out {type(verb).__name__} yet")


def message(call: SipCall, verb: V.Message) -> V.Done:
    """A text to the other party as a SIP MESSAGE in the call's own dialog (RFC 3428).  SIP has
    no SMS: anyone else (a phone number, another URI) would make telenb a relay, so it is refused.
    Like SMS on the simulator, it does not wait for delivery; the answer is traced."""
    if _bare(verb.to) != _bare(call.peer):
        raise FlowError(
            f"over SIP, message() reaches only the other party of the call ({call.peer}), as a "
            f"SIP MESSAGE in its dialog; {verb.to!r} is not that party"
        )
    if verb.media:
        raise FlowError("over SIP, message() sends text only (a SIP MESSAGE), not media=")
    sid = call._message_sid()
    call.unanswered.add(sid)
    call.send("send_message", ref=sid, text=verb.text)
    call.trace("message", sid=sid, status="sent", network="SIP",
               **{"from": call.us, "to": call.peer, "body": verb.text})  # fmt: skip
    return V.Done(detail={"sid": sid, "to": call.peer, "status": "sent"})


def _bare(uri: str) -> str:
    """`sip:alice@h:5080;transport=udp` and `<sip:alice@h:5080>` are the same party."""
    return uri.strip().strip("<>").split(";")[0].lower()


def reject(call: SipCall, verb: V.Reject) -> V.Done:
    if call.answered:
        raise FlowError("reject() works only before the call is answered; use hangup()")
    call.rejected = verb.reason
    call.send("reject", code=REJECT_CODE.get(verb.reason, 603))
    call.wait_until(lambda: call.ended, 5.0)
    return V.Done(detail={"status": call.status})


def ask(call: SipCall, verb: V.Ask) -> V.AskOutcome:
    """Prompt (keys or speech barge in), then collect keys until the grammar is complete, or
    one spoken answer, recognised against the grammar as on the simulator."""
    keys = verb.mode in ("dtmf", "any") and verb.grammar.accepts_dtmf
    ear = SpeechListener(call, verb.speech_timeout) if verb.mode in ("speech", "any") else None
    path, duration = call.render(verb.prompt) if verb.prompt else (None, 0.0)
    call.trace("ask", prompt=verb.prompt.text if verb.prompt else "", choices=str(verb.grammar),
               mode=verb.mode, attempt=verb.attempt, duration=duration,
               voice=verb.prompt.voice if verb.prompt else None)  # fmt: skip
    call.digits.clear()
    if ear is not None and verb.bargein:
        ear.start()  # the caller may answer over the prompt
    if path is not None:
        hears = (lambda: ear.poll() is not None or ear.speaking) if ear and verb.bargein else None
        call.stream(path, duration, stop_on_key=keys and verb.bargein, stop_when=hears)
    if not verb.bargein or not keys:
        call.digits.clear()  # keys pressed while the flow was not listening are not heard
    if ear is not None:
        ear.start()
    got, term = "", None
    limit = verb.grammar.max_digits
    deadline = time.monotonic() + verb.timeout
    while not call.ended:
        if ear is not None and (ear.poll() is not None or ear.speaking):
            if ear.utterance is not None:
                break
            deadline = time.monotonic() + ear.endpointer.max_seconds  # until the answer ends
        elif call.digits:
            key = call.digits.pop(0)
            if verb.terminator and key == verb.terminator:
                term = key
                break
            got += key
            if verb.grammar.dtmf_complete(got) or (limit is not None and len(got) >= limit):
                break
            deadline = time.monotonic() + verb.interdigit_timeout
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            break
        call.pump(min(left, 0.05))
    spoken = ear.finish() if ear is not None else None
    if got or term:
        return V.AskOutcome("input", "dtmf", digits=got, terminated_by=term)
    if spoken is not None:
        return _heard(call, verb, spoken)
    if call.ended:
        return V.AskOutcome("hangup")
    call.trace("timeout", after=verb.timeout)
    return V.AskOutcome("noinput")


def _heard(call: SipCall, verb: V.Ask, audio: Audio) -> V.AskOutcome:
    """The caller's spoken answer through the question's recogniser and grammar."""
    try:
        text, confidence = recognize_audio(audio, verb)
    except SpeechError as exc:  # as on the simulator: the question's error event
        call.trace("error", error=type(exc).__name__, message=str(exc))
        return V.AskOutcome("error", text=str(exc))
    call.trace("input", by="caller", mode="speech", value=text, confidence=round(confidence, 3),
               duration=round(audio.duration, 3))  # fmt: skip
    return V.AskOutcome("input", "speech", text, confidence=confidence)


def record(call: SipCall, verb: V.Record) -> V.RecordOutcome:
    """Prompt, beep, then write what the caller sends until max_time, a key or hangup."""
    path, duration = call.render(verb.prompt) if verb.prompt else (None, 0.0)
    call.trace("record", prompt=verb.prompt.text if verb.prompt else "", beep=verb.beep,
               max_time=verb.max_time, attempt=verb.attempt)  # fmt: skip
    if path is not None:
        call.stream(path, duration)
    if verb.beep and not call.ended:
        call.beep()
    if call.ended:
        return V.RecordOutcome("hangup")
    target = call.backend.workdir / f"{call.cid}-rec{len(call.recordings) + 1}.wav"
    call.recorded = None
    call.digits.clear()
    call.send("record", path=str(target))
    stop = verb.terminator
    call.wait_until(lambda: bool(stop) and stop in call.digits, verb.max_time)
    if not call.ended:
        call.send("stop_record")
    call.wait_until(lambda: call.recorded is not None, 5.0)
    call.digits.clear()
    if call.recorded is None:
        return V.RecordOutcome("hangup" if call.ended else "timeout")
    audio = Audio.load(call.recorded).mono()
    rec = _recording(call, verb, audio, call.recorded)
    call.recordings.append(rec)
    call.trace("recording", url=rec.url, duration=rec.duration)
    return V.RecordOutcome("hangup" if call.ended else "record", rec)


def _recording(call: SipCall, verb: V.Record, audio: Audio, path: str) -> SipRecording:
    if verb.path and not verb.path.startswith(("http://", "https://")):
        audio.save(verb.path)
        path = verb.path
    text = None
    if verb.transcribe and audio.duration > 0:
        from ...speech import transcribe

        text = transcribe(audio).text
    return SipRecording(f"file://{path}", path, round(audio.duration, 3), audio, text)
