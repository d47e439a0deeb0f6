"""Parse TwiML from untrusted sources safely, into a small tree that keeps positions.

Webhook responses are untrusted input, so parsing goes through `defusedxml`'s SAX reader:
entity declarations (the "billion laughs" bomb), external entities and external DTDs are
refused before anything expands.  Every element keeps its line and column so that warnings
and errors can point at the offending spot, and errors carry Twilio's error code.
"""

from __future__ import annotations

import io
import re
import xml.sax
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ....errors import TwiMLError

MAX_BYTES = 64 * 1024  # Twilio refuses larger TwiML responses (error 11750)
# Elements inside elements: real TwiML needs about six (Response > Gather > Say > SSML > ...).
# Twilio documents no limit; telenb's stops hostile nesting before it exhausts the stack.
MAX_DEPTH = 100
_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*['\"]([A-Za-z0-9._-]+)['\"][^>]*\?>")
# what a codec named in the declaration can raise from inside expat (unknown, not a text
# encoding, multi-byte, or failing to decode): the document is unusable, not a telenb bug
_CODEC_ERRORS = (LookupError, ValueError, UnicodeError)


class TwiMLParseError(TwiMLError):
    """TwiML that cannot be used, with Twilio's error code and where it went wrong."""

    def __init__(
        self,
        message: str,
        code: int = 12100,
        line: int | None = None,
        column: int | None = None,
        source: str | None = None,
    ):
        self.code, self.line, self.column, self.reason = code, line, column, message
        where = f" at line {line}, column {column}" if line is not None else ""
        snippet = ""
        if source is not None and line is not None:
            lines = source.splitlines()
            if 0 < line <= len(lines):
                text = lines[line - 1]
                caret = " " * max(0, (column or 1) - 1) + "^"
                snippet = f"\n  {text}\n  {caret}"
        super().__init__(f"TwiML error {code}: {message}{where}{snippet}")


@dataclass(eq=False)
class Node:
    """One TwiML element: tag, attributes, content in document order, and its position."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    parts: list[str | Node] = field(default_factory=list)  # text and child elements, in order
    line: int = 0
    column: int = 0

    @property
    def children(self) -> list[Node]:
        return [p for p in self.parts if isinstance(p, Node)]

    @property
    def text(self) -> str:
        """This element's own text (not its children's), stripped."""
        return "".join(p for p in self.parts if isinstance(p, str)).strip()

    def all_text(self) -> str:
        """The text of the element and everything inside it (SSML included), as spoken."""
        out = [p if isinstance(p, str) else f" {p.all_text()} " for p in self.parts]
        return " ".join("".join(out).split())

    @property
    def where(self) -> str:
        return f"line {self.line}, column {self.column}"

    def to_xml(self) -> str:
        """Serialise again (for traces and displays); attributes keep their order."""

        attrs = "".join(f" {k}={quoteattr(v)}" for k, v in self.attrs.items())
        inner = "".join(escape(p) if isinstance(p, str) else p.to_xml() for p in self.parts)
        if not inner.strip():
            return f"<{self.tag}{attrs}/>"
        if not self.children:
            inner = inner.strip()
        return f"<{self.tag}{attrs}>{inner}</{self.tag}>"

    def __repr__(self) -> str:
        return f"<Node {self.tag} {self.attrs} {len(self.children)} children at {self.where}>"


class _TooDeep(Exception):
    def __init__(self, line: int | None, column: int | None):
        self.line, self.column = line, column


class _Builder(xml.sax.handler.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.locator: Any = None
        self.stack: list[Node] = []
        self.root: Node | None = None

    def setDocumentLocator(self, locator: Any) -> None:
        self.locator = locator

    def position(self) -> tuple[int | None, int | None]:
        if self.locator is None:
            return None, None
        return self.locator.getLineNumber(), self.locator.getColumnNumber() + 1

    def startElement(self, name: str, attrs: Any) -> None:
        line, col = self.position()
        if len(self.stack) >= MAX_DEPTH:
            raise _TooDeep(line, col)
        node = Node(name, {k: attrs[k] for k in attrs.getNames()}, [], line or 0, col or 0)
        if self.stack:
            self.stack[-1].parts.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElement(self, name: str) -> None:
        self.stack.pop()

    def characters(self, content: str) -> None:
        if self.stack:
            parts = self.stack[-1].parts
            if parts and isinstance(parts[-1], str):
                parts[-1] += content
            else:
                parts.append(content)


def parse_twiml(source: str | bytes, *, root: str | tuple[str, ...] = "Response") -> Node:
    """Parse a TwiML document; raise `TwiMLParseError` (with Twilio's code) if it is unusable.

    11750 too large, 12100 not well-formed or refused (entities, external references),
    12102 the root element is not `<Response>`.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.sax import make_parser

    # a lone surrogate in a str cannot be UTF-8: encoded as is, the parser points at it
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else bytes(source)
    text = data.decode("utf-8", "replace")
    if len(data) > MAX_BYTES:
        raise TwiMLParseError(
            f"the document is {len(data)} bytes; Twilio accepts at most {MAX_BYTES}", 11750
        )
    if not data.strip():
        raise TwiMLParseError("the response body is empty (no TwiML)", 12100)
    if isinstance(source, str):  # already decoded: make the declaration agree with UTF-8
        m = _DECL.match(data)
        if m:
            data = data[: m.start(1)] + b"UTF-8" + data[m.end(1) :]
    builder = _Builder()
    parser = make_parser()
    parser.setContentHandler(builder)
    parser.setErrorHandler(xml.sax.handler.ErrorHandler())
    try:
        parser.parse(io.BytesIO(data))
    except xml.sax.SAXParseException as exc:
        raise TwiMLParseError(
            f"the document is not well-formed XML ({exc.getMessage()})",
            12100,
            exc.getLineNumber(),
            (exc.getColumnNumber() or 0) + 1,
            text,
        ) from None
    except DefusedXmlException as exc:
        line, col = builder.position()
        raise TwiMLParseError(
            f"refused for safety: {_describe(exc)}", 12100, line, col, text
        ) from None
    except _TooDeep as exc:
        raise TwiMLParseError(
            f"elements are nested more than {MAX_DEPTH} deep (TwiML needs a handful)",
            12100,
            exc.line,
            exc.column,
            text,
        ) from None
    except _CODEC_ERRORS as exc:
        m = _DECL.match(data)
        if m is None:  # not the declaration's codec: a fault of ours, not the document's
            raise
        name = m.group(1).decode("ascii")
        line = data.count(b"\n", 0, m.start(1)) + 1
        column = m.start(1) - (data.rfind(b"\n", 0, m.start(1)) + 1) + 1
        raise TwiMLParseError(
            f"the XML declaration names the encoding {name!r}, which cannot be used "
            f"({exc}); declare UTF-8",
            12100,
            line,
            column,
            text,
        ) from None
    node = builder.root
    assert node is not None
    roots = (root,) if isinstance(root, str) else root
    if node.tag not in roots:
        raise TwiMLParseError(
            f"the root element must be <{roots[0]}>, not <{node.tag}>",
            12102,
            node.line,
            node.column,
            text,
        )
    return node


def _describe(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "EntitiesForbidden":
        return (
            f"the document declares the entity {getattr(exc, 'name', '?')!r} "
            "(entity expansion is how XML bombs work; TwiML never needs it)"
        )
    if name == "ExternalReferenceForbidden":
        return f"the document refers to an external resource ({getattr(exc, 'sysid', '?')})"
    if name == "DTDForbidden":
        return "the document has a DTD"
    return str(exc) or name
