"""A Voice SDK client's outgoing call, offline: what `device.connect({params})` does.

A browser or mobile client (identity ``alice``, in an access token whose voice grant names a
TwiML App) places a call; Twilio requests the TwiML App's Voice URL with the call's standard
parameters, `From` and `Caller` ``client:alice``, `Direction` ``inbound``, the
`ApplicationSid`, and every custom parameter the client passed, as POST or GET parameters
(twilio.com/docs/voice/how-share-information-between-your-applications).  A custom `To`, as
click-to-call pages send, is the call's `To`; with none, `To` is empty.  The app's TwiML then
runs on that call as on any other (a `<Dial>` to the number the page asked for, say).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ....errors import ConfigurationError
from ..account import twilio_account
from ..sim.interpreter import TwimlApp
from .applications import find_application
from .resources import RestError

if TYPE_CHECKING:
    from ....sim.carrier import Carrier
    from ....sim.results import CallResult

# Twilio: at most 256 characters, and no control, space or delimiter characters
_IDENTITY = re.compile(r"^[^\s\x00-\x1f<>\"{}|\\^`:]{1,256}$")


def client_call(
    carrier: Carrier,
    identity: str,
    application_sid: str,
    *,
    params: Mapping[str, Any] | None = None,
    caller: Any = None,
    run: bool = True,
) -> CallResult:
    """The client `identity` calls through the TwiML App `application_sid` with `params`;
    `caller` is what the person at the client does (a caller script)."""
    if not isinstance(identity, str) or not _IDENTITY.match(identity):
        raise ConfigurationError(
            f"a client identity is 1 to 256 characters with no spaces, control characters "
            f"or delimiters, not {identity!r}"
        )
    acct = twilio_account(carrier)
    try:
        ap = find_application(acct, application_sid)
    except RestError:
        raise ConfigurationError(
            f"this account has no TwiML App {application_sid!r}; make one with "
            "client.applications.create(voice_url=...)"
        ) from None
    if not ap.voice_url:
        raise ConfigurationError(f"the TwiML App {ap.sid} has no VoiceUrl to call")
    custom = [(str(k), "" if v is None else str(v)) for k, v in (params or {}).items()]
    to = next((v for k, v in custom if k == "To"), "")
    app = TwimlApp(
        acct,
        ap.voice_url,
        method=ap.voice_method,
        fallback_url=ap.voice_fallback_url,
        fallback_method=ap.voice_fallback_method,
        status_callback=ap.status_callback,
        status_callback_method=ap.status_callback_method,
        name=f"twiml-app {ap.sid}",
    )
    app.first_params = (("ApplicationSid", ap.sid), *((k, v) for k, v in custom if k != "To"))
    return carrier.call(to, caller=caller or "", from_=f"client:{identity}", answer=app, run=run)
