"""`telenb.export(flow, to="ncco")`: one flow as any vendor's document sequence.

Each format is a row of `FORMATS` (twiml, texml, laml, plivo, ncco, jambonz, tropo-webapi), a
``"module:function"`` imported on first use, so a vendor plugs in with a row or `register`,
never an import here.  The function is ``f(source, number, *, caller, seed) -> steps``, where
`steps` has ``documents``, ``notes``, ``result`` (the simulated call that executed them) and
``replay()``, and may have ``mount_options`` (what its front door is mounted with).  `export`
wraps it in an `Export`, which adds the vendor's capability table (`tables.py`) and mounts the
replay on the vendor's front door.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...errors import ConfigurationError

if TYPE_CHECKING:
    from ...sim.carrier import Carrier

# format -> (exporter "module:function", front-door keyword, capability table "module:NAME")
FORMATS: dict[str, tuple[str, str, str]] = {
    "twiml": (
        "telenb.providers.twilio.backend.export:flow_twiml",
        "twiml",
        "telenb.providers.export.tables:TWIML",
    ),
    "tropo-webapi": (
        "telenb.providers.tropo.webapi.export:flow_webapi",
        "tropo_webapi",
        "telenb.providers.export.tables:TROPO_WEBAPI",
    ),
    "ncco": (
        "telenb.providers.vonage.export:flow_ncco",
        "ncco",
        "telenb.providers.vonage.export:CAPABILITIES",
    ),
    "plivo": (
        "telenb.providers.plivo.export:flow_plivo",
        "plivo",
        "telenb.providers.export.tables:PLIVO",
    ),
    "jambonz": (
        "telenb.providers.jambonz.export:flow_jambonz",
        "jambonz",
        "telenb.providers.export.tables:JAMBONZ",
    ),
    "texml": (
        "telenb.providers.telnyx.export:flow_texml",
        "texml",
        "telenb.providers.export.tables:TEXML",
    ),
    "laml": (
        "telenb.providers.signalwire.export:flow_laml",
        "laml",
        "telenb.providers.export.tables:LAML",
    ),
}


def register(name: str, exporter: str, front_door: str, table: str) -> None:
    """Add a format: `exporter` and `table` are ``"module:attribute"`` paths."""
    for path in (exporter, table):
        if ":" not in path:
            raise ConfigurationError(f"give a 'module:attribute' path, not {path!r}")
    FORMATS[name] = (exporter, front_door, table)


def formats() -> list[str]:
    return sorted(FORMATS)


def _load(path: str) -> Any:
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


@dataclass
class Export:
    """A flow as one vendor's documents, one per step, executed for `caller` on the
    simulator; `notes` name what this flow needed that the vendor cannot say, and
    `capabilities` is the vendor's whole table (construct, what the export does instead)."""

    format: str
    front_door: str
    steps: Any
    capabilities: tuple[tuple[str, str], ...]
    notes: list[str] = field(default_factory=list)

    @property
    def documents(self) -> list[Any]:
        return list(self.steps.documents)

    @property
    def result(self) -> Any:
        return self.steps.result

    def __len__(self) -> int:
        return len(self.documents)

    def replay(self) -> Any:
        """An app for this vendor's front door that answers with these documents."""
        return self.steps.replay()

    def mount(self, carrier: Carrier, number: str) -> Any:
        """``carrier.app(number, <front door>=self.replay())``, with the options the export ran
        behind (TeXML's application method, say)."""
        options = dict(getattr(self.steps, "mount_options", None) or {})
        return carrier.app(number, **{self.front_door: self.replay()}, **options)

    def __repr__(self) -> str:
        lines = [repr(self.steps), f"What {self.format} cannot express (and what the export does):"]
        lines += [f"  - {what}: {instead}" for what, instead in self.capabilities]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        rows = "".join(
            f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>"
            for a, b in self.capabilities
        )
        docs = "".join(f"<pre>{html.escape(str(d))}</pre>" for d in self.documents)
        return (
            f"<div><h4>{html.escape(self.format)}: {len(self)} document(s)</h4>{docs}"
            f"<table><tr><th>construct</th><th>export does instead</th></tr>{rows}</table></div>"
        )


def export(
    flow_or_app: Any,
    to: str = "twiml",
    number: str | None = None,
    *,
    caller: str = "",
    seed: int = 0,
) -> Export:
    """`flow_or_app` (a flow function, or a Carrier with the `number` whose app to export)
    as the documents of format `to`, for one simulated call by `caller`."""
    row = FORMATS.get(to)
    if row is None:
        raise ConfigurationError(f"no export format {to!r}; known: {', '.join(formats())}")
    exporter: Callable[..., Any] = _load(row[0])
    steps = exporter(flow_or_app, number, caller=caller, seed=seed)
    return Export(to, row[1], steps, tuple(_load(row[2])), list(steps.notes))


__all__ = ["FORMATS", "Export", "export", "formats", "register"]
