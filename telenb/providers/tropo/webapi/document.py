"""A Tropo WebAPI document, ``{"tropo": [{"say": ...}, {"ask": ...}, {"on": ...}]}``, read
and checked before any of it runs.

Tropo took the whole document or none of it: a body that is not JSON, a root that is not
``{"tropo": [...]}``, a verb it does not know or a verb missing a required field ends the
session with an error in the log.  `parse_document` raises `WebApiError` naming the step
(``tropo[2].ask``) and the field, so the trace says what to fix.  Fields Tropo accepted but
the simulator has no use for (``allowSignals``, ``promptLogSecurity``, ...) are accepted.
Field names follow Tropo's WebAPI reference (https://www.tropo.com/docs/webapi/).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ....errors import TelenbError

MAX_BYTES = 1024 * 1024  # telenb's limit for one document (Tropo documented none)

_COMMON = {"name", "required", "allowSignals", "promptLogSecurity", "label"}
# verb -> fields it may carry (beyond _COMMON); the first group is required
FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "say": ({"value"}, {"voice", "as", "event", "media"}),
    "ask": (
        {"choices"},
        {
            "say", "attempts", "bargein", "timeout", "interdigitTimeout", "minConfidence",
            "voice", "recognizer", "sensitivity", "speechCompleteTimeout",
            "speechIncompleteTimeout", "asrLogSecurity", "maskTemplate", "mode", "terminator",
        },
    ),
    "record": (
        set(),
        {
            "say", "attempts", "bargein", "beep", "choices", "format", "maxSilence", "maxTime",
            "method", "minConfidence", "transcription", "url", "username", "password",
            "timeout", "interdigitTimeout", "voice", "asyncUpload", "sensitivity",
        },
    ),
    "transfer": (
        {"to"},
        {
            "from", "timeout", "answerOnMedia", "choices", "headers", "ringRepeat", "on",
            "interdigitTimeout", "machineDetection", "playTones", "voice", "callbackUrl",
        },
    ),
    "call": (
        {"to"},
        {
            "from", "network", "channel", "timeout", "answerOnMedia", "headers",
            "machineDetection", "recording", "voice", "callbackUrl",
        },
    ),
    "conference": (
        {"id"},
        {"mute", "playTones", "terminator", "interdigitTimeout", "joinPrompt", "leavePrompt",
         "voice"},
    ),
    "message": (
        {"say", "to"},
        {"from", "network", "channel", "answerOnMedia", "timeout", "voice"},
    ),
    "wait": ({"milliseconds"}, set()),
    "hangup": (set(), {"headers"}),
    "reject": (set(), set()),
    "answer": (set(), {"headers"}),
    "redirect": ({"to"}, set()),
    "startRecording": (
        set(),
        {"url", "format", "method", "username", "password", "transcriptionOutURI",
         "transcriptionEmailFormat", "transcriptionID", "asyncUpload"},
    ),
    "stopRecording": (set(), set()),
    "on": ({"event"}, {"next", "say", "ask", "post"}),
    "generalLogSecurity": (set(), set()),
}  # fmt: skip
VERBS = tuple(FIELDS)
EVENTS = ("continue", "incomplete", "error", "hangup")


class WebApiError(TelenbError):
    """The app answered something Tropo would not run (the session ends)."""


@dataclass
class Prompt:
    """One say object: text or an audio URL, with its voice and the ask event it is for."""

    value: str
    voice: str | None = None
    say_as: str | None = None
    event: str | None = None  # "timeout", "nomatch:1 nomatch:2" (inside ask)


@dataclass
class Step:
    verb: str
    fields: dict[str, Any]
    where: str  # tropo[3].ask

    @property
    def required(self) -> bool:
        """Tropo's `required` (default true): go on to the next verb only if this one
        completed successfully."""
        return self.fields.get("required", True) is not False

    @property
    def name(self) -> str | None:
        name = self.fields.get("name")
        return None if name is None else str(name)


@dataclass
class Handler:
    """An ``on`` object: what to do when `event` happens in this document."""

    event: str
    next: str | None = None
    say: list[Prompt] = field(default_factory=list)


@dataclass
class Document:
    url: str  # where it came from: the base for relative `next` URLs
    steps: list[Step]
    handlers: dict[str, Handler]
    text: str = ""

    def to_json(self) -> str:
        return self.text


def parse_document(body: bytes | str, url: str = "") -> Document:
    """Read a WebAPI answer; an empty body is an empty document (nothing more to do)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if not text.strip():
        return Document(url, [], {}, "")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WebApiError(
            f"the app's answer is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
            'a WebAPI app answers {"tropo": [...]}'
        ) from None
    except RecursionError:
        raise WebApiError(
            'the app\'s answer nests JSON too deeply to read; a WebAPI app answers {"tropo": [...]}'
        ) from None
    if not isinstance(data, dict) or "tropo" not in data:
        got = type(data).__name__ if not isinstance(data, dict) else f"keys {sorted(data)}"
        raise WebApiError(f'the app\'s JSON must be {{"tropo": [...]}}, got {got}')
    items = data["tropo"]
    if isinstance(items, dict):  # one verb given without the list
        items = [items]
    if not isinstance(items, list):
        raise WebApiError(f'"tropo" must be a list of verbs, not {type(items).__name__}')
    steps: list[Step] = []
    handlers: dict[str, Handler] = {}
    for i, item in enumerate(items):
        where = f"tropo[{i}]"
        if not isinstance(item, dict) or len(item) != 1:
            raise WebApiError(f'{where} must be one verb such as {{"say": {{...}}}}, not {item!r}')
        ((verb, value),) = item.items()
        where = f"{where}.{verb}"
        if verb not in FIELDS:
            raise WebApiError(f"{where}: unknown verb {verb!r}; Tropo knows {', '.join(VERBS)}")
        step = _step(verb, value, where)
        if verb == "on":
            handler = _handler(step)
            handlers.setdefault(handler.event, handler)
        else:
            steps.append(step)
    return Document(url, steps, handlers, json.dumps(data))


def _step(verb: str, value: Any, where: str) -> Step:
    if verb == "say":  # one say object or a list of them
        prompts = prompts_of(value, where)
        return Step(verb, {"prompts": prompts}, where)
    if value is None:
        value = {}
    if verb == "wait" and isinstance(value, (int, float)):
        value = {"milliseconds": value}
    if not isinstance(value, dict):
        raise WebApiError(f"{where} must be an object of fields, not {value!r}")
    required, optional = FIELDS[verb]
    for name in sorted(required):
        if value.get(name) in (None, "", []):
            raise WebApiError(f"{where}: the field {name!r} is required")
    for name in value:
        if name not in required | optional | _COMMON:
            known = ", ".join(sorted(required | optional))
            raise WebApiError(f"{where}: unknown field {name!r} (known: {known})")
    fields = dict(value)
    if "say" in fields:
        fields["say"] = prompts_of(fields["say"], f"{where}.say", fields.get("voice"))
    if verb == "ask":
        fields["choices"] = choices_of(fields["choices"], where)
    return Step(verb, fields, where)


def _handler(step: Step) -> Handler:
    event = str(step.fields["event"])
    nxt = step.fields.get("next")
    if nxt is not None and not isinstance(nxt, str):
        raise WebApiError(f"{step.where}: next must be a URL string, not {nxt!r}")
    return Handler(event, nxt or None, list(step.fields.get("say", [])))


def prompts_of(value: Any, where: str, voice: str | None = None) -> list[Prompt]:
    """A say object, a list of them, or a bare string, as prompts."""
    items = value if isinstance(value, list) else [value]
    out = []
    for i, item in enumerate(items):
        here = f"{where}[{i}]" if isinstance(value, list) else where
        if isinstance(item, str):
            item = {"value": item}
        if not isinstance(item, dict) or item.get("value") is None:
            raise WebApiError(f'{here}: a say needs a "value" (text or an audio URL)')
        unknown = set(item) - FIELDS["say"][0] - FIELDS["say"][1] - _COMMON
        if unknown:
            raise WebApiError(f"{here}: unknown field {sorted(unknown)[0]!r} in say")
        out.append(
            Prompt(
                str(item["value"]), item.get("voice") or voice, item.get("as"), item.get("event")
            )
        )
    return out


def choices_of(value: Any, where: str) -> dict[str, Any]:
    """Tropo's choices object ({value, mode, terminator}); a bare string is its value."""
    if isinstance(value, str):
        value = {"value": value}
    if not isinstance(value, dict) or not str(value.get("value") or "").strip():
        raise WebApiError(f'{where}.choices needs a "value", the grammar, such as "yes, no"')
    unknown = set(value) - {"value", "mode", "terminator"}
    if unknown:
        raise WebApiError(f"{where}.choices: unknown field {sorted(unknown)[0]!r}")
    mode = str(value.get("mode") or "any").lower()
    if mode not in ("speech", "dtmf", "any"):
        raise WebApiError(f"{where}.choices.mode must be speech, dtmf or any, not {mode!r}")
    return {"value": str(value["value"]), "mode": mode, "terminator": value.get("terminator")}
