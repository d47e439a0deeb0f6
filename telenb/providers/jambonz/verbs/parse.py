"""A jambonz application: normalised and validated as the feature server does on arrival.

Each verb may be written ``{"verb": "say", "text": ...}`` or ``{"say": {"text": ...}}``.
A document that is not an array of such objects, a verb jambonz does not know, an unknown
property, a property of the wrong type or a missing required one makes the whole document
invalid, with jambonz's own messages ("invalid instruction: sayy", "say: unknown property
txt", "gather: property numDigits has invalid data type", "dial: missing value for target").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ....errors import TelenbError
from .spec import OTHER_VERBS, SPECS, SYNONYMS

MAX_BYTES = 1_000_000


class JambonzError(TelenbError, ValueError):
    """An application document jambonz would refuse (`alert` INVALID_APP_PAYLOAD)."""


@dataclass
class Verb:
    """One verb of a document: its name, its properties and where it stood."""

    name: str
    data: dict[str, Any]
    index: int
    simulated: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def loads(body: bytes | str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise JambonzError(f"the webhook answered with invalid JSON: {exc}") from None


def normalize(document: Any) -> list[tuple[str, Any]]:
    """(name, data) for each verb, in order."""
    if not isinstance(document, list):
        raise JambonzError("malformed jambonz payload: must be array")
    out: list[tuple[str, Any]] = []
    for item in document:
        if not isinstance(item, dict):
            raise JambonzError("malformed jambonz payload: must be array of objects")
        if "verb" in item:
            name = item["verb"]
            data: Any = {k: v for k, v in item.items() if k != "verb"}
        elif len(item) == 1:
            ((name, data),) = item.items()
        else:
            raise JambonzError("malformed jambonz payload: missing verb property")
        if not isinstance(name, str):
            raise JambonzError("malformed jambonz payload: missing verb property")
        out.append((SYNONYMS.get(name, name), data))
    return out


def _type_ok(value: Any, kind: str) -> bool:
    checks = {
        "string": lambda v: isinstance(v, str),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "object": lambda v: isinstance(v, (dict, list)),  # typeof [] is object
        "array": lambda v: isinstance(v, list),
    }
    return checks[kind](value)


def validate(name: str, data: Any) -> None:
    """Raise `JambonzError` as jambonz's validator would for verb (or nested type) `name`."""
    spec = SPECS.get(name)
    if spec is None:
        raise JambonzError(f"invalid instruction: {name}")
    if not isinstance(data, dict):
        raise JambonzError("malformed jambonz application payload")
    props = spec["properties"]
    for key, value in data.items():
        kind = props.get(key)
        if kind is None:
            if key == "_" or spec.get("open"):
                continue
            raise JambonzError(f"{name}: unknown property {key}")
        if value is None:
            continue
        if isinstance(kind, list):  # an array of nested objects
            if not isinstance(value, list):
                raise JambonzError(f"{name}: property {key} is not an array")
            for item in value:
                validate(kind[0][1:], item)
        elif isinstance(kind, dict):
            if value not in kind["enum"]:
                raise JambonzError(f"invalid value {value} must be one of {','.join(kind['enum'])}")
        elif kind.startswith("#"):
            validate(kind[1:], value)
        elif "|" in kind:
            kinds = kind.split("|")
            if not any(_type_ok(value, k) for k in kinds):
                raise JambonzError(
                    f"{name}: property {key} has invalid data type, "
                    f"must be one of {','.join(kinds)}"
                )
        elif kind == "array":
            if not isinstance(value, list):
                raise JambonzError(f"{name}: property {key} is not an array")
        elif not _type_ok(value, kind) or (kind == "object" and isinstance(value, list)):
            raise JambonzError(f"{name}: property {key} has invalid data type")
    missing = [r for r in spec["required"] if r not in data]
    if missing:
        raise JambonzError(f"{name}: missing value for {','.join(missing)}")


def parse_app(document: Any) -> list[Verb]:
    """The verbs of a jambonz application, or `JambonzError` with jambonz's reason."""
    verbs = []
    for i, (name, data) in enumerate(normalize(document)):
        if name in OTHER_VERBS:
            if not isinstance(data, dict):
                raise JambonzError("malformed jambonz application payload")
            verbs.append(Verb(name, data, i, simulated=False))
            continue
        validate(name, data)
        if name in ("say", "play", "gather", "dial", "config"):
            _check_values(name, data)
        verbs.append(Verb(name, dict(data), i))
    return verbs


def _check_values(name: str, data: dict[str, Any]) -> None:
    """What the types allow but the verb cannot run (jambonz fails these when it runs them)."""
    if name == "gather":
        bad = [i for i in data.get("input", ["digits"]) if i not in ("digits", "speech")]
        if bad or not data.get("input", ["digits"]):
            raise JambonzError(f"gather: input must be ['digits'], ['speech'] or both, not {bad}")
        if "say" in data and "play" in data:
            raise JambonzError("gather: give either a nested say or a nested play, not both")
    if name == "dial":
        if not data["target"]:
            raise JambonzError("dial: missing value for target")
        for t in data["target"]:
            need = {"phone": "number", "sip": "sipUri", "user": "name", "teams": "number"}[
                t["type"]
            ]
            if need not in t:
                raise JambonzError(f"dial: a {t['type']} target needs {need}")
    if name in ("say", "play"):
        key = "text" if name == "say" else "url"
        value = data[key]
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise JambonzError(f"{name}: property {key} must be a string or array of strings")
        loop = data.get("loop", 1)
        if isinstance(loop, str) and loop != "forever" and not loop.isdigit():
            raise JambonzError(f"{name}: loop must be a number or 'forever', not {loop!r}")
