"""Tropo's other script languages: which interpreter runs each, and where Debian has it.

Tropo ran JavaScript (Rhino), Groovy, Ruby (JRuby) and PHP (Quercus) scripts besides Python.
telenb runs each in its own language's interpreter from Debian, as a child process, with a
small shim (package data next to this module) that defines Tropo's globals.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ...errors import ConfigurationError

SHIMS = Path(__file__).resolve().parent / "shims"


@dataclass(frozen=True)
class Language:
    name: str  # what `--lang` takes
    title: str  # what people call it
    extensions: tuple[str, ...]
    program: str  # the interpreter on PATH
    package: str  # the Debian package that provides it
    shim: str

    def command(self, script: Path) -> list[str]:
        return [self.interpreter(), str(SHIMS / self.shim), str(script)]

    def interpreter(self) -> str:
        path = shutil.which(self.program)
        if path is None:
            raise InterpreterMissing(self)
        return path

    def environment(self) -> dict[str, str]:
        """The child's environment: Debian's groovy needs a JAVA_HOME that exists, and a
        short-lived script starts faster on a JVM that does not optimise for the long run."""
        env = dict(os.environ)
        if self.name == "groovy":
            env.setdefault("JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto")
            home = env.get("JAVA_HOME", "")
            if not (home and Path(home, "bin", "java").exists()):
                java = shutil.which("java")
                if java:
                    env["JAVA_HOME"] = str(Path(os.path.realpath(java)).parent.parent)
        return env


class InterpreterMissing(ConfigurationError):
    """A script's language has no interpreter on this machine."""

    def __init__(self, language: Language):
        self.language = language
        super().__init__(
            f"Tropo {language.title} scripts run in {language.program!r}, which is not "
            f"installed: install Debian's {language.package} package "
            f"(sudo apt-get install {language.package})"
        )


LANGUAGES: dict[str, Language] = {
    lang.name: lang
    for lang in (
        Language("js", "JavaScript", (".js",), "node", "nodejs", "tropo.js"),
        Language("groovy", "Groovy", (".groovy", ".gy"), "groovy", "groovy", "tropo.groovy"),
        Language("ruby", "Ruby", (".rb",), "ruby", "ruby", "tropo.rb"),
        Language("php", "PHP", (".php",), "php", "php-cli", "tropo.php"),
    )
}
ALIASES = {"javascript": "js", "rb": "ruby", "gy": "groovy", "python": "python", "py": "python"}
EXTENSIONS = {ext: lang for lang in LANGUAGES.values() for ext in lang.extensions}


def language(name: str) -> Language | None:
    """The language for `--lang NAME` (None for Python, which runs in the kernel)."""
    key = ALIASES.get(name.lower().strip(), name.lower().strip())
    if key == "python":
        return None
    if key not in LANGUAGES:
        raise ConfigurationError(
            f"unknown Tropo script language {name!r}: use one of python, " + ", ".join(LANGUAGES)
        )
    return LANGUAGES[key]


def language_of(path: str | Path) -> Language | None:
    """The language a script file is written in, by its extension (None: Python)."""
    return EXTENSIONS.get(Path(path).suffix.lower())


def missing(name: str) -> str | None:
    """Why scripts in `name` cannot run here (for test skips), or None when they can."""
    lang = language(name)
    if lang is None or shutil.which(lang.program):
        return None
    return str(InterpreterMissing(lang))
