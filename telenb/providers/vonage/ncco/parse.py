"""NCCO documents: parse the JSON and check every action against Vonage's NCCO reference.

An NCCO is a JSON array of action objects.  Vonage runs none of an NCCO that is invalid; the
error reaches the event webhook as ``reason`` (https://developer.vonage.com/en/voice/
voice-api/ncco-reference, webhook reference "Errors").  `parse_ncco` therefore checks the
whole document first and raises `NccoError` naming the offending position, such as
``[1].dtmf.maxDigits``, with what Vonage accepts there.  Options telenb does not know are
returned in `Action.unknown` so the interpreter can warn about them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from ....errors import TelenbError

MAX_BYTES = 1_000_000  # telenb stops reading an answer here (an NCCO is a few kB)
SYNTAX = "Syntax error in NCCO. Invalid value type or action."
ENDPOINT_TYPES = ("phone", "sip", "websocket", "app", "vbc")


class NccoError(TelenbError, ValueError):
    """An NCCO Vonage would not run; `where` is the JSON path of the problem."""

    def __init__(self, where: str, problem: str):
        self.where, self.problem = where, problem
        super().__init__(f"{SYNTAX} {where}: {problem}" if where else f"{SYNTAX} {problem}")


@dataclass
class Action:
    """One checked NCCO action: its name, its options (as given) and its index."""

    name: str
    options: dict[str, Any]
    index: int
    unknown: list[str] = field(default_factory=list)

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)


def loads(body: bytes | str) -> Any:
    """The JSON value of an answer body, or `NccoError` saying why it is not JSON."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return _raise(
            "", f"the answer is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        )


def parse_ncco(document: Any) -> list[Action]:
    """Check an NCCO (JSON text, bytes or the decoded list) and return its actions."""
    value = loads(document) if isinstance(document, (str, bytes)) else document
    if isinstance(value, dict) and "action" in value:
        _raise("", "an NCCO is a JSON array of actions; wrap the object in [ ]")
    if not isinstance(value, list):
        _raise("", f"an NCCO is a JSON array of actions, not {_kind(value)}")
    actions = [_action(i, item) for i, item in enumerate(value)]
    _check_barge_in(actions)
    return actions


def _action(index: int, item: Any) -> Action:
    where = f"[{index}]"
    if not isinstance(item, dict):
        _raise(where, f"each action is a JSON object, not {_kind(item)}")
    name = item.get("action")
    if not isinstance(name, str):
        _raise(f"{where}.action", "every action needs an 'action' name, such as \"talk\"")
    check = ACTIONS.get(name)
    if check is None:
        _raise(f"{where}.action", f"unknown action {name!r}; Vonage's are {', '.join(ACTIONS)}")
    c = _Checker(where, item)
    known = check(c)
    unknown = sorted(k for k in item if k != "action" and k not in known)
    return Action(name, dict(item), index, unknown)


def _check_barge_in(actions: list[Action]) -> None:
    """ "If you set bargeIn to true the next non-talk action in the NCCO stack must be an
    input action" (NCCO reference, talk and stream)."""
    pending: Action | None = None
    for action in actions:
        if action.name in ("talk", "stream"):
            if action.get("bargeIn") is True and pending is None:
                pending = action
            continue
        if pending is not None and action.name != "input":
            _raise(
                f"[{pending.index}].bargeIn",
                f"a {pending.name} with bargeIn true must be followed by an input action, "
                f"but [{action.index}] is {action.name!r}",
            )
        pending = None
    if pending is not None:
        _raise(
            f"[{pending.index}].bargeIn",
            f"a {pending.name} with bargeIn true must be followed by an input action",
        )


# -- checking options ---------------------------------------------------------------------------
class _Checker:
    """Checks the options of one object; each method returns the option's name."""

    def __init__(self, where: str, obj: dict[str, Any]):
        self.where, self.obj = where, obj

    def at(self, key: str) -> str:
        return f"{self.where}.{key}"

    def present(self, key: str) -> bool:
        return key in self.obj and self.obj[key] is not None

    def require(self, key: str) -> None:
        if not self.present(key):
            _raise(self.at(key), "is required")

    def string(self, key: str, *, max_len: int | None = None, pattern: str | None = None) -> str:
        if self.present(key):
            value = self.obj[key]
            if not isinstance(value, str):
                _raise(self.at(key), f"must be a string, not {_kind(value)}")
            if max_len is not None and len(value) > max_len:
                _raise(self.at(key), f"is {len(value)} characters; the limit is {max_len}")
            if pattern is not None and not re.fullmatch(pattern, value):
                _raise(self.at(key), f"{value!r} is not valid here")
        return key

    def boolean(self, key: str) -> str:
        if self.present(key) and not isinstance(self.obj[key], bool):
            _raise(self.at(key), f"must be true or false, not {json.dumps(self.obj[key])}")
        return key

    def number(self, key: str, low: float, high: float, *, integer: bool = False) -> str:
        if self.present(key):
            value = self.obj[key]
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if ok and integer and isinstance(value, float) and not value.is_integer():
                ok = False
            if not ok or not math.isfinite(value):
                kind = "an integer" if integer else "a number"
                _raise(self.at(key), f"must be {kind}, not {json.dumps(value)}")
            if not low <= value <= high:
                _raise(self.at(key), f"must be between {low:g} and {high:g}, not {value:g}")
        return key

    def choice(self, key: str, values: tuple[str, ...]) -> str:
        if self.present(key) and self.obj[key] not in values:
            _raise(
                self.at(key), f"must be one of {', '.join(values)}, not {json.dumps(self.obj[key])}"
            )
        return key

    def urls(self, key: str, *, single: bool = False) -> str:
        """eventUrl and friends: "the eventUrl parameter MUST be an array" (NCCO reference)."""
        if self.present(key):
            value = self.obj[key]
            if not isinstance(value, list) or not all(isinstance(u, str) for u in value):
                _raise(
                    self.at(key),
                    f"must be an array of URL strings, such as "
                    f'["https://example.com/event"], not {json.dumps(value)[:60]}',
                )
            if not value or (single and len(value) != 1):
                _raise(self.at(key), "must hold exactly one URL" if single else "is empty")
        return key

    def method(self, key: str) -> str:
        if self.present(key):
            value = self.obj[key]
            if not isinstance(value, str) or value.upper() not in ("GET", "POST"):
                _raise(self.at(key), f"must be GET or POST, not {json.dumps(value)}")
        return key

    def object(self, key: str) -> _Checker | None:
        if not self.present(key):
            return None
        value = self.obj[key]
        if not isinstance(value, dict):
            _raise(self.at(key), f"must be a JSON object, not {_kind(value)}")
        return _Checker(self.at(key), value)

    def strings(self, key: str) -> str:
        if self.present(key):
            value = self.obj[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                _raise(self.at(key), "must be an array of strings")
        return key


def _talk(c: _Checker) -> set[str]:
    c.require("text")
    return {
        c.string("text", max_len=1500), c.boolean("bargeIn"),
        c.number("loop", 0, 2**31, integer=True), c.number("level", -1, 1),
        c.string("language"), c.number("style", 0, 100, integer=True), c.boolean("premium"),
    }  # fmt: skip


def _stream(c: _Checker) -> set[str]:
    c.require("streamUrl")
    return {
        c.urls("streamUrl", single=True), c.number("level", -1, 1), c.boolean("bargeIn"),
        c.number("loop", 0, 2**31, integer=True),
    }  # fmt: skip


def _input(c: _Checker) -> set[str]:
    c.require("type")
    types = c.obj["type"]
    if not isinstance(types, list) or not types or not all(t in ("dtmf", "speech") for t in types):
        _raise(
            c.at("type"),
            f'must be ["dtmf"], ["speech"] or ["dtmf", "speech"], not {json.dumps(types)[:60]}',
        )
    dtmf, speech = c.object("dtmf"), c.object("speech")
    if dtmf is not None:
        dtmf.number("timeOut", 0, 10)
        dtmf.number("maxDigits", 1, 20, integer=True)
        dtmf.boolean("submitOnHash")
    if speech is not None:
        speech.strings("uuid")
        speech.number("endOnSilence", 0.4, 10)
        speech.string("language")
        speech.strings("context")
        speech.number("startTimeout", 1, 60)
        speech.number("maxDuration", 1, 60)
        speech.boolean("saveAudio")
        speech.number("sensitivity", 0, 100)
    mode = c.choice("mode", ("synchronous", "asynchronous"))
    return {"type", "dtmf", "speech", c.urls("eventUrl"), c.method("eventMethod"), mode}


def _record(c: _Checker) -> set[str]:
    return {
        c.choice("format", ("mp3", "wav", "ogg")), c.choice("split", ("conversation",)),
        c.number("channels", 1, 32, integer=True), c.number("endOnSilence", 3, 10),
        c.string("endOnKey", pattern=r"[0-9*#]"), c.number("timeOut", 3, 7200),
        c.boolean("beepStart"), c.urls("eventUrl"), c.method("eventMethod"),
    }  # fmt: skip


def _conversation(c: _Checker) -> set[str]:
    c.require("name")
    if c.present("mute") and c.obj["mute"] and c.present("canSpeak"):
        _raise(c.at("mute"), "cannot be used together with canSpeak")
    return {
        c.string("name"), c.urls("musicOnHoldUrl"), c.boolean("startOnEnter"),
        c.boolean("endOnExit"), c.boolean("record"), c.strings("canSpeak"),
        c.strings("canHear"), c.boolean("mute"), c.urls("eventUrl"), c.method("eventMethod"),
    }  # fmt: skip


def _connect(c: _Checker) -> set[str]:
    c.require("endpoint")
    endpoints = c.obj["endpoint"]
    if not isinstance(endpoints, list) or len(endpoints) != 1:
        _raise(
            c.at("endpoint"),
            "must be an array of one endpoint object (Vonage connects "
            "to one endpoint per connect action)",
        )
    _endpoint(_Checker(c.at("endpoint[0]"), _as_object(c.at("endpoint[0]"), endpoints[0])))
    if c.present("from") and c.obj.get("randomFromNumber") is True:
        _raise(c.at("randomFromNumber"), "cannot be used together with from")
    return {
        "endpoint", c.string("from", pattern=r"\+?[0-9]{7,15}"), c.boolean("randomFromNumber"),
        c.choice("eventType", ("synchronous",)), c.number("timeout", 1, 120),
        c.number("limit", 1, 7200), c.choice("machineDetection", ("continue", "hangup")),
        "advanced_machine_detection", c.urls("eventUrl"), c.method("eventMethod"),
        "ringbackTone",
    }  # fmt: skip


def _endpoint(c: _Checker) -> None:
    kind = c.obj.get("type", "phone")
    if kind not in ENDPOINT_TYPES:
        _raise(c.at("type"), f"must be one of {', '.join(ENDPOINT_TYPES)}, not {json.dumps(kind)}")
    key = {"phone": "number", "sip": "uri", "websocket": "uri", "app": "user", "vbc": "extension"}
    c.require(key[kind])
    if kind == "phone":
        c.string("number", pattern=r"\+?[0-9]{7,15}")
        c.string("dtmfAnswer", pattern=r"[0-9*#p]*")
    elif kind == "sip":
        c.string("uri", pattern=r"sips?:.+")
    elif kind == "websocket":
        c.string("uri", pattern=r"wss?://.+")
        c.choice(
            "content-type", ("audio/l16;rate=8000", "audio/l16;rate=16000", "audio/l16;rate=24000")
        )
    else:
        c.string(key[kind])


def _notify(c: _Checker) -> set[str]:
    c.require("payload")
    c.require("eventUrl")
    c.object("payload")
    return {"payload", c.urls("eventUrl"), c.method("eventMethod")}


def _wait(c: _Checker) -> set[str]:
    return {c.number("timeout", 0.1, 7200)}


def _transfer(c: _Checker) -> set[str]:
    c.require("conversation_id")
    return {c.string("conversation_id"), "canHear", "canSpeak", "mute"}


ACTIONS: dict[str, Callable[[_Checker], set[str]]] = {
    "talk": _talk,
    "stream": _stream,
    "input": _input,
    "record": _record,
    "connect": _connect,
    "conversation": _conversation,
    "notify": _notify,
    "wait": _wait,
    "transfer": _transfer,
}


def _as_object(where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        _raise(where, f"must be a JSON object, not {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _raise(where: str, problem: str) -> NoReturn:
    raise NccoError(where, problem)
