"""gather: digits and speech while a nested say or play prompts.

Defaults from the gather reference: ``input`` ["digits"], ``timeout`` 15 s (0: none),
``finishOnKey`` none, ``minDigits`` 1.  Collection ends on ``numDigits`` or ``maxDigits``
keys, the finish key, the end of an utterance, or the timeout; the actionHook gets
``reason`` dtmfDetected (``digits``), speechDetected (``speech.alternatives[0]``:
transcript, confidence), timeout, or error.  With fewer than minDigits keys at the timeout
the reason is timeout.  Verbs in its answer replace the rest of the application.
``recognizer.hints`` (phrases that "assist speech detection") bias what is heard: a near
miss of a hint is heard as the hint (`docverbs.hints`); other speech is heard as said.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...docverbs.prompts import GatherVerb
from .prompts import prompt_items

if TYPE_CHECKING:
    from ..verbs.parse import Verb
    from .interpreter import Interpreter

TIMEOUT = 15.0
MIN_DIGITS = 1


def gather(interp: Interpreter, verb: Verb) -> list | None:
    inputs = verb.get("input") or ["digits"]
    modes = frozenset({"digits": "dtmf", "speech": "speech"}[i] for i in inputs)
    timeout = float(verb.get("timeout", TIMEOUT)) or 24 * 3600.0
    prompts = prompt_items(interp, verb.get("say"), "say") + prompt_items(
        interp, verb.get("play"), "play"
    )
    count = verb.get("numDigits") or verb.get("maxDigits")
    recognizer = {**interp.recognizer, **(verb.get("recognizer") or {})}
    phrases = tuple(hint_phrases(recognizer.get("hints")))
    hints = ", ".join(phrases) or None
    bargein = verb.get("bargein") is True or (
        "dtmf" in modes and verb.get("dtmfBargein") is not False and "speech" not in modes
    )
    op = GatherVerb(
        prompts, modes, timeout, float(verb.get("speechTimeout", 0) or 0) or None,
        int(count) if count else None, verb.get("finishOnKey") or "", bargein, hints,
        bias=phrases,
    )  # fmt: skip
    out = interp.perform(op)
    if out.kind == "hangup" or interp.over:
        return None
    payload = interp.info() | result(out, int(verb.get("minDigits", MIN_DIGITS)), recognizer)
    hook = verb.get("actionHook")
    if not hook:
        return None
    return interp.ask(hook, payload, "actionHook:gather")


def hint_phrases(hints: Any) -> list[str]:
    """recognizer.hints: phrases, or objects with a phrase (and a per-phrase boost)."""
    out = []
    for hint in hints or []:
        phrase = hint.get("phrase") if isinstance(hint, dict) else hint
        if isinstance(phrase, str) and phrase.strip():
            out.append(phrase.strip())
    return out


def result(out: Any, min_digits: int, recognizer: dict[str, Any]) -> dict[str, Any]:
    if out.kind == "input" and out.mode == "dtmf":
        if out.terminated_by or len(out.digits) >= min_digits:
            return {"reason": "dtmfDetected", "digits": out.digits}
        return {"reason": "timeout"}
    if out.kind == "input" and out.mode == "speech":
        alt = {"confidence": round(float(out.confidence), 6), "transcript": out.text}
        language = recognizer.get("language", "en-US")
        return {
            "reason": "speechDetected",
            "speech": {
                "language_code": language,
                "channel_tag": 1,
                "is_final": True,
                "alternatives": [alt],
            },
        }
    if out.kind == "error":
        return {"reason": "error", "details": out.text}
    return {"reason": "timeout"}
