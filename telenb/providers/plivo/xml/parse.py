"""Plivo XML: a ``<Response>`` of verbs (https://www.plivo.com/docs/voice/xml/).

`parse_xml` checks the document as Plivo does before running any of it: the root must be
``<Response>`` and every verb one Plivo knows, nested where Plivo allows it (``Speak``,
``Play`` and ``Wait`` inside ``GetDigits``/``GetInput``; ``Number`` and ``User`` inside
``Dial``).  A document Plivo would not run raises `PlivoXmlError`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from ....errors import TelenbError

VERBS = frozenset(
    [
        "Speak",
        "Play",
        "GetDigits",
        "GetInput",
        "Record",
        "Dial",
        "Conference",
        "Redirect",
        "Wait",
        "PreAnswer",
        "DTMF",
        "Hangup",
        "Message",
    ]
)
NESTED = {
    "GetDigits": frozenset({"Speak", "Play", "Wait"}),
    "GetInput": frozenset({"Speak", "Play", "Wait"}),
    "Dial": frozenset({"Number", "User"}),
    "PreAnswer": frozenset({"Speak", "Play", "Wait"}),
}


class PlivoXmlError(TelenbError, ValueError):
    """A document Plivo would refuse ("Invalid XML"), naming the element at fault."""


@dataclass
class Element:
    """One verb (or noun): its tag, attributes, text and children."""

    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.attrs.get(key, default)

    def flag(self, key: str, default: bool) -> bool:
        value = self.attrs.get(key)
        return default if value is None else value.strip().lower() == "true"

    def number(self, key: str, default: float) -> float:
        value = self.attrs.get(key)
        try:
            return default if value is None else float(value)
        except ValueError:
            raise PlivoXmlError(f"<{self.tag} {key}={value!r}>: not a number") from None


def _element(node: ET.Element, allowed: frozenset[str], where: str) -> Element:
    if node.tag not in allowed:
        raise PlivoXmlError(f"{where}: <{node.tag}> is not allowed here")
    children = [
        _element(child, NESTED.get(node.tag, frozenset()), f"{where}/{node.tag}") for child in node
    ]
    return Element(node.tag, dict(node.attrib), (node.text or "").strip(), children)


def parse_xml(document: bytes | str) -> list[Element]:
    """The verbs of a Plivo XML document, checked; `PlivoXmlError` if Plivo would refuse it."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError as exc:
        raise PlivoXmlError(f"the answer is not XML ({exc})") from None
    if root.tag != "Response":
        raise PlivoXmlError(f"the root element is <{root.tag}>, Plivo needs <Response>")
    return [_element(node, VERBS, "Response") for node in root]
