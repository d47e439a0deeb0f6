"""Each WebAPI verb carried out with telenb's flow verbs (`telenb.flow.api.Call`), the way
Tropo ran it, and what it adds to the next result's ``actions``.

A verb ends in one of: ``ok`` (go on), ``incomplete`` (no valid answer, no recording, the
far end did not answer: Tropo's ``incomplete`` event), ``error``, ``hangup`` (the call is
gone) or ``end`` (the app handed the call away: reject, redirect).  Ask plays its
event prompts (``"event": "nomatch:1"``, ``"timeout"``) after the attempts they name, then
asks again, as Tropo's VoiceXML engine did.  On the text channel the session's initialText
answers the first ask (https://www.tropo.com/docs/webapi/session).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ....errors import TelenbError
from ....flow.events import ChoiceInfo, Event
from ....flow.grammar import parse
from .document import Prompt, Step
from .payloads import ask_action

if TYPE_CHECKING:
    from .interpreter import WebApiSession


@dataclass
class Outcome:
    event: str  # ok, incomplete, error, hangup, end
    action: dict[str, Any] | None = None
    error: str | None = None


OK = Outcome("ok")


def _seconds(step: Step, name: str, default: float) -> float:
    value = step.fields.get(name, default)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise TelenbError(f"{step.where}: {name} must be seconds, not {value!r}") from None
    if seconds < 0:
        raise TelenbError(f"{step.where}: {name} must not be negative, not {value!r}")
    return seconds


def _terminator(step: Step, default: str | None = None) -> str | None:
    choices = step.fields.get("choices")
    if isinstance(choices, dict) and choices.get("terminator"):
        return str(choices["terminator"])
    return step.fields.get("terminator", default)


def _to(step: Step) -> list[str]:
    to = step.fields["to"]
    items = to if isinstance(to, list) else [to]
    return [str(t).removeprefix("tel:") for t in items]


def say(s: WebApiSession, step: Step) -> Outcome:
    for prompt in step.fields["prompts"]:
        if s.text_to:  # a text conversation opened by call(network=SMS): say texts
            s.call.message(prompt.value, to=s.text_to, from_=s.text_from)
            continue
        if s.speak(prompt).name == "hangup":
            return Outcome("hangup")
    return OK


def ask(s: WebApiSession, step: Step) -> Outcome:
    f = step.fields
    choices = f["choices"]
    prompts: list[Prompt] = f.get("say", [])
    main = [p for p in prompts if not p.event]
    text = " ".join(p.value for p in main) or None
    voice = f.get("voice") or next((p.voice for p in main if p.voice), None) or s.voice
    confidence = f.get("minConfidence", 30)
    if not isinstance(confidence, (int, float)) or not 0 <= confidence <= 100:
        raise TelenbError(f"{step.where}: minConfidence is a percentage 0-100, not {confidence!r}")
    if s.call.channel == "TEXT" and s.initial_text is not None:
        heard, s.initial_text = s.initial_text, None
        action = _initial_text_answer(step, choices["value"], heard)
        ok = action["disposition"] == "SUCCESS"
        s.trace("result", name="choice" if ok else "badChoice", value=action.get("value", heard),
                attempt=1, utterance=heard, mode="text", source="initialText")  # fmt: skip
        return Outcome("ok" if ok else "incomplete", action)
    counts = {"badChoice": 0, "timeout": 0}

    def on(kind: str) -> Callable[[Event], None]:
        def handler(_event: Event) -> None:
            counts[kind] += 1
            name = "nomatch" if kind == "badChoice" else "timeout"
            for p in prompts:
                tokens = (p.event or "").split()
                if name in tokens or f"{name}:{counts[kind]}" in tokens:
                    s.speak(p)

        return handler

    event = s.call.ask(
        text,
        choices=choices["value"],
        mode=choices["mode"],
        attempts=int(f.get("attempts", 1)),
        timeout=_seconds(step, "timeout", 30.0),
        interdigit_timeout=_seconds(step, "interdigitTimeout", 5.0),
        terminator=choices.get("terminator") or f.get("terminator"),
        bargein=bool(f.get("bargein", True)),
        min_confidence=float(confidence) / 100.0,
        voice=voice,
        recognizer=f.get("recognizer"),
        on_bad_choice=on("badChoice"),
        on_timeout=on("timeout"),
    )
    action = ask_action(step.name, event)
    kind = {"choice": "ok", "hangup": "hangup", "error": "error"}.get(event.name, "incomplete")
    return Outcome(kind, action, event.data.get("error"))


def _initial_text_answer(step: Step, grammar: str, heard: str) -> dict[str, Any]:
    match = parse(grammar).match_speech(heard)
    info = ChoiceInfo(
        concept=match.concept if match else None,
        interpretation=match.interpretation if match else heard,
        utterance=heard,
        confidence=1.0,
        mode="text",
    )
    name = "choice" if match else "badChoice"
    return ask_action(step.name, Event(name, match.value if match else heard, 1, info))


def record(s: WebApiSession, step: Step) -> Outcome:
    f = step.fields
    prompts: list[Prompt] = f.get("say", [])
    text = " ".join(p.value for p in prompts) or None
    voice = f.get("voice") or next((p.voice for p in prompts if p.voice), None) or s.voice
    event = s.call.record(
        text,
        beep=bool(f.get("beep", True)),
        max_time=_seconds(step, "maxTime", 30.0),
        silence_timeout=_seconds(step, "maxSilence", 5.0),
        timeout=_seconds(step, "timeout", 30.0),
        terminator=_terminator(step, "#"),
        attempts=int(f.get("attempts", 1)),
        bargein=bool(f.get("bargein", True)),
        voice=voice,
        transcribe=bool(f.get("transcription")),
    )
    rec = event.recording
    action: dict[str, Any] = {
        "name": step.name,
        "attempts": event.attempt,
        "disposition": {"record": "SUCCESS", "timeout": "TIMEOUT", "hangup": "HANGUP"}.get(
            event.name, "FAILED"
        ),
    }
    if rec is not None:
        action.update(confidence=100, value=getattr(rec, "url", None))
        if getattr(rec, "transcription", None):
            action["transcription"] = rec.transcription
        if f.get("url"):
            s.warn(f"{step.where}: telenb keeps the recording ({rec.url}); it uploads nothing "
                   f"to {f['url']}")  # fmt: skip
    if event.name == "record" or (event.name == "hangup" and rec is not None):
        return Outcome("ok" if event.name == "record" else "hangup", action)
    return Outcome({"timeout": "incomplete"}.get(event.name, event.name), action)


def transfer(s: WebApiSession, step: Step) -> Outcome:
    f = step.fields
    ring = None
    on = f.get("on")
    for item in on if isinstance(on, list) else [on] if on else []:
        if isinstance(item, dict) and item.get("event") == "ring" and item.get("say"):
            ring = (item["say"] if isinstance(item["say"], list) else [item["say"]])[0]
            ring = ring.get("value") if isinstance(ring, dict) else str(ring)
    event = s.call.transfer(
        _to(step),
        caller_id=f.get("from"),
        timeout=_seconds(step, "timeout", 30.0),
        answer_on_media=bool(f.get("answerOnMedia", False)),
        ring_audio=ring,
        terminator=_terminator(step),
        headers=dict(f.get("headers") or {}),
    )
    disposition = {
        "success": "SUCCESS", "timeout": "TIMEOUT", "hangup": "HANGUP", "canceled": "FAILED",
    }.get(event.name) or ("BUSY" if event.data.get("reason") == "busy" else "FAILED")  # fmt: skip
    action = {"name": step.name, "duration": int(event.data.get("duration") or 0),
              "disposition": disposition}  # fmt: skip
    kind = {"success": "ok", "hangup": "hangup", "error": "error"}.get(event.name, "incomplete")
    if kind == "ok" and not s.call.is_active:
        kind = "hangup"
    return Outcome(kind, action)


def place_call(s: WebApiSession, step: Step) -> Outcome:
    f = step.fields
    to = _to(step)
    network = str(f.get("network") or "PSTN").upper()
    channel = str(f.get("channel") or ("TEXT" if network == "SMS" else "VOICE")).upper()
    if channel == "TEXT" or network == "SMS":
        s.text_to, s.text_from = to[0], f.get("from") or s.app.number
        return OK
    event = s.call.call(
        to,
        caller_id=f.get("from") or s.app.number,
        timeout=_seconds(step, "timeout", 30.0),
        answer_on_media=bool(f.get("answerOnMedia", False)),
        headers=dict(f.get("headers") or {}),
    )
    if event.name == "answer":
        s.connected()
        return OK
    reason = event.data.get("reason")
    disposition = {"no-answer": "TIMEOUT", "busy": "BUSY"}.get(reason or "", "FAILED")
    action = {"name": step.name, "disposition": disposition}
    return Outcome("error" if event.name == "error" else "incomplete", action)


def conference(s: WebApiSession, step: Step) -> Outcome:
    f = step.fields
    start = s.now()
    event = s.call.conference(
        str(f["id"]),
        mute=bool(f.get("mute", False)),
        play_tones=bool(f.get("playTones", False)),
        terminator=f.get("terminator"),
    )
    action = {"name": step.name, "duration": int(s.now() - start),
              "disposition": "HANGUP" if event.name == "hangup" else "SUCCESS"}  # fmt: skip
    return Outcome("hangup" if event.name == "hangup" else "ok", action)


def message(s: WebApiSession, step: Step) -> Outcome:
    f = step.fields
    network = str(f.get("network") or "SMS").upper()
    channel = str(f.get("channel") or ("VOICE" if network in ("PSTN", "SIP") else "TEXT"))
    if channel.upper() != "TEXT":
        return Outcome("error", None, f"{step.where}: telenb sends messages as texts only "
                                      "(channel TEXT, network SMS)")  # fmt: skip
    for to in _to(step):
        for prompt in f["say"]:
            s.call.message(prompt.value, to=to, from_=f.get("from") or s.app.number)
    return OK


def wait(s: WebApiSession, step: Step) -> Outcome:
    millis = step.fields["milliseconds"]
    if not isinstance(millis, (int, float)) or millis < 0:
        raise TelenbError(f"{step.where}: milliseconds must be a number, not {millis!r}")
    event = s.call.wait(float(millis) / 1000.0)
    return Outcome("hangup" if event.name == "hangup" else "ok")


def hangup(s: WebApiSession, step: Step) -> Outcome:
    s.call.hangup()
    return Outcome("hangup")


def reject(s: WebApiSession, step: Step) -> Outcome:
    s.call.reject()
    return Outcome("end")


def redirect(s: WebApiSession, step: Step) -> Outcome:
    s.call.redirect(_to(step)[0])
    return Outcome("end")


def answer(s: WebApiSession, step: Step) -> Outcome:
    event = s.call.answer()
    return Outcome("hangup" if event.name == "hangup" else "ok")


def start_recording(s: WebApiSession, step: Step) -> Outcome:
    fmt = step.fields.get("format") or "audio/wav"
    s.call.start_recording(
        None, format=fmt, transcribe=bool(step.fields.get("transcriptionOutURI"))
    )
    return OK


def stop_recording(s: WebApiSession, step: Step) -> Outcome:
    s.call.stop_recording()
    return OK


def nothing(s: WebApiSession, step: Step) -> Outcome:
    return OK


ACTIONS: dict[str, Callable[[WebApiSession, Step], Outcome]] = {
    "say": say, "ask": ask, "record": record, "transfer": transfer, "call": place_call,
    "conference": conference, "message": message, "wait": wait, "hangup": hangup,
    "reject": reject, "redirect": redirect, "answer": answer,
    "startRecording": start_recording, "stopRecording": stop_recording,
    "generalLogSecurity": nothing,
}  # fmt: skip
