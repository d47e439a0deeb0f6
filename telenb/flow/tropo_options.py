"""Tropo's option names for each scripting verb, and their translation to telenb keywords.

Tropo scripts pass options as maps of camelCase names.  Every name Tropo documented is known
here: most become a telenb keyword, a few are carried out by the Tropo globals
(`telenb.flow.tropo`) because they combine verbs (machine detection's introduction, a
conference's join prompt), and those with nothing to simulate (log masking, billing labels) are
accepted with a warning in the trace.  A misspelt name is an `UnknownOptionError` listing the
valid ones, in every script language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import ConfigurationError, UnknownOptionError

# Tropo option name -> telenb keyword.  None: accepted and ignored (cloud-only plumbing such
# as credentials for an upload); WARN: accepted, and the trace says it has no effect here;
# "_name": carried out by the Tropo globals themselves (`telenb.flow.tropo`).
WARN = "~"
_COMMON_IGNORED = {"allowSignals": None, "onSignal": None, "name": None, "required": None}
OPTIONS: dict[str, dict[str, str | None]] = {
    "say": {
        "promptLogSecurity": "~",
        "voice": "voice",
        "as": "say_as",
        "language": "language",
        "onHangup": None,
        **_COMMON_IGNORED,
    },
    "ask": {
        "promptLogSecurity": "~",
        "asrLogSecurity": "~",
        "maskTemplate": "~",
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
        "format": "format",
        "transcriptionId": None,
        "onSilenceTimeout": "_on_silence",
        "promptLogSecurity": "~",
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
        "machineDetection": "_machine",
        "label": "~",
        "onBusy": "_on_busy",
        "onConnect": "_on_connect",
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
        "machineDetection": "_machine",
        "label": "~",
        "onBusy": "_on_busy",
        "onConnect": "_on_connect",
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
        "joinPrompt": "_join_prompt",
        "leavePrompt": "_leave_prompt",
        "mute": "mute",
        "playTones": "play_tones",
        "terminator": "terminator",
        "onChoice": "on_choice",
        "beep": "beep",
        "interdigitTimeout": None,
        **_COMMON_IGNORED,
    },
    "message": {
        "mediaURL": "_media",
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


NO_EFFECT = {
    "promptLogSecurity": "Tropo kept the prompt out of its own logs; the trace shows it",
    "asrLogSecurity": "Tropo masked what was heard in its own logs; the trace shows it",
    "maskTemplate": "Tropo masked what was heard in its own logs; the trace shows it",
    "label": "Tropo put the label on its call records; the simulator has no billing records",
}

Warn = Callable[[str], None]


def convert_options(
    verb: str, options: dict[str, Any] | None, warn: Warn | None = None
) -> dict[str, Any]:
    """Tropo's camelCase option dict -> telenb keywords; unknown names raise with the list.

    Options the Tropo globals carry out themselves come back under their ``_name`` keys; those
    with no effect on a simulator are dropped after `warn` is told why."""
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
        if target == WARN:
            if warn is not None:
                warn(f"{verb}() option {key!r} has no effect here: {NO_EFFECT[key]}")
            continue
        if key == "choices" and verb == "transfer":  # {'choices': {'terminator': '*'}} or '*'
            value = value.get("terminator") if isinstance(value, dict) else value
        if key == "transcriptionOutURI":
            value = bool(value)
        out[target] = value
    return out
