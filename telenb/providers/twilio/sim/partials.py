"""<Gather partialResultCallback>: interim speech results while the caller is still speaking.

Twilio documents that it "sends requests as it recognizes speech in real time" to the
partialResultCallback URL (method partialResultCallbackMethod, POST by default), that they
carry `UnstableSpeechResult`, the partial transcription that "may change as the speech
recognition progresses", and that these asynchronous requests do not accept TwiML in
response (https://www.twilio.com/docs/voice/twiml/gather#partialresultcallback).  Its
requests also carry `StableSpeechResult`, `Stability` and `SequenceNumber`, as the apps
written against them read.

The results themselves come from `telenb.providers.docverbs.partials` (one per word of the
final recognition); this module sends each as Twilio's request: `UnstableSpeechResult`,
`StableSpeechResult`, `Stability` (Twilio gives no formula; this one is deterministic and
grows toward 1 as the caller goes on) and `SequenceNumber`.
"""

from __future__ import annotations

from typing import Any

from ...docverbs.partials import Partial, PartialSender
from .webhooks import call_scope


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
