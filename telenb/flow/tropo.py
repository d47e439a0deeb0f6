"""Run Tropo scripting-API Python scripts unmodified.

Tropo ran scripts under Jython 2.x, so old scripts have Python 2 habits: ``print "x"``,
``except E, e``, tabs mixed with spaces (read with Python 2's 8-column tab stops).  Such
sources are converted with `fissix` (a maintained lib2to3) only when they do not compile as
Python 3.  The script sees Tropo's globals — ``answer``, ``say``, ``ask``, ``transfer``,
``currentCall`` ... — with options passed as dicts of camelCase keys.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..errors import ConfigurationError, TelenbError
from .api import Call
from .events import call_handler
from .tropo_options import OPTIONS, convert_options
from .tropo_py2 import tropo_builtins

__all__ = ["OPTIONS", "TropoApp", "TropoCall", "convert_options", "script_globals"]


def national(number: str | None) -> str | None:
    """Tropo showed North American caller IDs without +1 ('4075551111')."""
    if number and number.startswith("+1") and number[2:].isdigit():
        return number[2:]
    return number


USER_TYPES = {"human": "HUMAN", "fax": "FAX"}  # answered_by -> Tropo's userType


def user_type(answered_by: str | None) -> str:
    """machineDetection's verdict as Tropo named it: HUMAN, MACHINE, FAX or NIL (unknown)."""
    if not answered_by:
        return "NIL"
    return USER_TYPES.get(answered_by, "MACHINE" if answered_by.startswith("machine") else "NIL")


class TropoCall:
    """`currentCall`: Tropo's view of the call, with the verbs as methods too
    (``currentCall.say("Hi")`` is ``say("Hi")``)."""

    def __init__(self, call: Call, verbs: dict[str, Any] | None = None):
        self._call = call
        self._verbs = verbs or {}
        self.userType: str | None = None  # set by call()'s machineDetection

    callerID = property(lambda self: national(self._call.caller_id))
    calledID = property(lambda self: national(self._call.called_id))
    callerName = property(lambda self: self._call.caller_name)
    calledName = property(lambda self: None)
    network = property(lambda self: self._call.network)
    channel = property(lambda self: self._call.channel)
    id = property(lambda self: self._call.sid)
    sessionId = property(lambda self: self._call.sid)
    initialText = property(lambda self: self._call.initial_text)
    headers = property(lambda self: self._call.headers)

    def state(self) -> str:
        return self._call.state

    def isActive(self) -> bool:
        return self._call.is_active

    def getHeader(self, name: str) -> str | None:
        return self._call.get_header(name)

    def __getattr__(self, name: str) -> Any:
        verbs = self.__dict__.get("_verbs") or {}
        if name in CALL_METHODS and name in verbs:
            return verbs[name]
        raise AttributeError(f"currentCall has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"<currentCall {self.callerID} -> {self.calledID} {self.state()}>"


CALL_METHODS = (
    "answer", "say", "ask", "prompt", "record", "transfer", "conference", "message", "wait",
    "hangup", "reject", "redirect", "log", "startCallRecording", "stopCallRecording",
)  # fmt: skip


class TropoApp:
    """`currentApp`: the application the script belongs to."""

    def __init__(self, name: str, base_dir: str = ""):
        self.id = self.name = name
        self.baseDir = base_dir

    def __repr__(self) -> str:
        return f"<currentApp {self.name}>"


def _fire(handlers: dict[str, Any], event: Any, on_event: Any = None) -> None:
    call_handler(handlers.get(event.name), event)
    call_handler(on_event, event)


def script_globals(
    call: Call, params: dict[str, Any] | None = None, app: TropoApp | None = None
) -> dict[str, Any]:
    """The names a Tropo script sees."""
    g: dict[str, Any] = {"__name__": "__main__", "__builtins__": tropo_builtins()}

    def warn(message: str) -> None:
        call._host.trace("warning", code=None, message=message)

    def opts_for(verb: str, options: dict | None) -> dict[str, Any]:
        return convert_options(verb, options, warn)

    def say(text: Any, options: dict | None = None) -> Any:
        return call.say(str(text), **opts_for("say", options))

    def ask(text: Any, options: dict | None = None) -> Any:
        opts = opts_for("ask", options)
        if "choices" not in opts:
            raise ConfigurationError(
                "ask() needs a 'choices' option, such as {'choices': 'yes, no'}"
            )
        return call.ask(str(text) if text else None, **opts)

    def record(text: Any = None, options: dict | None = None) -> Any:
        opts = opts_for("record", options)
        on_silence = opts.pop("_on_silence", None)
        event = call.record(str(text) if text else None, **opts)
        if on_silence is not None and getattr(event.recording, "reason", "") == "silence":
            call_handler(on_silence, event)  # the recording ended on silenceTimeout
        return event

    def transfer(destination: Any, options: dict | None = None) -> Any:
        opts = opts_for("transfer", options)
        machine = opts.pop("_machine", None)
        on_busy = opts.pop("_on_busy", None)
        if opts.pop("_on_connect", None) is not None:
            warn("transfer() option 'onConnect' has no effect here: its verbs would play to "
                 "the callee before the bridge, which the simulator does not do")  # fmt: skip
        handlers = {name: opts.pop(key, None) for name, key in (
            ("success", "on_success"), ("timeout", "on_timeout"),
            ("callFailure", "on_call_failure"), ("hangup", "on_hangup"), ("error", "on_error"),
        )}  # fmt: skip
        on_event = opts.pop("on_event", None)
        event = call.transfer(destination, **opts)
        if machine:
            event.data["userType"] = user_type(event.data.get("answered_by"))
        if on_busy is not None and event.data.get("reason") == "busy":
            call_handler(on_busy, event)
        _fire(handlers, event, on_event)
        return event

    def place_call(destination: Any, options: dict | None = None) -> Any:
        opts = opts_for("call", options)
        machine = opts.pop("_machine", None)
        on_busy = opts.pop("_on_busy", None)
        on_connect = opts.pop("_on_connect", None)
        handlers = {name: opts.pop(key, None) for name, key in (
            ("answer", "on_answer"), ("timeout", "on_timeout"),
            ("callFailure", "on_call_failure"), ("error", "on_error"),
        )}  # fmt: skip
        on_event = opts.pop("on_event", None)
        event = call.call(destination, **opts)
        if event.name == "answer":
            current = TropoCall(call, verbs)
            g["currentCall"] = event.value = current
            if machine:
                intro = machine.get("introduction") if isinstance(machine, dict) else None
                if intro:  # heard by whoever answered while Tropo listened to them
                    voice = machine.get("voice") if isinstance(machine, dict) else None
                    call.say(str(intro), voice=voice)
                current.userType = user_type(event.data.get("answered_by"))
                event.data["userType"] = current.userType
                call._host.trace("machine-detection", userType=current.userType)
            call_handler(on_connect, event)
        if on_busy is not None and event.data.get("reason") == "busy":
            call_handler(on_busy, event)
        _fire(handlers, event, on_event)
        return event

    def conference(conference_id: Any, options: dict | None = None) -> Any:
        opts = opts_for("conference", options)
        for key in ("_join_prompt", "_leave_prompt"):
            if key in opts:
                opts[key[1:]] = _prompt_text(opts.pop(key))
        return call.conference(str(conference_id), **opts)

    def message(text: Any, options: dict | None = None) -> Any:
        opts = opts_for("message", options)
        if "to" not in opts:
            raise ConfigurationError("message() needs a 'to' option, such as {'to': '+15550123'}")
        media = opts.pop("_media", None)
        if media:
            opts["media"] = [media] if isinstance(media, str) else [str(m) for m in media]
        return call.message(str(text), **opts)

    def wait(milliseconds: Any = 1000, options: dict | None = None) -> Any:
        if isinstance(milliseconds, dict):
            options, milliseconds = milliseconds, milliseconds.get("milliseconds", 1000)
        opts_for("wait", options)
        return call.wait(float(milliseconds) / 1000.0)

    def start_recording(uri: Any = None, options: dict | None = None) -> Any:
        opts = opts_for("startCallRecording", options)
        return call.start_recording(uri, **opts)

    def log(*parts: Any, **_: Any) -> Any:
        return call.log(" ".join(str(p) for p in parts))

    verbs: dict[str, Any] = dict(
        answer=lambda *a, **k: call.answer(), say=say, ask=ask, prompt=ask, record=record,
        transfer=transfer, conference=conference, message=message,
        hangup=lambda *a, **k: call.hangup(), reject=lambda *a, **k: call.reject(),
        redirect=lambda destination, *a, **k: call.redirect(destination), wait=wait, log=log,
        startCallRecording=start_recording, stopCallRecording=lambda *a: call.stop_recording(),
    )  # fmt: skip
    g.update(
        verbs, call=place_call, print=log,
        currentCall=TropoCall(call, verbs) if call.sid else None,
        currentApp=app or TropoApp("tropo"),
    )  # fmt: skip
    if params:
        g.update(params)
    return g


def _prompt_text(value: Any) -> str | None:
    """joinPrompt/leavePrompt: true (a beep), false, or {'value': text or audio URL}."""
    if value is True:
        return "beep"
    if isinstance(value, dict):
        text = value.get("value")
        return str(text) if text else "beep"
    if isinstance(value, str) and value:
        return value
    return None


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
