"""Errors meant for people: each says what is wrong and how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class TelenbError(Exception):
    """Base class of every error telenb raises on purpose."""


class ConfigurationError(TelenbError):
    """A setting, option or argument is not valid."""


class NumberError(TelenbError, ValueError):
    """A phone number could not be understood or is not possible."""


class GrammarError(TelenbError, ValueError):
    """A Tropo choices grammar has a syntax error; `position` is 0-based."""

    def __init__(self, message: str, text: str, position: int):
        self.text = text
        self.position = position
        caret = " " * position + "^"
        super().__init__(f"{message} at column {position + 1}:\n  {text}\n  {caret}")


class UnknownOptionError(TelenbError, TypeError):
    """An option name that the verb does not know."""

    def __init__(self, verb: str, name: str, valid: Iterable[str]):
        valid = sorted(valid)
        self.verb, self.name, self.valid = verb, name, valid
        close = difflib.get_close_matches(name, valid, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        super().__init__(
            f"{verb}() got an unknown option {name!r}.{hint} Valid options: {', '.join(valid)}."
        )


class FlowError(TelenbError):
    """A flow did something the call cannot do (a verb after the call ended, too many steps)."""


class CallEnded(FlowError):
    """Raised inside a flow when it is stopped by the carrier (limit reached, call torn down)."""


class AudioError(TelenbError, ValueError):
    """Audio that cannot be read, decoded or used as asked."""


class SpeechError(TelenbError):
    """A speech engine or model is missing or failed."""


class TwiMLError(TelenbError, ValueError):
    """TwiML that cannot be parsed or interpreted."""


class MessageError(TelenbError, ValueError):
    """A text message that cannot be sent as given (empty, too long, bad characters, not text,
    an impossible number).

    `position` is the 0-based index of the first offending character, or None.  `code` is the
    Twilio REST error the same request gets from Twilio (21602 no body, 21617 too long,
    21211 bad 'To', 21212 bad 'From'), or None where Twilio has no specific code.
    """

    def __init__(self, message: str, position: int | None = None, code: int | None = None):
        self.position = position
        self.code = code
        super().__init__(message)


def check_options(verb: str, given: Iterable[str], valid: Iterable[str]) -> None:
    """Raise `UnknownOptionError` for the first option in `given` that is not in `valid`."""
    valid = set(valid)
    for name in given:
        if name not in valid:
            raise UnknownOptionError(verb, name, valid)
