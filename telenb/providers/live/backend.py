"""The vendor-neutral half of ``telenb.connect(vendor)``: placing calls behind the rails,
dry runs, estimates, texts from flows and the webhook server's life.

A vendor's backend subclasses `LiveBackend` and says only what is its own: how it reads its
credentials (`read_credentials`), its webhooks (`make_hooks`), the REST request that places
a call or sends a text (`call_request`, `message_request`) and what the answer means
(`call_id`), and how a flow looks in its documents (`steps`, the vendor's exporter).  Dry
runs go through the very code that sends, with a recording transport in place of the
network, so the request shown is byte for byte the one a real call would send.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ...errors import ConfigurationError
from ...flow import verbs as V
from ..webhooks.serving import RunningServer
from .http import RecordingTransport, Rest
from .rails import DryRun, Estimate, Rails, estimate
from .server import ContinuationServer, Hooks, InlineExecutor

log = logging.getLogger("telenb.live.backend")


@dataclass(frozen=True)
class Outgoing:
    """One REST request to the vendor, before it is sent."""

    method: str
    url: str
    headers: dict[str, str]
    content: bytes


class LiveBackend:
    """telenb flows on a vendor's real numbers: REST through httpx, webhooks as continuations.

    Options every vendor takes: ``public_url`` (the https address the vendor reaches, a
    tunnel or your host), ``allow`` (numbers or ``'+1555*'`` prefixes that may be called or
    texted), ``from_`` (your number), ``dry_run`` (print the request, the documents and the
    cost; send nothing), ``confirm`` (asked once before the first real call), ``env``
    (credentials; default ``os.environ``), ``transport`` (an httpx transport in place of the
    network), ``executor``, ``rates`` and ``region``."""

    vendor = ""
    markup = ""
    RATES: dict[str, float] = {}
    methods: tuple[str, ...] = ("POST",)
    canned_call: Any = {}  # what the recording transport answers a dry run's call with

    def __init__(
        self,
        *,
        public_url: str,
        allow: Iterable[str] = (),
        from_: str | None = None,
        dry_run: bool = False,
        confirm: Callable[[str], bool] | None = None,
        env: Mapping[str, str] | None = None,
        transport: Any = None,
        executor: Any = None,
        rates: Mapping[str, float] | None = None,
        region: str = "US",
    ):
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigurationError(
                f"public_url must be the https URL {self.vendor} can reach (a tunnel or your "
                f"host), such as https://abc123.ngrok.app, not {public_url!r}"
            )
        self.credentials = self.read_credentials(env)
        self.rails = Rails(self.vendor, allow, region=region, confirm=confirm)
        self.from_ = self.rails.number(from_) if from_ else None
        self.dry_run = dry_run
        self.rates = {**self.RATES, **dict(rates or {})}
        self.rest = Rest(self.vendor, transport)
        self.server: Any = self.make_server(public_url, executor)
        self.app: Callable[..., Any] = self.wsgi_app()  # what serve() puts on the socket
        self._httpd: RunningServer | None = None

    # -- what each vendor says ----------------------------------------------------------------
    def read_credentials(self, env: Mapping[str, str] | None) -> Any:
        raise NotImplementedError

    def make_hooks(self) -> Hooks:
        raise NotImplementedError

    def make_server(self, public_url: str, executor: Any) -> Any:
        """The webhook server: the continuation server with this vendor's hooks (a TwiML
        dialect's backend uses Twilio's TwiML server instead)."""
        return ContinuationServer(
            self.make_hooks(), public_url, messenger=self._send_message, executor=executor,
            methods=self.methods,
        )  # fmt: skip

    def wsgi_app(self) -> Callable[..., Any]:
        """The WSGI app the vendor reaches (the server, or the server behind a check)."""
        return self.server

    def call_request(self, to: str, origin: str, token: str) -> Outgoing:
        raise NotImplementedError

    def message_request(self, to: str, origin: str, text: str) -> Outgoing:
        raise NotImplementedError

    def call_id(self, answer: Any) -> str:
        raise NotImplementedError

    def steps(self, flow: Callable, number: str, caller: str) -> Any:
        """The flow's documents for one simulated call (the vendor's exporter)."""
        raise NotImplementedError

    def our_number(self, params: dict[str, Any]) -> str | None:
        """Which of the call's numbers is ours (a text's default sender)."""
        return None

    def webhook_urls(self) -> dict[str, str]:
        """Where the vendor's application (or number) must send its webhooks."""
        return {"answer_url": self.server.url(f"{self.server.hooks.prefix}/answer")}

    # -- calls ----------------------------------------------------------------------------------
    def __repr__(self) -> str:
        mode = "dry run" if self.dry_run else "live"
        return (
            f"<{type(self).__name__} {mode} {self.server.public_url} {self.credentials!r} "
            f"allow={self.rails.allow}>"
        )

    @property
    def allow(self) -> list[str]:
        return self.rails.allow

    def call(self, to: str, flow: Callable[[Any], Any], *, from_: str | None = None,
             caller: str = "") -> Any:  # fmt: skip
        """Call `to` and run `flow` once answered; returns the vendor's call ID (or a DryRun).

        `caller` is the simulated person used for the dry run's documents and estimate."""
        to_n = self.rails.allowed(to, "call")
        origin = self.rails.number(from_) if from_ else self.from_
        if origin is None:
            raise ConfigurationError(
                f"give from_= one of your {self.vendor} numbers (or connect(from_=))"
            )
        if self.dry_run:
            return self._dry_run(to_n, origin, flow, caller)
        self.rails.confirm_first(origin, to_n, self.estimate(flow, caller))
        out = self.call_request(to_n, origin, self.server.session_token(flow))
        answer = self.rest.send(out.method, out.url, headers=out.headers, content=out.content)
        call_id = self.call_id(answer)
        log.info("%s placed call %s to %s", self.vendor, call_id, to_n)
        return call_id

    def answer(self, number: str, flow: Callable[[Any], Any], *,
               configure: bool = False) -> dict[str, str]:  # fmt: skip
        """Run `flow` for calls to your `number`; returns the webhook URLs to set on the
        vendor's application for it.  Unlike Twilio's backend, telenb does not change this
        vendor's settings itself (``configure=True`` is refused, with the URLs to set)."""
        urls = self.webhook_urls()
        if configure:
            shown = ", ".join(f"{k}={v}" for k, v in urls.items())
            raise ConfigurationError(
                f"telenb does not configure {self.vendor} numbers: set {shown} on the "
                f"application that answers {number}, then call answer(..., configure=False)"
            )
        self.server.numbers[self.rails.number(number)] = flow
        return urls

    def _send_message(self, verb: V.Message, params: dict[str, Any]) -> V.Done:
        """message() from a flow: the vendor's messaging REST API (allow-listed)."""
        to = self.rails.allowed(verb.to, "text")
        origin = verb.from_ or self.our_number(params) or self.from_
        if origin is None:
            raise ConfigurationError(f"give from_= one of your {self.vendor} numbers")
        if self.dry_run:
            print(f"DRY RUN - would text {to} from {origin}: {verb.text!r}")
            return V.Done(detail={"sid": "", "status": "dry-run"})
        out = self.message_request(to, self.rails.number(origin), verb.text)
        answer = self.rest.send(out.method, out.url, headers=out.headers, content=out.content)
        return V.Done(detail={"sid": self.message_id(answer), "status": "queued"})

    def message_id(self, answer: Any) -> str:
        return str(answer.get("message_uuid") or answer.get("id") or "")

    # -- dry runs and estimates -------------------------------------------------------------------
    def _dry_run(self, to: str, origin: str, flow: Callable, caller: str) -> DryRun:
        recorder = RecordingTransport([(201, self.canned_call)])
        out = self.call_request(to, origin, self.server.session_token(flow))
        Rest(self.vendor, recorder).send(out.method, out.url, headers=out.headers,
                                         content=out.content)  # fmt: skip
        steps = self.steps(flow, to, caller)
        request = recorder.requests[0].masked()  # a dry run keeps no usable credential
        result = DryRun(request, steps, self.estimate(flow, caller, steps=steps),
                        self.vendor, self.markup)  # fmt: skip
        print(result)
        return result

    def estimate(self, flow: Callable, caller: str = "", *, steps: Any = None) -> Estimate:
        """Cost of one call of `flow` with a simulated `caller` (assumed rates)."""
        if steps is None:
            steps = self.steps(flow, "+15550100", caller)
        result = steps.result
        # the export ran on a scratch carrier of its own: every text on it is this call's
        sent = list(getattr(steps, "messages", None) or result.carrier.messages)
        return estimate(result.duration, sent, self.rates)

    # -- the webhook server -----------------------------------------------------------------------
    def serve(self, host: str = "127.0.0.1", port: int = 8080, *,
              limits: Mapping[str, Any] | None = None) -> tuple[str, int]:  # fmt: skip
        """Start the webhook server (waitress, on background threads); returns (host, port)."""
        if self._httpd is not None:
            raise ConfigurationError("the webhook server is already running; stop() it first")
        if isinstance(self.server.executor, InlineExecutor):
            raise ConfigurationError(
                "an InlineExecutor runs a flow on whichever thread answers its webhook, and a "
                "flow must stay on one thread: leave executor= out (a thread per call) to serve()"
            )
        name = f"telenb-{self.vendor.lower()}"
        self._httpd = RunningServer(self.app, host, port, name=name, limits=limits)
        return self._httpd.address

    def stop(self) -> None:
        """Stop the webhook server and end the flows of calls still waiting for a webhook."""
        if self._httpd is not None:
            self._httpd.stop()
            self._httpd = None
            self.server.close()
