"""The verbs and properties telenb checks, with the types jambonz's verb reference gives them.

A type is "string", "number", "boolean", "object", "array", several joined by "|", an
``{"enum": [...]}`` of strings, "#name" (an object checked against `SPECS[name]`) or
["#name"] (an array of them).  Verbs jambonz has but telenb does not simulate are checked
loosely (`OTHER_VERBS`): the app is valid, the verb is skipped with a warning.
"""

from __future__ import annotations

from typing import Any

HOOK = "object|string"  # a URL, or {"url", "method", "username", "password"}

SPECS: dict[str, dict[str, Any]] = {
    "say": {
        "properties": {
            "id": "string",
            "text": "string|array",
            "loop": "number|string",
            "synthesizer": "#synthesizer",
            "earlyMedia": "boolean",
            "disableTtsCache": "boolean",
        },
        "required": ["text"],
    },
    "play": {
        "properties": {
            "id": "string",
            "url": "string|array",
            "loop": "number|string",
            "earlyMedia": "boolean",
            "seekOffset": "number|string",
            "timeoutSecs": "number|string",
            "actionHook": HOOK,
        },
        "required": ["url"],
    },
    "gather": {
        "properties": {
            "id": "string",
            "actionHook": HOOK,
            "finishOnKey": "string",
            "input": "array",
            "numDigits": "number",
            "minDigits": "number",
            "maxDigits": "number",
            "interDigitTimeout": "number",
            "partialResultHook": HOOK,
            "speechTimeout": "number",
            "listenDuringPrompt": "boolean",
            "dtmfBargein": "boolean",
            "bargein": "boolean",
            "minBargeinWordCount": "number",
            "timeout": "number",
            "recognizer": "#recognizer",
            "play": "#play",
            "say": "#say",
        },
        "required": [],
    },
    "dial": {
        "properties": {
            "id": "string",
            "actionHook": HOOK,
            "answerOnBridge": "boolean",
            "callerId": "string",
            "callerName": "string",
            "confirmHook": HOOK,
            "referHook": HOOK,
            "dialMusic": "string",
            "dtmfCapture": "object",
            "dtmfHook": HOOK,
            "headers": "object",
            "anchorMedia": "boolean",
            "listen": "object",
            "target": ["#target"],
            "timeLimit": "number",
            "timeout": "number",
            "proxy": "string",
            "transcribe": "object",
            "amd": "object",
        },
        "required": ["target"],
    },
    "target": {
        "properties": {
            "type": {"enum": ["phone", "sip", "user", "teams"]},
            "confirmHook": HOOK,
            "method": {"enum": ["GET", "POST"]},
            "headers": "object",
            "from": "object",
            "name": "string",
            "number": "string",
            "sipUri": "string",
            "auth": "object",
            "vmail": "boolean",
            "tenant": "string",
            "trunk": "string",
            "overrideTo": "string",
        },
        "required": ["type"],
    },
    "conference": {
        "properties": {
            "id": "string",
            "name": "string",
            "beep": "boolean",
            "startConferenceOnEnter": "boolean",
            "endConferenceOnExit": "boolean",
            "maxParticipants": "number",
            "joinMuted": "boolean",
            "actionHook": HOOK,
            "waitHook": HOOK,
            "statusEvents": "array",
            "statusHook": HOOK,
            "enterHook": HOOK,
            "record": "object",
        },
        "required": ["name"],
    },
    "enqueue": {
        "properties": {
            "id": "string",
            "name": "string",
            "actionHook": HOOK,
            "waitHook": HOOK,
            "priority": "number",
        },
        "required": ["name"],
    },
    "dequeue": {
        "properties": {
            "id": "string",
            "name": "string",
            "actionHook": HOOK,
            "timeout": "number",
            "beep": "boolean",
            "callSid": "string",
        },
        "required": ["name"],
    },
    "leave": {"properties": {"id": "string"}, "required": []},
    "hangup": {"properties": {"id": "string", "headers": "object"}, "required": []},
    "redirect": {"properties": {"id": "string", "actionHook": HOOK}, "required": ["actionHook"]},
    "pause": {"properties": {"id": "string", "length": "number"}, "required": ["length"]},
    "tag": {"properties": {"id": "string", "data": "object"}, "required": ["data"]},
    "config": {
        "properties": {
            "id": "string",
            "synthesizer": "#synthesizer",
            "recognizer": "#recognizer",
            "bargeIn": "object",
            "record": "object",
            "listen": "object",
            "amd": "object",
            "notifyEvents": "boolean",
            "reset": "string|array",
            "fillerNoise": "object",
            "vad": "object",
            "sipRequestWithinDialogHook": HOOK,
        },
        "required": [],
    },
    "synthesizer": {
        "properties": {
            "vendor": "string",
            "language": "string",
            "voice": "string|object",
            "label": "string",
            "engine": {"enum": ["standard", "neural"]},
            "gender": {"enum": ["MALE", "FEMALE", "NEUTRAL"]},
            "options": "object",
        },
        "required": [],
    },
    "recognizer": {
        "properties": {
            "vendor": "string",
            "language": "string",
            "label": "string",
            "hints": "array",
            "hintsBoost": "number",
            "altLanguages": "array",
            "profanityFilter": "boolean",
            "interim": "boolean",
            "singleUtterance": "boolean",
            "punctuation": "boolean",
            "model": "string",
            "enhancedModel": "boolean",
            "words": "boolean",
            "vad": "object",
            "asrTimeout": "number",
            "asrDtmfTerminationDigit": "string",
            "minConfidence": "number",
        },
        "required": [],
        "open": True,  # vendor option blocks (deepgramOptions, ...) are not checked
    },
}

# jambonz verbs telenb accepts in a document but does not simulate
OTHER_VERBS = {
    "answer",
    "alert",
    "dialogflow",
    "dtmf",
    "dub",
    "lex",
    "listen",
    "llm",
    "message",
    "rasa",
    "sip:decline",
    "sip:request",
    "sip:refer",
    "stream",
    "transcribe",
    "record",
}
# names jambonz maps onto another verb ("stream" is "listen")
SYNONYMS = {"stream": "listen"}
