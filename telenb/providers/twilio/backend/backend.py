"""Run telenb flows on real phones through Twilio.

    backend = telenb.connect("twilio", public_url="https://abc123.ngrok.app",
                             allow=["+15551234567"], from_="+15557654321")
    backend.serve(port=8080)                 # the webhook server your tunnel points at
    backend.answer("+15557654321", flow)     # calls to this Twilio number run `flow`
    backend.call("+15551234567", flow)       # asks for confirmation, then places the call

Safety rails: credentials come from the environment and are masked everywhere; every
webhook must be signed (403 otherwise); only numbers on the allow-list are called or texted;
the first real call of a session needs an explicit yes; ``dry_run=True`` prints the REST
request, the TwiML step by step (from a simulated run) and an estimated cost, and sends
nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from ....errors import ConfigurationError
from ....flow import verbs as V
from ...live.rails import DryRun, Estimate, Rails, estimate
from ...webhooks.serving import RunningServer
from ..credentials import Credentials
from .export import flow_twiml
from .recorder import RecordingHttpClient
from .server import PREFIX, InlineExecutor, WebhookServer

__all__ = ["DryRun", "Estimate", "TwilioBackend"]

log = logging.getLogger("telenb.twilio.backend")
RATES = {  # assumed US list prices in USD; pass rates= for your own
    "outbound_minute": 0.014,
    "inbound_minute": 0.0085,
    "sms_segment": 0.0083,
}
STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]


class TwilioBackend:
    """telenb flows on real Twilio numbers: REST with the SDK, webhooks as continuations."""

    def __init__(
        self,
        *,
        public_url: str,
        allow: Iterable[str] = (),
        from_: str | None = None,
        dry_run: bool = False,
        confirm: Callable[[str], bool] | None = None,
        credentials: Credentials | None = None,
        env: Mapping[str, str] | None = None,
        http_client: Any = None,
        executor: Any = None,
        rates: Mapping[str, float] | None = None,
        region: str = "US",
    ):
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigurationError(
                f"public_url must be the https URL Twilio can reach (a tunnel or your host), "
                f"such as https://abc123.ngrok.app, not {public_url!r}"
            )
        self.credentials = credentials or Credentials.from_env(env)
        token = self.credentials.auth_token
        if token is None and not dry_run:
            raise ConfigurationError(
                "set TWILIO_AUTH_TOKEN: Twilio signs its webhooks with the account's auth token "
                "and telenb refuses unsigned webhooks (an API key cannot check them)"
            )
        self.region = region
        self.rails = Rails("Twilio", allow, region=region, confirm=confirm)
        self.allow = self.rails.allow
        self.from_ = self._number(from_) if from_ else None
        self.dry_run = dry_run
        self.rates = {**RATES, **dict(rates or {})}
        self.http_client = http_client
        self._client: Any = None
        self.server = WebhookServer(
            token or "", public_url, messenger=self._send_message, executor=executor
        )
        self._httpd: Any = None

    def __repr__(self) -> str:
        mode = "dry run" if self.dry_run else "live"
        return (
            f"<TwilioBackend {mode} {self.server.public_url} {self.credentials!r} "
            f"allow={self.allow}>"
        )

    # -- REST -------------------------------------------------------------------------------------
    @property
    def client(self) -> Any:
        """A `twilio.rest.Client` (with the injected HTTP client, if any)."""
        if self._client is None:
            from twilio.rest import Client

            user, secret, account = self.credentials.client_args()
            self._client = Client(user, secret, account, http_client=self.http_client)
        return self._client

    def _number(self, number: str) -> str:
        return self.rails.number(number)

    def _allowed(self, number: str, what: str) -> str:
        return self.rails.allowed(number, what)

    # -- placing and answering calls --------------------------------------------------------------
    def call(self, to: str, flow: Callable[[Any], Any], *, from_: str | None = None,
             caller: str = "") -> Any:  # fmt: skip
        """Call `to` and run `flow` once answered; returns the Call SID (or a DryRun).

        `caller` is the simulated person used for the dry run's TwiML and cost estimate."""
        to_n = self._allowed(to, "call")
        origin = self._number(from_) if from_ else self.from_
        if origin is None:
            raise ConfigurationError("give from_= one of your Twilio numbers (or connect(from_=))")
        if self.dry_run:
            return self._dry_run(to_n, origin, flow, caller)
        if not self.rails.confirmed:
            self.rails.confirm_first(origin, to_n, self.estimate(flow, caller))
        call = self.client.calls.create(**self._call_request(to_n, origin, flow))
        log.info("placed call %s to %s", call.sid, to_n)
        return call.sid

    def _call_request(self, to: str, origin: str, flow: Callable) -> dict[str, Any]:
        token = self.server.session_token(flow)
        return {
            "to": to,
            "from_": origin,
            "url": self.server.url(f"{PREFIX}/voice?session={token}"),
            "method": "POST",
            "status_callback": self.server.url(f"{PREFIX}/status"),
            "status_callback_event": STATUS_EVENTS,
            "status_callback_method": "POST",
        }

    def answer(self, number: str, flow: Callable[[Any], Any], *, configure: bool = True) -> None:
        """Run `flow` for calls to your Twilio `number`; with `configure`, point the number's
        voice URL and status callback at this backend (a REST update; printed in a dry run)."""
        num = self._number(number)
        self.server.numbers[num] = flow
        if not configure:
            return
        settings = {
            "voice_url": self.server.url(f"{PREFIX}/voice"),
            "voice_method": "POST",
            "status_callback": self.server.url(f"{PREFIX}/status"),
            "status_callback_method": "POST",
        }
        if self.dry_run:
            print(f"DRY RUN - would configure {num}: {settings}")
            return
        found = self.client.incoming_phone_numbers.list(phone_number=num, limit=1)
        if not found:
            raise ConfigurationError(f"{num} is not a phone number on this Twilio account")
        found[0].update(**settings)

    def _send_message(self, verb: V.Message, params: dict[str, str]) -> V.Done:
        """message() from a flow: the Messages REST API (allow-listed; printed in a dry run)."""
        to = self._allowed(verb.to, "text")
        ours = params.get("To") if params.get("Direction") == "inbound" else params.get("From")
        origin = verb.from_ or ours or self.from_
        if self.dry_run:
            print(f"DRY RUN - would text {to} from {origin}: {verb.text!r}")
            return V.Done(detail={"sid": "", "status": "dry-run"})
        msg = self.client.messages.create(to=to, from_=origin, body=verb.text)
        return V.Done(detail={"sid": msg.sid, "status": msg.status})

    # -- dry runs and estimates ------------------------------------------------------------
    def _dry_run(self, to: str, origin: str, flow: Callable, caller: str) -> DryRun:
        from twilio.rest import Client

        recorder = RecordingHttpClient([(201, {"sid": "CA" + "0" * 32, "status": "queued"})])
        user, secret, account = self.credentials.client_args()
        Client(user, secret, account, http_client=recorder).calls.create(
            **self._call_request(to, origin, flow)
        )
        steps = flow_twiml(flow, to, caller=caller, direction="outbound-api")
        request = recorder.requests[0].masked()  # a dry run keeps no usable credential
        result = DryRun(request, steps, self.estimate(flow, caller, steps=steps))
        print(result)
        return result

    def estimate(self, flow: Callable, caller: str = "", *, steps: Any = None) -> Estimate:
        """Cost of one call of `flow` with a simulated `caller` (assumed rates)."""
        if steps is None:
            steps = flow_twiml(flow, "+15550100", caller=caller, direction="outbound-api")
        return estimate(steps.result.duration, steps.messages, self.rates)

    # -- the webhook server ---------------------------------------------------------------
    def serve(
        self,
        host: str = "127.0.0.1",
        port: int = 8080,
        *,
        limits: Mapping[str, Any] | None = None,
    ) -> tuple[str, int]:
        """Start the webhook server (waitress, on background threads); returns (host, port).

        It faces the internet through your tunnel, so it runs with limits (`serving.WEBHOOK_LIMITS`:
        body and header sizes, idle connections, threads); `limits` overrides them by name."""

        if self._httpd is not None:
            raise ConfigurationError("the webhook server is already running; stop() it first")
        if isinstance(self.server.executor, InlineExecutor):
            raise ConfigurationError(
                "an InlineExecutor runs a flow on whichever thread answers its webhook, and a "
                "flow must stay on one thread: leave executor= out (a thread per call) to serve()"
            )
        self._httpd = RunningServer(self.server, host, port, name="telenb-twilio", limits=limits)
        log.info("webhook server on %s:%s for %s", *self._httpd.address, self.server.public_url)
        return self._httpd.address

    def stop(self) -> None:
        """Stop the webhook server and end the flows of calls still waiting for a webhook."""
        if self._httpd is not None:
            self._httpd.stop()
            self._httpd = None
            self.server.close()
