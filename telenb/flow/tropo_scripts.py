"""A Tropo script, in any of its five languages, as a flow function: Python scripts run in the
kernel (`telenb.flow.tropo`), the others in their own interpreters (`telenb.flow.tropo_bridge`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from .api import Call
from .tropo import TropoApp, compile_script, script_globals
from .tropo_bridge import bridge_flow, language, language_of

__all__ = ["tropo_flow"]


def tropo_flow(
    script: str | Path, *, params: dict[str, Any] | None = None, lang: str | None = None
) -> tuple[Callable[[Call], Any], str]:
    """A flow function that runs a Tropo script (a path, or the script's source text).

    Python runs here in the kernel; JavaScript, Groovy, Ruby and PHP (chosen by the file's
    extension, or `lang` for source text) run in their own interpreters through
    `telenb.flow.tropo_bridge`."""
    other = language(lang) if lang else None
    if lang is None and (
        isinstance(script, Path) or (isinstance(script, str) and "\n" not in script.strip())
    ):
        other = language_of(str(script).strip())
    if other is not None:
        return bridge_flow(script, other, params=params)
    path: Path | None = None
    if isinstance(script, Path) or (
        isinstance(script, str) and "\n" not in script and script.strip().endswith(".py")
    ):
        path = Path(script)
        if not path.is_file():
            raise ConfigurationError(f"no Tropo script at {path}")
        try:
            source = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigurationError(
                f"{path} is not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset "
                f"{exc.start}); save the script as UTF-8"
            ) from None
        filename, label = str(path), path.stem
    elif isinstance(script, str):
        source, filename, label = script, "<tropo script>", "tropo"
    else:
        raise ConfigurationError(
            f"script must be a path or source text, not {type(script).__name__}"
        )
    code = compile_script(source, filename)

    app = TropoApp(label, str(path.parent) if path is not None else "")

    def run(call: Call) -> None:
        exec(code, script_globals(call, params, app))

    run.__name__ = label
    return run, label
