"""Run Tropo scripting-API Python scripts unmodified.

Tropo ran scripts under Jython 2.x, so old scripts have Python 2 habits: ``print "x"``,
``except E, e``, tabs mixed with spaces (read with Python 2's 8-column tab stops).  Such
sources are converted with `fissix` (a maintained lib2to3) only when they do not compile as
Python 3.  The script sees Tropo's globals — ``answer``, ``say``, ``ask``, ``transfer``,
``currentCall`` ... — with options passed as dicts of camelCase keys.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError, TelenbError, UnknownOptionError
from .api import Call

# Tropo option name -> telenb keyword (None: accepted and ignored: cloud-only features)
_COMMON_IGNORED = {"allowSignals": None, "onSignal": None, "name": None, "required": None}
OPTIONS: dict[str, dict[str, str | None]] = {
    "say": {
        "voice": "voice",
        "as": "say_as",
        "language": "language",
        "onHangup": None,
        **_COMMON_IGNORED,
    },
    "ask": {
        "choices": "choices",
        "mode": "mode",
        "attempts": "attempts",
        "repeat": "attempts",
        "timeout": "timeout",
        "interdigitTimeout": "interdigit_timeout",
        "terminator": "terminator",
        "bargein": "bargein",
        "minConfidence": "min_confidence",
        "voice": "voice",
        "recognizer": "recognizer",
        "onChoice": "on_choice",
        "onBadChoice": "on_bad_choice",
        "onTimeout": "on_timeout",
        "onHangup": "on_hangup",
        "onError": "on_error",
        "onEvent": "on_event",
        "sensitivity": None,
        "speechCompleteTimeout": None,
        "speechIncompleteTimeout": None,
        **_COMMON_IGNORED,
    },
    "record": {
        "beep": "beep",
        "maxTime": "max_time",
        "silenceTimeout": "silence_timeout",
        "timeout": "timeout",
        "terminator": "terminator",
        "recordURI": "path",
        "recordFormat": "format",
        "attempts": "attempts",
        "repeat": "attempts",
        "bargein": "bargein",
        "voice": "voice",
        "onRecord": "on_record",
        "onTimeout": "on_timeout",
        "onHangup": "on_hangup",
        "onError": "on_error",
        "onEvent": "on_event",
        "transcriptionOutURI": "transcribe",
        "transcriptionID": None,
        "transcriptionOutFormat": None,
        "recordMethod": None,
        "recordUser": None,
        "recordPassword": None,
        "interdigitTimeout": None,
        "minConfidence": None,
        **_COMMON_IGNORED,
    },
    "transfer": {
        "callerID": "caller_id",
        "timeout": "timeout",
        "answerOnMedia": "answer_on_media",
        "playvalue": "ring_audio",
        "terminator": "terminator",
        "headers": "headers",
        "onSuccess": "on_success",
        "onTimeout": "on_timeout",
        "onCallFailure": "on_call_failure",
        "onError": "on_error",
        "onHangup": "on_hangup",
        "onEvent": "on_event",
        "playrepeat": None,
        "ringRepeat": None,
        "interdigitTimeout": None,
        "voice": None,
        "choices": "terminator",
        **_COMMON_IGNORED,
    },
    "call": {
        "callerID": "caller_id",
        "timeout": "timeout",
        "answerOnMedia": "answer_on_media",
        "channel": "channel",
        "network": "network",
        "headers": "headers",
        "onAnswer": "on_answer",
        "onTimeout": "on_timeout",
        "onCallFailure": "on_call_failure",
        "onError": "on_error",
        "onEvent": "on_event",
        "recordURI": None,
        "recordFormat": None,
        "recordMethod": None,
        **_COMMON_IGNORED,
    },
    "conference": {
        "mute": "mute",
        "playTones": "play_tones",
        "terminator": "terminator",
        "onChoice": "on_choice",
        "beep": "beep",
        "interdigitTimeout": None,
        **_COMMON_IGNORED,
    },
    "message": {
        "to": "to",
        "callerID": "from_",
        "network": "network",
        "channel": "channel",
        "voice": None,
        "timeout": None,
        "answerOnMedia": None,
        **_COMMON_IGNORED,
    },
    "startCallRecording": {
        "format": "format",
        "transcriptionOutURI": "transcribe",
        "method": None,
        "recordUser": None,
        "recordPassword": None,
        "transcriptionEmailFormat": None,
        "transcriptionID": None,
    },
    "wait": {"milliseconds": "milliseconds", **_COMMON_IGNORED},
}


def convert_options(verb: str, options: dict[str, Any] | None) -> dict[str, Any]:
    """Tropo's camelCase option dict -> telenb keywords; unknown names raise with the list."""
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise ConfigurationError(
            f"{verb}() options must be a dict such as {{'voice': 'Kate'}}, "
            f"not {type(options).__name__}"
        )
    table = OPTIONS[verb]
    out: dict[str, Any] = {}
    for key, value in options.items():
        if key not in table:
            raise UnknownOptionError(verb, key, table)
        target = table[key]
        if target is None:
            continue
        if key == "choices" and verb == "transfer":  # {'choices': {'terminator': '*'}} or '*'
            value = value.get("terminator") if isinstance(value, dict) else value
        if key == "transcriptionOutURI":
            value = bool(value)
        out[target] = value
    return out


def national(number: str | None) -> str | None:
    """Tropo showed North American caller IDs without +1 ('4075551111')."""
    if number and number.startswith("+1") and number[2:].isdigit():
        return number[2:]
    return number


class TropoCall:
    """`currentCall`: Tropo's view of the call."""

    def __init__(self, call: Call):
        self._call = call

    callerID = property(lambda self: national(self._call.caller_id))
    calledID = property(lambda self: national(self._call.called_id))
    callerName = property(lambda self: self._call.caller_name)
    calledName = property(lambda self: None)
    network = property(lambda self: self._call.network)
    channel = property(lambda self: self._call.channel)
    id = property(lambda self: self._call.sid)
    sessionId = property(lambda self: self._call.sid)
    initialText = property(lambda self: self._call.initial_text)

    def state(self) -> str:
        return self._call.state

    def isActive(self) -> bool:
        return self._call.is_active

    def getHeader(self, name: str) -> str | None:
        return self._call.get_header(name)

    def __repr__(self) -> str:
        return f"<currentCall {self.callerID} -> {self.calledID} {self.state()}>"


def script_globals(call: Call, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The names a Tropo script sees."""
    g: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}

    def say(text: Any, options: dict | None = None) -> Any:
        return call.say(str(text), **convert_options("say", options))

    def ask(text: Any, options: dict | None = None) -> Any:
        opts = convert_options("ask", options)
        if "choices" not in opts:
            raise ConfigurationError(
                "ask() needs a 'choices' option, such as {'choices': 'yes, no'}"
            )
        return call.ask(str(text) if text else None, **opts)

    def record(text: Any = None, options: dict | None = None) -> Any:
        return call.record(str(text) if text else None, **convert_options("record", options))

    def transfer(destination: Any, options: dict | None = None) -> Any:
        return call.transfer(destination, **convert_options("transfer", options))

    def place_call(destination: Any, options: dict | None = None) -> Any:
        event = call.call(destination, **convert_options("call", options))
        if event.name == "answer":
            g["currentCall"] = TropoCall(call)
            event.value = g["currentCall"]
        return event

    def conference(conference_id: Any, options: dict | None = None) -> Any:
        return call.conference(str(conference_id), **convert_options("conference", options))

    def message(text: Any, options: dict | None = None) -> Any:
        opts = convert_options("message", options)
        if "to" not in opts:
            raise ConfigurationError("message() needs a 'to' option, such as {'to': '+15550123'}")
        return call.message(str(text), **opts)

    def wait(milliseconds: Any = 1000, options: dict | None = None) -> Any:
        if isinstance(milliseconds, dict):
            options, milliseconds = milliseconds, milliseconds.get("milliseconds", 1000)
        convert_options("wait", options)
        return call.wait(float(milliseconds) / 1000.0)

    def start_recording(uri: Any = None, options: dict | None = None) -> Any:
        opts = convert_options("startCallRecording", options)
        return call.start_recording(uri, **opts)

    def log(*parts: Any, **_: Any) -> Any:
        return call.log(" ".join(str(p) for p in parts))

    g.update(
        answer=lambda *a, **k: call.answer(), say=say, ask=ask, prompt=ask, record=record,
        transfer=transfer, call=place_call, conference=conference, message=message,
        hangup=lambda *a, **k: call.hangup(), reject=lambda *a, **k: call.reject(),
        redirect=lambda destination, *a, **k: call.redirect(destination), wait=wait, log=log,
        startCallRecording=start_recording, stopCallRecording=lambda *a: call.stop_recording(),
        print=log,
        currentCall=TropoCall(call) if call.sid else None,
    )  # fmt: skip
    if params:
        g.update(params)
    return g


def _expand_leading_tabs(source: str) -> str:
    """Python 2 read a tab as 'to the next multiple of 8'; Python 3 refuses mixed tabs."""
    return "\n".join(
        (m[1].expandtabs(8) + line[m.end(1) :]) if (m := re.match(r"^([ \t]+)", line)) else line
        for line in source.split("\n")
    )


@lru_cache(maxsize=128)
def compile_script(source: str, filename: str = "<tropo>") -> Any:
    """Compile a Tropo script, converting Python 2 syntax when needed; errors name the line."""
    text = _expand_leading_tabs(source.replace("\r\n", "\n"))
    try:
        return compile(text, filename, "exec")
    except SyntaxError as first:
        converted = _from_python2(text, filename)
        if converted is not None:
            try:
                return compile(converted, filename, "exec")
            except SyntaxError:
                pass
        raise TelenbError(
            f"{filename}, line {first.lineno}, column {first.offset}: {first.msg} "
            f"(neither Python 3 nor Jython-era Python 2)\n    {(first.text or '').rstrip()}"
        ) from None


def _from_python2(source: str, filename: str) -> str | None:
    from fissix import refactor

    fixers = refactor.get_fixers_from_package("fissix.fixes")
    tool = refactor.RefactoringTool(fixers)
    try:
        return str(
            tool.refactor_string(source if source.endswith("\n") else source + "\n", filename)
        )
    except Exception:  # fissix cannot parse it either: report the original error
        return None


def tropo_flow(
    script: str | Path, *, params: dict[str, Any] | None = None, lang: str | None = None
) -> tuple[Callable[[Call], Any], str]:
    """A flow function that runs a Tropo script (a path, or the script's source text).

    Python runs here in the kernel; JavaScript, Groovy, Ruby and PHP (chosen by the file's
    extension, or `lang` for source text) run in their own interpreters through
    `telenb.flow.tropo_bridge`."""
    from .tropo_bridge import bridge_flow, language, language_of

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

    def run(call: Call) -> None:
        exec(code, script_globals(call, params))

    run.__name__ = label
    return run, label
