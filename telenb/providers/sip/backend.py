"""Run telenb flows on real SIP calls: `telenb.connect("sip", listen="127.0.0.1:5070")`.

    backend = telenb.connect("sip", listen="127.0.0.1:5070", allow=["sip:*@127.0.0.1:5080"])
    backend.answer("sip:shop@127.0.0.1:5070", dress_shop)   # INVITEs for shop run the flow
    result = backend.wait()                                  # the next call that ended
    result = backend.call("sip:alice@127.0.0.1:5080", reminder)  # outbound, allow-list only
    backend.register("sip:1001@127.0.0.1:5090", password_env="SIP_PASSWORD", flow=dress_shop)
    backend.close()                                          # unregisters, ends the worker

A flow's `transfer(uri)` bridges a second leg (B2BUA) or, with ``transfer="refer"``, asks the
caller's phone to call the target itself (REFER), falling back to bridging where the phone
refuses; `rtp_timeout` ends a call whose RTP stopped (60 s; 0: never).

The SIP stack runs in a worker process (`worker.py`); this module never imports pjsua2.  One
thread reads the worker's events and hands each to its call; each call's flow runs on its own
thread, exactly the flow that runs on the simulator.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import itertools
import logging
import queue
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ...errors import ConfigurationError
from ...sim.trace import Trace
from .headers import outbound_headers
from .registration import Registration, RegistrationFailed, parse_aor, read_password
from .result import SipCallResult
from .session import GONE, SipCall
from .supervisor import Worker, WorkerGone

log = logging.getLogger("telenb.sip")
EARLY_SIP_CALLS = 32  # Call-IDs whose messages wait for their call (a REGISTER's never come)
KEPT_CALLIDS = 256  # recent calls that late SIP messages are still filed under
_USER = re.compile(r"sips?:([^@;>\s]+)@")
_URI = re.compile(r"sips?:[^\s<>]+")
# what an outbound target may be: sip:user@host[:port], the user in RFC 3261's characters
# less ';', '?' and '/', so no second '@', URI header (?Route=...) or parameter rides along
_TARGET = re.compile(
    r"sips?:[A-Za-z0-9\-_.!~*'()&=+$,%]+@(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?"
)


def user_of(uri: str) -> str:
    """The user part of a SIP URI (`sip:shop@host` -> `shop`), or the text itself."""
    m = _USER.search(uri)
    return m.group(1) if m else uri.strip()


def bare_uri(uri: str) -> str:
    """`"Alice" <sip:alice@h:5080;transport=udp>` -> `sip:alice@h:5080`."""
    m = _URI.search(uri)
    return (m.group(0) if m else uri.strip()).split(";")[0]


class SipBackend:
    """telenb flows answering and placing SIP calls through one pjsua2 worker process."""

    def __init__(
        self,
        *,
        listen: str = "127.0.0.1:5070",
        allow: Iterable[str] = (),
        codecs: str = "PCMU,PCMA",
        ring_time: float = 0.0,
        rtp_timeout: float = 60.0,
        transfer: str = "b2bua",
        record_calls: bool = True,
    ):
        if importlib.util.find_spec("pjsua2") is None:  # found, not imported: the worker does
            raise ConfigurationError(
                'real SIP calls need pjsua2 (the sip extra): pip install "telenb[sip]"'
            )
        host, _, port = listen.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigurationError(f"listen is HOST:PORT, such as 127.0.0.1:5070, not {listen!r}")
        self.allow = [bare_uri(a) for a in allow]
        self.ring_time = float(ring_time)
        # each result keeps its call in stereo (`result.audio`, 64 kB a second): a server
        # answering calls for days turns it off (keys sent as tones are heard either way)
        self.record_calls = bool(record_calls)
        self.workdir = Path(tempfile.mkdtemp(prefix="telenb-sip-"))
        self.flows: dict[str, Callable[..., Any]] = {}
        self.results: list[SipCallResult] = []
        self._finished: queue.Queue[SipCallResult] = queue.Queue()
        self._calls: dict[int, SipCall] = {}
        self._early: dict[int, list[dict[str, Any]]] = {}  # events before "calling" named them
        self._pending: dict[str, queue.Queue[int]] = {}
        self._refs = itertools.count(1)
        self._callids: dict[int, str] = {}  # an outbound call's Call-ID, from "calling"
        self._by_callid: dict[str, SipCall] = {}
        self._sip_early: dict[str, list[tuple[float, dict[str, Any]]]] = {}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.registrations: list[Registration] = []
        self._regs: dict[str, Registration] = {}
        self.trace_log = Trace()  # the backend's own events: registrations
        self._t0 = time.monotonic()
        if rtp_timeout < 0:
            raise ConfigurationError(f"rtp_timeout is seconds (0: never), not {rtp_timeout!r}")
        self.rtp_timeout = float(rtp_timeout)
        if transfer not in ("b2bua", "refer"):
            raise ConfigurationError(f"transfer is 'b2bua' or 'refer', not {transfer!r}")
        self.transfer = transfer  # how a flow's transfer() is carried out
        self.worker = Worker(host, int(port), codecs, self.rtp_timeout)
        self.listen = f"{host}:{self.worker.port}"
        self._reader = threading.Thread(target=self._read, name="telenb-sip-events", daemon=True)
        self._reader.start()

    # -- configuration --------------------------------------------------------------------------
    def answer(self, uri_or_user: str, flow: Callable[..., Any]) -> None:
        """INVITEs whose Request-URI user is this one run `flow` (``"*"``: any user)."""
        self.flows[user_of(uri_or_user)] = flow

    def register(
        self,
        aor: str,
        *,
        password_env: str,
        username: str | None = None,
        registrar: str | None = None,
        expires: int = 300,
        flow: Callable[..., Any] | None = None,
        timeout: float = 10.0,
    ) -> Registration:
        """REGISTER `aor` (``sip:1001@127.0.0.1:5090``) with RFC 3261 digest authentication.

        The password comes from the environment variable `password_env`, read now and never
        stored or shown; the registrar defaults to the AOR's host and the user name to its
        user.  pjsua refreshes the binding before `expires` seconds run out.  Calls for the
        AOR's user run `flow` (or what `answer` gave it).  Raises `RegistrationFailed` (a
        `ConfigurationError` with the SIP `code`) when the registrar refuses.
        """
        user, hostport = parse_aor(aor)
        registrar = registrar or f"sip:{hostport}"
        if not str(registrar).startswith(("sip:", "sips:")):
            raise ConfigurationError(
                f"registrar is a SIP URI such as sip:{hostport}, not {registrar!r}"
            )
        if int(expires) < 1:
            raise ConfigurationError(f"expires is a number of seconds, at least 1, not {expires!r}")
        password = read_password(password_env, registrar)  # before any packet is sent
        reg = Registration(str(next(self._refs)), aor.strip(), registrar, username or user,
                           password_env, int(expires))  # fmt: skip
        with self._lock:
            self._regs[reg.ref] = reg
            self.registrations.append(reg)
        self.trace("register", reg.aor, registrar=registrar, username=reg.username,
                   expires=reg.expires)  # fmt: skip
        self.worker.send("register", ref=reg.ref, aor=reg.aor, registrar=registrar,
                         username=reg.username, password=password, expires=reg.expires)  # fmt: skip
        del password
        if not reg.wait(timeout):
            reg.update(408, f"no answer from the registrar within {timeout:g} s", False, 0)
        if not reg.registered:
            self.worker.send("unregister", ref=reg.ref)  # drop the account: no retries
            raise RegistrationFailed(reg)
        if flow is not None:
            self.answer(user, flow)
        return reg

    def unregister(self, registration: Registration, timeout: float = 5.0) -> None:
        """Remove the binding (REGISTER with Expires: 0) and drop the account."""
        if registration.registered and self.worker.alive:
            registration.unregistering()
            self.worker.send("unregister", ref=registration.ref)
            if not registration.wait(timeout, ("unregistered", "failed")):
                log.warning("SIP: no answer to unregistering %s", registration.aor)

    def trace(self, kind: str, sid: str, /, **data: Any) -> None:
        self.trace_log.add(round(time.monotonic() - self._t0, 3), sid, kind, **data)

    def __repr__(self) -> str:
        regs = "".join(f"\n  {r!r}" for r in self.registrations)
        return f"<SipBackend listening on {self.listen}, {len(self.results)} calls>{regs}"

    def allowed(self, uri: str) -> bool:
        target = bare_uri(uri)
        return any(fnmatch.fnmatchcase(target, pattern) for pattern in self.allow)

    # -- calls ----------------------------------------------------------------------------------
    def call(
        self,
        uri: str,
        flow: Callable[..., Any],
        *,
        headers: dict[str, str] | None = None,
        ring_timeout: float = 60.0,
        timeout: float = 60.0,
    ) -> SipCallResult:
        """Place a call to `uri` (it must be on the allow-list) and run `flow` on it once the
        callee answers; unanswered after `ring_timeout` seconds (Twilio's `Timeout`, 60 by
        default) it is cancelled and ends ``no-answer``.  Returns when the flow is done, or
        after `timeout` more seconds.

        `headers` are custom ``X-`` fields put on the INVITE (``{"X-Campaign": "7"}``); the
        flow sees them as `call.headers`, as on the simulator's `carrier.call(headers=...)`.
        """
        call = self.place(uri, headers, "outbound")
        thread = self._start(call, flow, ring_timeout)
        thread.join(ring_timeout + timeout)
        return SipCallResult(call)

    def check_target(self, uri: str) -> str:
        """`uri` as sent, or `ConfigurationError` when the allow-list does not name it."""
        if not _TARGET.fullmatch(bare_uri(uri)):
            raise ConfigurationError(
                f"{bare_uri(uri)!r} is not a plain SIP URI (sip:user@host or sip:user@host:port)"
            )
        if not self.allowed(uri):
            raise ConfigurationError(
                f"{bare_uri(uri)} is not on the allow-list; telenb calls only what "
                "connect('sip', allow=[...]) names (patterns such as sip:*@127.0.0.1:5080)"
            )
        return bare_uri(uri)

    def place(
        self,
        uri: str,
        headers: dict[str, str] | None,
        direction: str,
        parent: SipCall | None = None,
    ) -> SipCall:
        """Send one INVITE (after the header and allow-list checks) and return its call,
        registered for its events; a transfer's leg shares its `parent`'s event queue."""
        extra = outbound_headers(headers)
        target = self.check_target(uri)
        ref = str(next(self._refs))
        got: queue.Queue[int] = queue.Queue()
        with self._lock:
            self._pending[ref] = got
        self.worker.send("call", uri=target, ref=ref, headers=extra)
        try:
            cid = got.get(timeout=10)
        except queue.Empty:
            with self._lock:
                self._pending.pop(ref, None)
            raise WorkerGone("the SIP worker did not place the call") from None
        with self._lock:
            callid = self._callids.pop(cid, "") or ref
        call = SipCall(self, cid, f"sip:telenb@{self.listen}", target, callid, direction, extra,
                       parent=parent)  # fmt: skip
        call.set_status("initiated")
        self._register(call)
        with self._lock:  # only now: until the call is registered, its first states (180)
            self._pending.pop(ref, None)  # wait in `_early` rather than being dropped
        return call

    def forget(self, call: SipCall) -> None:
        """A transfer's leg that ended: its events no longer need routing."""
        with self._lock:
            if self._calls.get(call.cid) is call:
                del self._calls[call.cid]

    def wait(self, timeout: float = 30.0) -> SipCallResult:
        """The next call (inbound or outbound) whose flow has finished."""
        try:
            return self._finished.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no SIP call finished within {timeout} s") from None

    def close(self) -> None:
        """Unregister, end the worker (its calls end with it) and wait for the flows."""
        for reg in list(self.registrations):
            try:
                self.unregister(reg)
            except WorkerGone:
                break
        self.worker.close()
        self._reader.join(5)
        for t in list(self._threads):
            t.join(5)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> SipBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the worker's events --------------------------------------------------------------------
    def _read(self) -> None:
        while (ev := self.worker.next_event()) is not None:
            kind = ev["type"]
            if kind == "incoming":
                self._incoming(ev)
            elif kind == "registration":
                self._registration(ev)
            elif kind == "sip":
                self._sip(ev)
            elif kind == "calling":
                with self._lock:
                    box = self._pending.get(str(ev["ref"]))
                    self._callids[int(ev["call"])] = str(ev.get("callid") or "")
                if box is not None:
                    box.put(int(ev["call"]))
            elif isinstance(ev.get("call"), int):
                self._deliver(ev["call"], ev)
            else:
                log.warning("SIP worker: %s", ev.get("message", ev))
        with self._lock:
            calls = list(self._calls.values())
        for c in calls:
            c.events.put(GONE)
        for reg in self.registrations:  # the worker took its bindings' refreshes with it
            if reg.state in ("registering", "registered", "unregistering"):
                self.trace("registration", reg.aor, state=reg.update(0, "the SIP worker exited",
                           False, 0), code=None, reason="the SIP worker exited")  # fmt: skip

    def _sip(self, ev: dict[str, Any]) -> None:
        """Keep a SIP message with its call (by Call-ID), or until that call is known: an
        INVITE is logged before the call it opens exists."""
        callid, at = str(ev["callid"]), time.monotonic()
        with self._lock:
            call = self._by_callid.get(callid)
            if call is None:
                early = self._sip_early.setdefault(callid, [])
                early.append((at, ev))
                while len(self._sip_early) > EARLY_SIP_CALLS:  # REGISTERs, strays: oldest go
                    del self._sip_early[next(iter(self._sip_early))]
                return
        call.log_sip(at, ev)

    def _registration(self, ev: dict[str, Any]) -> None:
        with self._lock:
            reg = self._regs.get(str(ev["ref"]))
        if reg is None:
            return
        before = reg.state
        state = reg.update(int(ev["code"]), str(ev.get("reason") or ""), bool(ev["active"]),
                           int(ev.get("expires") or 0))  # fmt: skip
        if state != before or state == "registered":  # a refresh is news too
            self.trace("registration", reg.aor, state=state, code=reg.code, reason=reg.reason,
                       expires=reg.granted)  # fmt: skip
        if before == "registered" and state == "failed":
            log.warning("SIP: the registration of %s lapsed: %s %s", reg.aor, reg.code, reg.reason)

    def _deliver(self, cid: int, ev: dict[str, Any]) -> None:
        with self._lock:
            call = self._calls.get(cid)
            if call is None:
                if self._pending:  # an outbound call's first states, before "calling"
                    self._early.setdefault(cid, []).append(ev)
                return
        call.events.put(ev)

    def _register(self, call: SipCall) -> None:
        with self._lock:
            self._calls[call.cid] = call
            for ev in self._early.pop(call.cid, []):
                call.events.put(ev)
            self._by_callid[call.callid] = call
            while len(self._by_callid) > KEPT_CALLIDS:  # late retransmissions of old calls
                del self._by_callid[next(iter(self._by_callid))]
            for at, ev in self._sip_early.pop(call.callid, []):
                call.log_sip(at, ev)

    def _incoming(self, ev: dict[str, Any]) -> None:
        cid = int(ev["call"])
        headers = ev.get("headers")
        call = SipCall(self, cid, bare_uri(str(ev["from"])), bare_uri(str(ev["to"])),
                       str(ev.get("callid", cid)), "inbound",
                       headers if isinstance(headers, dict) else {})  # fmt: skip
        flow = self.flows.get(user_of(call.to)) or self.flows.get("*")
        self._register(call)
        call.set_status("ringing")
        if flow is None:
            call.rejected = "not-found"
            call.trace("refused", why=f"no flow answers {user_of(call.to)!r}")
            self.worker.send("reject", call=cid, code=404)
            threading.Thread(target=self._drain, args=(call,), daemon=True).start()
            return
        self._start(call, flow)

    def _start(
        self, call: SipCall, flow: Callable[..., Any], ring_timeout: float = 60.0
    ) -> threading.Thread:
        name = getattr(flow, "__name__", "flow")
        t = threading.Thread(target=self._run, args=(call, flow, name, ring_timeout), daemon=True,
                             name=f"telenb-sip-call-{call.cid}")  # fmt: skip
        self._threads = [x for x in self._threads if x.is_alive()] + [t]
        t.start()
        return t

    def _run(self, call: SipCall, flow: Callable[..., Any], name: str, ring: float) -> None:
        try:
            call.run(flow, name, ring)
        except WorkerGone as exc:
            call.trace("error", error="WorkerGone", message=str(exc))
            call._ended(0, "the SIP worker exited")
        finally:
            call.close_tap()
            self._done(call)

    def _drain(self, call: SipCall) -> None:
        call.wait_until(lambda: call.ended, 5.0)
        self._done(call)

    def _done(self, call: SipCall) -> None:
        with self._lock:
            if self._calls.get(call.cid) is call:
                del self._calls[call.cid]
        result = SipCallResult(call)
        self.results.append(result)
        self._finished.put(result)
