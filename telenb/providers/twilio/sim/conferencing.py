"""<Dial><Conference> for the interpreter: waiting rooms (startConferenceOnEnter="false"
with waitUrl/waitMethod), the conference statusCallback events, record, and coach.

A participant who may not start the room waits in it, muted and deaf to the others,
hearing the wait TwiML (fetched again each time it ends) until someone who may start it
joins.  Twilio's default wait music is its hold-music twimlet; offline it is a built-in,
deterministic hold tone (`HOLD_MUSIC`), as are the other com.twilio.music URLs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....flow import verbs as V
from ....sim.recording import CallRecorder
from ...docverbs.conference import ConferenceVerb
from ...docverbs.prompts import Item, PlayVerb
from .outcomes import ConferenceExit, after_dial
from .recordings import publish, recording_params

if TYPE_CHECKING:
    from ....sim.leg import Leg
    from ..twiml.parse import Node
    from .interpreter import Interpreter

DEFAULT_WAIT_URL = "http://twimlets.com/holdmusic?Bucket=com.twilio.music.classical"
HOLD_SECONDS = 30.0  # one pass of the built-in hold tone before it starts again
WAIT_VERBS = ("Play", "Say", "Pause", "Redirect")
AUDIO_SUFFIXES = (".mp3", ".wav", ".aiff", ".gsm", ".ulaw")
# statusCallbackEvent word -> the room events it subscribes to
EVENT_WORDS = {
    "start": ("start",),
    "end": ("end",),
    "join": ("join",),
    "leave": ("leave",),
    "mute": ("mute", "unmute"),
    "hold": ("hold", "unhold"),
}
EVENT_NAMES = {
    "start": "conference-start",
    "end": "conference-end",
    "join": "participant-join",
    "leave": "participant-leave",
    "mute": "participant-mute",
    "unmute": "participant-unmute",
    "hold": "participant-hold",
    "unhold": "participant-unhold",
}
# telenb's reading of Twilio's default: without statusCallbackEvent, the room's start and end
DEFAULT_EVENTS = ("start", "end")


def is_hold_music(url: str) -> bool:
    """Twilio's own hold music: the twimlet and the com.twilio.music buckets."""
    bare = url.split("://", 1)[-1].lower()
    return bare.startswith("twimlets.com/holdmusic") or bare.startswith("com.twilio.music.")


def v_conference(interp: Interpreter, noun: Node, action: str | None, method: str) -> Any:
    a = interp.attrs(noun, "Dial")
    name = noun.text
    if not name:
        interp.warn(13237, "Dial->Conference: Invalid conference name (empty)")
        return after_dial(interp, method, action, [("DialCallStatus", "failed")])
    beep = a.choice("beep", ("true", "false", "onEnter", "onExit"), "true", 13235)
    start = a.bool("startConferenceOnEnter", True, 13232)
    raw_wait = a.raw("waitUrl")
    wait_url = DEFAULT_WAIT_URL if raw_wait is None else interp.resolve(raw_wait) or ""
    wait_method = a.method("waitMethod", 13234)
    record = a.choice("record", ("do-not-record", "record-from-start"), "do-not-record", 13236)
    coach = a.text("coach")
    room = interp.carrier.conference_room(name)
    _subscribe(interp, a, room)
    if record == "record-from-start":
        _record(interp, a, room)
    conf = V.Conference(name, a.bool("muted", False, 13230), False, None, beep != "false")
    verb = ConferenceVerb(
        conf,
        a.bool("endConferenceOnExit", False, 13231),
        a.int("maxParticipants", 250, None, minimum=2, maximum=250) or 250,
        start_on_enter=start,
        coach=coach,
    )
    out = interp.perform(verb)
    if out.detail.get("waiting"):
        _wait(interp, room, wait_url, wait_method)
        if interp.over:
            return after_dial(interp, method, action, [("ConferenceSid", room.sid)])
        verb.resume = True
        out = interp.perform(verb)
    extra = [("DialCallStatus", "failed" if out.detail.get("full") else "answered")]
    extra.append(("ConferenceSid", room.sid))
    return after_dial(interp, method, action, extra)


# -- waiting ------------------------------------------------------------------------------------
def _wait(interp: Interpreter, room: Any, url: str, method: str) -> None:
    """Play the wait TwiML until the room starts (or ends, or drops this call)."""
    doc_before = interp.doc
    interp.conference_wait = room
    try:
        while not interp.over:
            if not url:  # waitUrl="": silence
                interp.perform(PlayVerb([Item("pause", seconds=HOLD_SECONDS)]))
            elif is_hold_music(url) or url.lower().split("?")[0].endswith(AUDIO_SUFFIXES):
                known = {url: HOLD_SECONDS} if is_hold_music(url) else interp.known_durations()
                interp.perform(PlayVerb([Item("play", url)], known=known))
            else:
                extra = [("ConferenceSid", room.sid), ("FriendlyName", room.name)]
                doc = interp.fetch(method, url, extra, "wait")
                if doc is None:
                    return
                while doc is not None and not interp.over:
                    doc = interp.execute(doc, WAIT_VERBS)
    except ConferenceExit:
        interp.doc = doc_before
    finally:
        interp.conference_wait = None


def wait_is_over(interp: Interpreter) -> bool:
    """For `Interpreter.perform`: the room being waited for started, or let this call go."""
    room = interp.conference_wait
    return room is not None and (room.started or interp.leg.conference is not room)


# -- status callbacks ---------------------------------------------------------------------------
def _subscribe(interp: Interpreter, a: Any, room: Any) -> None:
    """Twilio keeps the first statusCallback a room is given, with its events."""
    url = interp.resolve(a.text("statusCallback"))
    if not url or getattr(room, "twilio_events", None) is not None:
        return
    words = a.words("statusCallbackEvent", DEFAULT_EVENTS)
    events = {e for w in words for e in EVENT_WORDS.get(w, ())}
    for word in sorted(words - set(EVENT_WORDS)):
        if word not in ("modify", "speaker", "announcement"):
            interp.warn(None, f"Dial->Conference: unknown statusCallbackEvent {word!r}")
    account, cb_method = interp.account, a.method("statusCallbackMethod")
    sequence = [0]

    def send(event: str, leg: Leg) -> None:
        if event not in events:
            return
        sequence[0] += 1
        params = [
            ("AccountSid", account.account_sid),
            ("ConferenceSid", room.sid),
            ("FriendlyName", room.name),
            ("SequenceNumber", str(sequence[0])),
            ("StatusCallbackEvent", EVENT_NAMES[event]),
            ("Timestamp", account.rfc2822(account.carrier.clock.now) or ""),
        ]
        part = room.participants.get(leg.sid) if leg is not None else None
        if leg is not None:
            params += _participant_params(leg, part)
        if event == "end":
            params.append(("ReasonConferenceEnded", room.end_reason or "last-participant-left"))
            if room.ended_by:
                params.append(("CallSidEndingConference", room.ended_by))
        sid = leg.sid if leg is not None else room.sid
        account.webhooks.callback(cb_method, url, params, sid=sid, event=EVENT_NAMES[event])

    room.twilio_events = events
    room.observers.append(send)


def _participant_params(leg: Leg, part: dict | None) -> list[tuple[str, str]]:
    part = part or {}
    op = part.get("op")
    owner = getattr(op, "owner", None)
    coach = part.get("coach")
    params = [
        ("CallSid", leg.sid),
        ("Coaching", "true" if coach else "false"),
        ("EndConferenceOnExit", "true" if getattr(owner, "end_on_exit", False) else "false"),
        ("Hold", "true" if part.get("hold") else "false"),
        ("Muted", "true" if part.get("muted") else "false"),
        ("StartConferenceOnEnter", "true" if part.get("start_on_enter", True) else "false"),
    ]
    if coach:
        params.append(("CallSidToCoach", coach))
    return params


# -- record="record-from-start" -----------------------------------------------------------------
def _record(interp: Interpreter, a: Any, room: Any) -> None:
    """The room's mix is recorded from its start to its end; the recordingStatusCallback
    hears about it (there is no RecordingUrl in the <Dial> action for a conference)."""
    if getattr(room, "twilio_recording", False):
        return
    room.twilio_recording = True
    carrier, account = interp.carrier, interp.account
    callback = interp.resolve(a.text("recordingStatusCallback"))
    cb_method = a.method("recordingStatusCallbackMethod")
    events = a.words("recordingStatusCallbackEvent", ("completed",))
    first_leg = interp.leg

    def observe(event: str, leg: Leg) -> None:
        if event == "start" and room.recorder is None:
            room.recorder = CallRecorder(carrier.recordings, leg or first_leg, None, False)
            (leg or first_leg).trace("recording", action="start", conference=room.sid)
        elif event == "end" and room.recorder is not None:
            recorder, room.recorder = room.recorder, None
            rec = carrier.recordings.finish(recorder, "conference")
            rec.meta["conference_sid"] = room.sid
            url = publish(account, rec)
            if callback and "completed" in events:
                params = [
                    ("AccountSid", account.account_sid),
                    ("ConferenceSid", room.sid),
                    *recording_params(account, rec, url),
                ]
                account.webhooks.callback(
                    cb_method, callback, params, sid=room.sid, event="recording"
                )

    room.observers.append(observe)
