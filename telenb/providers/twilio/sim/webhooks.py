"""Twilio's side of a webhook: sign, send, follow redirects, time out, and judge the answer.

Each request carries the parameters and the `X-Twilio-Signature` Twilio would send, computed
with the account's auth token.  Failures map to Twilio's error codes (11100 a URL that is
not http(s), 11200 retrieval failure, 11205 connection failure or timeout, 11210 unknown
host, 11215 too many redirects, 11750 body too large, 12100 parse failure, 12102 wrong root,
12300 bad Content-Type), so the interpreter can fall back or play the application error
exactly as Twilio does.  Every request, response and TwiML document goes into the trace.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ....errors import CallEnded
from ....sim.clock import EPOCH
from ...webhooks.cookies import CookieJar
from ...webhooks.web import HttpResponse, Unreachable, with_query
from ..signing import HEADER, signature
from ..twiml.parse import MAX_BYTES, Node, TwiMLParseError, parse_twiml

if TYPE_CHECKING:
    from ..account import SimAccount

TIMEOUT = 15.0  # seconds Twilio waits for a response
MAX_HTTP_REDIRECTS = 10
USER_AGENT = "TwilioProxy/1.1"
TWIML_TYPES = ("text/xml", "application/xml", "text/html", "")
# "Twilio will only follow redirects for status codes 301, 302, 303, and 307"; any other
# 3xx, or one without a Location, is 11216 (https://www.twilio.com/docs/api/errors/11216)
REDIRECTS = (301, 302, 303, 307)
MESSAGES = {
    11100: "Invalid URL format",
    11200: "HTTP retrieval failure",
    11205: "HTTP connection failure",
    11210: "HTTP bad host name",
    11215: "HTTP too many redirects",
    11216: "HTTP invalid redirect",
    11750: "TwiML response body too large",
    12100: "Document parse failure",
    12102: "The root element must be Response",
    12300: "Invalid Content-Type",
    11206: "HTTP protocol violation",
    15003: "Call Progress: Error Response to Callback URL",
}
# Twilio keeps cookies per From/To pair for Messaging (four hours) and per call for Voice
SMS_COOKIE_LIFETIME = 4 * 3600.0
Scope = tuple[str, str, str]  # ("sms", From, To) or ("call", CallSid, "")

# why a request was not delivered (`Unreachable.kind`) -> Twilio's code for it
UNREACHABLE = {"url": 11100, "host": 11210, "connect": 11205, "timeout": 11205}

Params = list[tuple[str, str]]


def sms_scope(from_: str, to: str) -> Scope:
    """The cookie scope of an SMS conversation: the pair of numbers, whichever way it goes."""
    a, b = sorted((from_, to))
    return ("sms", a, b)


def call_scope(call_sid: str) -> Scope:
    return ("call", call_sid, "")


class WebhookError(Exception):
    """A webhook failed the way Twilio reports it: `code` is Twilio's error code."""

    def __init__(self, code: int, detail: str, url: str):
        self.code, self.detail, self.url = code, detail, url
        super().__init__(f"{code} {MESSAGES.get(code, 'webhook error')}: {detail} ({url})")


@dataclass
class Document:
    """A TwiML document as fetched: where it came from (the base for relative URLs)."""

    url: str
    method: str
    root: Node
    body: str


def split_overrides(url: str) -> tuple[str, dict[str, str]]:
    """Twilio's connection overrides live in the fragment (#rt=2000&tt=5000&rc=2); the
    fragment is never sent, so it is removed before the request is made and signed."""
    parts = urlsplit(url)
    if not parts.fragment:
        return url, {}
    return urlunsplit(parts._replace(fragment="")), dict(parse_qsl(parts.fragment))


class Webhooks:
    """The HTTP client the simulated Twilio uses for one account.

    A TwiML dialect subclasses it to sign as its vendor does (`sign`) and to name itself
    (`user_agent`)."""

    user_agent = USER_AGENT

    def __init__(self, account: SimAccount):
        self.account = account
        self.timeout = TIMEOUT
        self.jars: dict[Scope, CookieJar] = {}  # made when an app first sets a cookie

    def cookies(self, scope: Scope) -> dict[str, str]:
        """The cookies Twilio keeps now for a conversation or call (name -> value)."""
        jar = self.jars.get(scope)
        return jar.values(self.account.carrier.clock.now) if jar else {}

    def _trace(self, sid: str, kind: str, **data: Any) -> None:
        carrier = self.account.carrier
        carrier.trace.add(carrier.clock.now, sid, kind, **data)

    def sign(self, method: str, url: str, form: Params, body: bytes) -> dict[str, str]:
        """The signature headers for a request to `url` (with its query, for a GET) carrying
        `form` as `body`: X-Twilio-Signature over the URL and the sorted POST parameters."""
        token = self.account.auth_token
        return {HEADER: signature(token, url, form if method != "GET" else None)}

    # -- one request ------------------------------------------------------------------------------
    def send(
        self,
        method: str,
        url: str,
        params: Params,
        *,
        sid: str,
        purpose: str,
        cookies: Scope | None = None,
    ) -> tuple[str, HttpResponse]:
        """Make the request (following HTTP redirects); returns (final URL, response)."""
        url, overrides = split_overrides(url)
        timeout = self.timeout
        for key in ("rt", "tt"):
            if overrides.get(key, "").isdigit():
                timeout = min(timeout, int(overrides[key]) / 1000)
        retries = int(overrides["rc"]) if overrides.get("rc", "").isdigit() else 0
        method = method.upper()
        for _hop in range(MAX_HTTP_REDIRECTS + 1):
            response = self._attempt(method, url, params, sid, purpose, timeout, retries, cookies)
            location = response.headers.get("location")
            if not 300 <= response.status < 400:
                return url, response
            if response.status not in REDIRECTS or not location:
                why = "no Location header" if response.status in REDIRECTS else "not followed"
                raise WebhookError(11216, f"HTTP {response.status} redirect: {why}", url)
            url = urljoin(url, location)
            if response.status in (301, 302, 303):
                method = "GET"
        raise WebhookError(
            11215, f"more than {MAX_HTTP_REDIRECTS} HTTP redirects in a row (a loop?)", url
        )

    def _attempt(
        self,
        method: str,
        url: str,
        params: Params,
        sid: str,
        purpose: str,
        timeout: float,
        retries: int,
        cookies: Scope | None = None,
    ) -> HttpResponse:
        if method == "GET":
            target, body, form = with_query(url, params), b"", []
        else:
            target, body, form = url, urlencode(params).encode("utf-8"), params
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": self.user_agent,
            "Accept": "*/*",
            "Cache-Control": "max-age=259200",
            **self.sign(method, target, form, body),
        }
        if method == "GET":
            del headers["Content-Type"]
        now = self.account.carrier.clock.now
        jar = self.jars.get(cookies) if cookies else None
        cookie = jar.header(target, now) if jar else None
        if cookie:
            headers["Cookie"] = cookie
        for attempt in range(retries + 1):
            try:
                response = self.account.web.request(
                    method, target, body=body, headers=headers, form=form, timeout=timeout,
                    max_bytes=MAX_BYTES,
                )  # fmt: skip
            except CallEnded:
                raise
            except Unreachable as exc:
                self._trace(
                    sid, "webhook", method=method, url=target, purpose=purpose,
                    params=dict(params), status=None, error=str(exc),
                )  # fmt: skip
                if attempt < retries and exc.kind in ("connect", "timeout"):
                    continue
                raise WebhookError(UNREACHABLE[exc.kind], str(exc), url) from None
            except Exception as exc:  # the app itself blew up: a server would answer 500
                tb = "".join(traceback.format_exception(exc))
                response = HttpResponse(500, {"content-type": "text/plain"}, tb.encode())
            if cookies and response.set_cookies:
                self._keep_cookies(cookies, target, response, sid)
            self._trace(
                sid, "webhook", method=method, url=target, purpose=purpose,
                params=dict(params), status=response.status,
                response=response.text[:2000] if response.status >= 400 else None,
            )  # fmt: skip
            if response.status >= 500 and attempt < retries:
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _keep_cookies(self, scope: Scope, url: str, response: HttpResponse, sid: str) -> None:
        jar = self.jars.get(scope)
        if jar is None:
            lifetime = SMS_COOKIE_LIFETIME if scope[0] == "sms" else None
            jar = self.jars[scope] = CookieJar(lifetime, EPOCH)
        for why in jar.update(url, response.set_cookies, self.account.carrier.clock.now):
            self.warn(sid, 11206, f"cookie refused: {why}", url=url)

    # -- TwiML documents ----------------------------------------------------------------------
    def fetch_twiml(
        self,
        method: str,
        url: str,
        params: Params,
        *,
        sid: str,
        purpose: str,
        root: str = "Response",
        cookies: Scope | None = None,
    ) -> Document:
        """Fetch and parse a TwiML document, or raise `WebhookError` with Twilio's code;
        `cookies` names the jar whose cookies go with the request (and keep the answer's)."""
        final, response = self.send(method, url, params, sid=sid, purpose=purpose, cookies=cookies)
        if response.status >= 300 or response.status < 200:
            raise WebhookError(11200, f"the app answered HTTP {response.status}", final)
        if response.truncated:
            raise WebhookError(
                11750,
                f"the response body is larger than {MAX_BYTES} bytes, Twilio's limit "
                "(telenb stopped reading there)",
                final,
            )
        ctype = response.content_type
        if ctype in TWIML_TYPES:
            try:
                node = parse_twiml(response.body, root=root)
            except TwiMLParseError as exc:
                raise WebhookError(exc.code, str(exc).split(": ", 1)[1], final) from None
        elif ctype == "text/plain":  # Twilio reads plain text aloud
            node = Node(root, {}, [Node("Say", {}, [response.text])])
        elif ctype.startswith("audio/"):  # and plays audio
            node = Node(root, {}, [Node("Play", {}, [final])])
        else:
            raise WebhookError(12300, f"Content-Type {ctype!r} is not TwiML", final)
        self._trace(sid, "twiml", url=final, twiml=node.to_xml())
        return Document(final, method.upper(), node, response.text)

    def callback(
        self,
        method: str,
        url: str,
        params: Params,
        *,
        sid: str,
        event: str,
        cookies: Scope | None = None,
    ) -> HttpResponse | None:
        """A status callback: the answer is not used, failures are logged as warnings."""
        try:
            final, response = self.send(
                method, url, params, sid=sid, purpose=f"callback:{event}", cookies=cookies
            )
        except WebhookError as exc:
            self.warn(sid, exc.code, exc.detail, url=url)
            return None
        # a long answer is no fault here: "Twilio does not read or store the body of
        # status-callback responses" (https://www.twilio.com/docs/api/errors/17583)
        if response.status >= 400:
            self.warn(sid, 15003, f"the callback answered HTTP {response.status}", url=final)
        return response

    def warn(self, sid: str, code: int | None, message: str, **where: Any) -> None:
        """A Twilio debugger warning (the call goes on)."""
        self._trace(sid, "warning", code=code, message=message, **where)
