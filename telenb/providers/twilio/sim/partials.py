"""<Gather partialResultCallback>: interim speech results while the caller is still speaking.

Twilio documents that it "sends requests as it recognizes speech in real time" to the
partialResultCallback URL (method partialResultCallbackMethod, POST by default), that they
carry `UnstableSpeechResult`, the partial transcription that "may change as the speech
recognition progresses", and that these asynchronous requests do not accept TwiML in
response (https://www.twilio.com/docs/voice/twiml/gather#partialresultcallback).  Its
requests also carry `StableSpeechResult`, `Stability` and `SequenceNumber`, as the apps
written against them read.

telenb's recogniser decides on a whole utterance, so the partial results are derived from
that final text: one request per word, sent when the word has been spoken (the utterance's
length shared out by the words' lengths), each holding the words so far as
`UnstableSpeechResult`, all of them but the newest as `StableSpeechResult`, and as
`Stability` the share of the hypothesis that is stable.  Twilio gives no formula for
`Stability`; this one is deterministic and grows toward 1 as the caller goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .webhooks import call_scope

PartialSender = Callable[["Partial"], None]


@dataclass(frozen=True)
class Partial:
    """One interim result: sent `offset` seconds after the caller started speaking."""

    sequence: int
    offset: float
    stable: str
    unstable: str
    stability: float


def timeline(text: str, duration: float) -> list[Partial]:
    """The interim results leading to the final `text` of an utterance `duration` s long."""
    words = text.split()
    total = sum(len(w) for w in words)
    partials, spoken = [], 0
    for n, word in enumerate(words, 1):
        spoken += len(word)
        partials.append(
            Partial(
                n,
                round(duration * spoken / total, 6),
                " ".join(words[: n - 1]),
                " ".join(words[:n]),
                round((n - 1) / n, 4),
            )
        )
    return partials


def sender(interp: Any, url: str | None, method: str) -> PartialSender | None:
    """What sends a <Gather>'s partial results to `url`, or None when it has none."""
    if not url:
        return None

    def send(partial: Partial) -> None:
        params = interp.params(
            [
                ("UnstableSpeechResult", partial.unstable),
                ("StableSpeechResult", partial.stable),
                ("Stability", f"{partial.stability:g}"),
                ("SequenceNumber", str(partial.sequence)),
            ]
        )
        sid = interp.leg.sid
        interp.hooks.callback(
            method, url, params, sid=sid, event="partial", cookies=call_scope(sid)
        )

    return send
