"""Reading TwiML attributes the way Twilio does: documented defaults, and for a value Twilio
would not accept (a negative timeout, loop="-1", numDigits="0", method="PUT") a debugger
warning with Twilio's code, naming the attribute and where it is, then the default.

Attributes a verb does not have are reported too (12200, schema validation warning): a typo
such as ``numdigits`` silently changes behaviour on Twilio, so the simulator says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .parse import Node

ErrorCode = int  # a Twilio error code (the class's own `int` method hides the builtin)

Warn = Callable[[int | None, str], None]
DTMF = "0123456789*#"
_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")

# verb -> the attributes Twilio documents for it (camelCase, as in TwiML)
KNOWN = {
    "Say": {"voice", "language", "loop"},
    "Play": {"loop", "digits"},
    "Pause": {"length"},
    "Gather": {
        "action", "method", "timeout", "speechTimeout", "maxSpeechTime", "finishOnKey",
        "numDigits", "input", "hints", "language", "actionOnEmptyResult", "bargeIn",
        "partialResultCallback", "partialResultCallbackMethod", "profanityFilter",
        "speechModel", "enhanced", "debug",
    },
    "Record": {
        "action", "method", "timeout", "finishOnKey", "maxLength", "playBeep", "trim",
        "recordingStatusCallback", "recordingStatusCallbackMethod",
        "recordingStatusCallbackEvent", "transcribe", "transcribeCallback",
        "storageUrl", "storageUrlMethod",
    },
    "Dial": {
        "action", "method", "timeout", "callerId", "record", "hangupOnStar", "timeLimit",
        "answerOnBridge", "ringTone", "recordingStatusCallback",
        "recordingStatusCallbackMethod", "recordingStatusCallbackEvent", "recordingTrack",
        "trim", "sequential", "referUrl", "referMethod", "events",
    },
    "Number": {
        "sendDigits", "url", "method", "statusCallback", "statusCallbackEvent",
        "statusCallbackMethod", "byoc", "machineDetection", "amdStatusCallback",
        "amdStatusCallbackMethod", "machineDetectionTimeout",
    },
    "Client": {"url", "method", "statusCallback", "statusCallbackEvent", "statusCallbackMethod"},
    "Sip": {
        "username", "password", "url", "method", "statusCallback", "statusCallbackEvent",
        "statusCallbackMethod", "machineDetection",
    },
    "Conference": {
        "muted", "beep", "startConferenceOnEnter", "endConferenceOnExit", "waitUrl",
        "waitMethod", "maxParticipants", "record", "region", "coach", "trim",
        "statusCallback", "statusCallbackEvent", "statusCallbackMethod",
        "recordingStatusCallback", "recordingStatusCallbackMethod",
        "recordingStatusCallbackEvent", "eventCallbackUrl", "jitterBufferSize",
        "participantLabel",
    },
    "Queue": {"url", "method", "reservationSid", "postWorkActivitySid"},
    "Enqueue": {"action", "method", "waitUrl", "waitUrlMethod", "workflowSid"},
    "Redirect": {"method"},
    "Reject": {"reason"},
    "Hangup": set(),
    "Leave": set(),
    "Sms": {"to", "from", "action", "method", "statusCallback"},
    "Message": {"to", "from", "action", "method", "statusCallback"},
}  # fmt: skip


class Attrs:
    """Typed access to one element's attributes, warning (with Twilio's code) on bad values."""

    def __init__(
        self, node: Node, warn: Warn, parent: str | None = None, extra: Iterable[str] = ()
    ):
        """`extra`: attributes a TwiML dialect documents beyond Twilio's for this element."""
        self.node, self.warn = node, warn
        self.label = f"{parent}->{node.tag}" if parent else node.tag
        known = KNOWN.get(node.tag)
        if known is not None:
            known = known | set(extra)
            for name in node.attrs:
                if name not in known and not name.startswith("xml"):
                    self._warn(12200, f"<{node.tag}> has no attribute {name!r}; it is ignored")

    def _warn(self, code: int | None, message: str) -> None:
        self.warn(code, f"{message} ({self.node.where})")

    def raw(self, name: str) -> str | None:
        value = self.node.attrs.get(name)
        return value.strip() if isinstance(value, str) else value

    def int(
        self,
        name: str,
        default: int | None,
        code: int | None,
        *,
        minimum: int = 1,
        zero: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        """A whole number >= minimum; `zero` is what "0" means when Twilio gives it a
        meaning (Play loop="0" plays 1000 times); values above `maximum` are capped."""
        text = self.raw(name)
        if text is None or text == "":
            return default
        try:
            value = int(text)
        except ValueError:
            value = None
        if value == 0 and zero is not None:
            return zero
        if value is None or value < minimum:
            shown = "unlimited" if default is None else default
            self._warn(
                code,
                f"{self.label}: invalid {name}={text!r} (a whole number of at least {minimum} "
                f"is needed); using {shown}",
            )
            return default
        if maximum is not None and value > maximum:
            self._warn(code, f"{self.label}: {name}={value} is above {maximum}; using {maximum}")
            return maximum
        return value

    def bool(self, name: str, default: bool, code: ErrorCode | None) -> bool:
        text = self.raw(name)
        if text is None or text == "":
            return default
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        self._warn(code, f"{self.label}: {name} must be true or false, not {text!r}")
        return default

    def method(self, name: str = "method", code: ErrorCode | None = None) -> str:
        text = self.raw(name)
        if not text:
            return "POST"
        if text.upper() in ("GET", "POST"):
            return text.upper()
        self._warn(code, f"{self.label}: {name} must be GET or POST, not {text!r}; using POST")
        return "POST"

    def keys(self, name: str, default: str, code: ErrorCode | None) -> str:
        """A set of keypad keys (finishOnKey); "" means none."""
        text = self.raw(name)
        if text is None:
            return default
        if all(ch in DTMF for ch in text):
            return text
        self._warn(code, f"{self.label}: {name}={text!r} is not made of keys 0-9, * and #")
        return default

    def choice(
        self, name: str, options: Iterable[str], default: str, code: ErrorCode | None
    ) -> str:
        text = self.raw(name)
        if text is None or text == "":
            return default
        opts = tuple(options)
        if text in opts:
            return text
        self._warn(code, f"{self.label}: {name} must be one of {', '.join(opts)}, not {text!r}")
        return default

    def text(self, name: str, default: str | None = None) -> str | None:
        text = self.raw(name)
        return default if text is None or text == "" else text

    def words(self, name: str, default: Iterable[str] = ()) -> frozenset[str]:
        """Space- or comma-separated words (statusCallbackEvent="initiated ringing")."""
        text = self.raw(name)
        if not text:
            return frozenset(default)
        return frozenset(w for w in text.replace(",", " ").split() if w)
