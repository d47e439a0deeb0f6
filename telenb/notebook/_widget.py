"""Plumbing shared by the widgets: front-end code from `static/`, and what shows without
JavaScript (nbval, GitHub previews, a notebook opened without its kernel)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

STATIC = Path(__file__).parent / "static"


def static(name: str) -> Path:
    """A front-end file (plain ES modules and CSS: there is no JS build step). Widgets give
    anywidget the path, not the text: it reads the file, and with ``ANYWIDGET_HMR=1`` reloads
    the widget in the browser when the file changes."""
    path = STATIC / name
    if not path.is_file():
        raise FileNotFoundError(f"telenb is missing its front-end file {path}; reinstall telenb")
    return path


class Fallback:
    """Mixin for anywidget widgets: the widget view plus deterministic `text/plain` and
    `text/html`, so outputs compare under nbval (which skips the random widget id)."""

    def fallback_text(self) -> str:  # pragma: no cover - every widget overrides
        raise NotImplementedError

    def fallback_html(self) -> str:
        return f"<pre>{html.escape(self.fallback_text())}</pre>"

    def __repr__(self) -> str:
        return self.fallback_text()

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        data, meta = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        data["text/plain"] = self.fallback_text()
        data["text/html"] = self.fallback_html()
        return data, meta
