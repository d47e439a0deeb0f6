"""One call's conversation with its script's interpreter.

The child sends a verb with its options (handlers replaced by ``{"$fn": id}``); telenb runs it
through the same Tropo globals Python scripts use (`telenb.flow.tropo.script_globals`), so
option names, defaults and events are the same in every language.  A handler fires as a
message back to the child, which runs it in the script's own language (its verbs nest) and
answers ``return``; then the verb's event goes back as its ``result``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from greenlet import GreenletExit

from ...errors import CallEnded, FlowError, TelenbError
from ..api import Call
from ..events import Event
from ..tropo import TropoApp, TropoCall, script_globals
from .child import Child

VERBS = (
    "answer", "say", "ask", "prompt", "record", "transfer", "call", "conference", "message",
    "wait", "hangup", "reject", "redirect", "log", "startCallRecording", "stopCallRecording",
)  # fmt: skip


class ScriptError(FlowError):
    """The script raised (or did not compile); the message names its file and line."""


class _HandlerFailed(Exception):
    """A handler raised in the child: unwind the verb so the child rethrows it there."""


class Bridge:
    """Serve one child: carry out its verbs on `call` until the script ends."""

    def __init__(
        self,
        call: Call,
        child: Child,
        params: dict[str, Any] | None,
        names: dict,
        app: TropoApp | None = None,
    ):
        self.call = call
        self.child = child
        self.names = names  # temporary path -> what to call the script in messages
        self.app = app or TropoApp("tropo")
        self.g = script_globals(call, None, self.app)
        self.params = params or {}

    def run(self) -> None:
        app = {"id": self.app.id, "name": self.app.name, "baseDir": self.app.baseDir}
        self.child.send(
            {"op": "start", "call": self.snapshot(), "params": _plain(self.params), "app": app}
        )
        self.serve("exit")

    def serve(self, until: str) -> dict[str, Any]:
        """Answer the child's requests until it sends `until` (exit, or a handler's return)."""
        while True:
            message = self.child.receive()
            op = message.get("op")
            if op == "verb":
                self.verb(message)
            elif op == "print":
                self.g["log"](str(message.get("text", "")))
            elif op == until:
                return message
            elif op == "error":
                raise ScriptError(self.rename(_describe(message)))
            else:
                raise FlowError(f"the {self.child.title} shim sent {op!r} while telenb "
                                f"waited for {until!r}")  # fmt: skip

    def verb(self, message: dict[str, Any]) -> None:
        name = message.get("verb")
        args = [self.decode(a) for a in message.get("args") or []]
        if len(args) > 1 and args[1] == []:  # PHP's array() for "no options"
            args[1] = None
        try:
            if name == "_state":
                self.child.send({"op": "result", "state": self.call.state,
                                 "active": self.call.is_active})  # fmt: skip
                return
            if name not in VERBS:
                raise FlowError(f"{name!r} is not a Tropo verb")
            event = self.g[name](*args)
        except _HandlerFailed:
            self.child.send({"op": "rethrow"})
            return
        except (CallEnded, GreenletExit):
            raise
        except (TelenbError, TypeError, ValueError) as exc:
            self.child.send({"op": "raise", "message": str(exc), "kind": type(exc).__name__})
            return
        self.child.send({"op": "result", **self.encode(event)})

    # -- values across the boundary -------------------------------------------------------------
    def decode(self, value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"$fn"}:
                return self.handler(int(value["$fn"]))
            return {k: self.decode(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.decode(v) for v in value]
        return value

    def handler(self, ident: int) -> Callable[[Event], None]:
        def fire(event: Event) -> None:
            self.child.send({"op": "handler", "id": ident, **self.encode(event)})
            if self.serve("return").get("failed"):
                raise _HandlerFailed

        return fire

    def encode(self, event: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not isinstance(event, Event):
            return {"event": None}
        value = event.value
        if isinstance(value, TropoCall | Call):  # call() answered: the new currentCall
            out["call"] = self.snapshot()
            value = None
        choice = event.choice
        extra = {k: _plain(v) for k, v in event.data.items() if k not in ("recording",)}
        out["event"] = {
            "name": event.name,
            "value": _plain(value),
            "attempt": event.attempt,
            "choice": {
                "concept": choice.concept,
                "interpretation": choice.interpretation,
                "utterance": choice.utterance,
                "confidence": choice.confidence,
                "mode": choice.mode,
            },
            "recordURI": event.recordURI,
            "transcription": _plain(event.data.get("transcription")),
            "data": extra,
        }
        return out

    def snapshot(self) -> dict[str, Any] | None:
        """`currentCall` as the child shows it (None for a session with no call yet)."""
        current = self.g.get("currentCall")
        if current is None:
            if not self.call.sid:
                return None
            current = TropoCall(self.call)
        return {
            "callerID": current.callerID,
            "calledID": current.calledID,
            "callerName": current.callerName,
            "calledName": current.calledName,
            "network": current.network,
            "channel": current.channel,
            "id": current.id,
            "sessionId": current.sessionId,
            "initialText": current.initialText,
            "state": current.state(),
            "headers": dict(self.call.headers),
            "userType": getattr(current, "userType", None),
        }

    def rename(self, text: str) -> str:
        for path, name in self.names.items():
            text = text.replace(path, name)
        return text


def _describe(message: dict[str, Any]) -> str:
    where = message.get("where")
    text = str(message.get("message") or "the script failed")
    head = f"{where}: {text}" if where and not text.startswith(str(where)) else text
    trace = str(message.get("trace") or "").strip()
    return head + (f"\n{trace}" if trace and trace not in head else "")


def _plain(value: Any) -> Any:
    """A JSON-safe copy (objects become their text; NaN becomes None)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)
