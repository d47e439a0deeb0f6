"""A small response builder in the style of the tropo-webapi-python library (written for
these tests: the library itself is Python 2 era).  Apps build a `Tropo`, call verbs with
keyword options, and answer `RenderJson()`; `Session` and `Result` read what Tropo posted."""

from __future__ import annotations

import json
from typing import Any


def _say(message: Any, **options: Any) -> Any:
    """One say object, or a list of them for a list of messages."""
    if "_as" in options:
        options["as"] = options.pop("_as")
    if isinstance(message, list):
        return [{**options, "value": m} for m in message]
    return {**options, "value": message}


def _from(options: dict[str, Any]) -> dict[str, Any]:
    if "_from" in options:
        options["from"] = options.pop("_from")
    return options


class Tropo:
    def __init__(self) -> None:
        self.steps: list[dict[str, Any]] = []

    def _add(self, verb: str, body: Any) -> None:
        self.steps.append({verb: body})

    def say(self, message: Any, **options: Any) -> None:
        self._add("say", _say(message, **options))

    def ask(self, choices: Any, **options: Any) -> None:
        if isinstance(choices, str):
            choices = {"value": choices}
        if isinstance(options.get("say"), str):
            options["say"] = _say(options["say"])
        self._add("ask", {"choices": choices, **options})

    def on(self, event: str, **options: Any) -> None:
        if isinstance(options.get("say"), str):
            options["say"] = _say(options["say"])
        self._add("on", {"event": event, **options})

    def transfer(self, to: Any, **options: Any) -> None:
        self._add("transfer", {"to": to, **_from(options)})

    def call(self, to: Any, **options: Any) -> None:
        self._add("call", {"to": to, **_from(options)})

    def message(self, say: Any, to: Any, **options: Any) -> None:
        self._add("message", {"say": _say(say), "to": to, **_from(options)})

    def record(self, **options: Any) -> None:
        if isinstance(options.get("say"), str):
            options["say"] = _say(options["say"])
        self._add("record", options)

    def conference(self, id: str, **options: Any) -> None:
        self._add("conference", {"id": id, **options})

    def wait(self, milliseconds: int, **options: Any) -> None:
        self._add("wait", {"milliseconds": milliseconds, **options})

    def redirect(self, to: str, name: str) -> None:
        self._add("redirect", {"to": to, "name": name})

    def startRecording(self, url: str, **options: Any) -> None:
        self._add("startRecording", {"url": url, **options})

    def stopRecording(self) -> None:
        self._add("stopRecording", None)

    def hangup(self) -> None:
        self._add("hangup", None)

    def reject(self) -> None:
        self._add("reject", None)

    def RenderJson(self) -> str:
        return json.dumps({"tropo": self.steps})


class Session:
    """The session JSON; `fromaddress` stands for `from`, a Python keyword."""

    def __init__(self, body: str | bytes) -> None:
        self.dict = json.loads(body)["session"]
        for key, value in self.dict.items():
            setattr(self, "fromaddress" if key == "from" else key, value)


class Result:
    def __init__(self, body: str | bytes) -> None:
        self.dict = json.loads(body)["result"]
        actions = self.dict.get("actions", [])
        self.actions = actions if isinstance(actions, list) else [actions]

    def getValue(self) -> Any:
        return self.actions[0].get("value")

    def getInterpretation(self) -> Any:
        return self.actions[0].get("interpretation")

    def getNamedActionValue(self, name: str) -> Any:
        return next(a.get("value") for a in self.actions if a.get("name") == name)
