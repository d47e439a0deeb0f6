"""Tropo scripts in JavaScript, Groovy, Ruby and PHP, run unmodified by their own interpreters.

One bridge, not four engines: the script runs in a child process (`child.Child`) whose shim
(`shims/`) defines Tropo's globals and forwards every verb to the call over JSON lines
(`session.Bridge`).  Verbs block in the script exactly as in Python scripts, and handlers run
in the script's language.  The child lives exactly as long as the call's flow.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...errors import ConfigurationError
from ..api import Call
from ..tropo import TropoApp
from .child import Child
from .languages import LANGUAGES, InterpreterMissing, Language, language, language_of, missing
from .session import Bridge, ScriptError

__all__ = [
    "LANGUAGES",
    "InterpreterMissing",
    "Language",
    "ScriptError",
    "bridge_flow",
    "language",
    "language_of",
    "missing",
]


def bridge_flow(
    script: str | Path, lang: Language, *, params: dict[str, Any] | None = None
) -> tuple[Callable[[Call], Any], str]:
    """A flow function that runs a script (a path, or its source text) in `lang`."""
    lang.interpreter()  # a missing interpreter is said when the app is set up, not mid-call
    path: Path | None = None
    if isinstance(script, Path) or (isinstance(script, str) and "\n" not in script.strip()):
        candidate = Path(script)
        if candidate.suffix.lower() in lang.extensions or isinstance(script, Path):
            if not candidate.exists():
                raise ConfigurationError(f"no Tropo script at {candidate}")
            path = candidate.resolve()
    if path is not None:
        source, label = None, path.stem
    else:
        source, label = str(script), "tropo"
    app = TropoApp(label, str(path.parent) if path is not None else "")

    def run(call: Call) -> None:

        with tempfile.TemporaryDirectory(prefix="telenb-tropo-") as tmp:
            target, names = path, {}
            if target is None:
                target = Path(tmp) / f"script{lang.extensions[0]}"
                target.write_text(source or "", encoding="utf-8")
                names = {str(target): f"<tropo {lang.title} script>"}
            child = Child(lang.command(target), lang.environment(), lang.title)
            try:
                Bridge(call, child, params, names, app).run()
            finally:
                child.close()

    run.__name__ = label
    return run, label
