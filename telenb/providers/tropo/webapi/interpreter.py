"""The WebAPI interpreter: a telenb flow that asks a web app what to do, as Tropo did.

A session POSTs the session JSON to the app's start URL and runs the verbs of the document
that comes back, in order.  A verb that fails with ``required`` (the default) ends the
document: its event fires.  Events follow Tropo's rules for ``on``
(https://www.tropo.com/docs/webapi/on): when the document is done, ``continue`` fires; a
failed ask, record, transfer or call fires ``incomplete``; a server-side problem ``error``;
the caller going away ``hangup``.  An event with no handler falls through to ``continue``.
A handler's ``say`` is played, then its ``next`` URL gets the result JSON (the actions
collected in this document) and answers with the next document; a handler without ``next``
goes on to ``continue``, and a ``continue`` without ``next`` hangs up (firing ``hangup``).
Handlers belong to their document only.

An app that misbehaves (unreachable, HTTP error, not JSON, unknown verb...) ends the call
with the error in the trace, as Tropo's log showed it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from ....errors import TelenbError
from .actions import ACTIONS, Outcome
from .client import TropoCloud
from .document import Document, Handler, Prompt, WebApiError
from .payloads import party, result_json, session_json, tropo_id

MAX_DOCUMENTS = 200  # documents in one session before telenb calls it a loop


class WebApiApp:
    """A Tropo WebAPI application: its start URL, its number and its token."""

    __name__ = "tropo_webapi"

    def __init__(self, cloud: TropoCloud, url: str, *, number: str, token: str, voice=None):
        self.cloud, self.url, self.number, self.token = cloud, url, number, token
        self.voice = voice

    def __call__(self, call: Any) -> None:
        WebApiSession(self, call).run()

    def launch(self, parameters: dict[str, str]) -> Any:
        """A flow for a token launch with `parameters` (Tropo's session API)."""

        def session(call: Any) -> None:
            WebApiSession(self, call, parameters=parameters).run()

        session.__name__ = f"tropo_webapi:{self.number}"
        return session

    def __repr__(self) -> str:
        return f"<WebApiApp {self.number} {self.url}>"


class WebApiSession:
    """One session of a WebAPI app: a call, a text conversation or a token launch."""

    def __init__(self, app: WebApiApp, call: Any, parameters: dict[str, str] | None = None):
        self.app, self.call, self.cloud = app, call, app.cloud
        self.host = call._host
        self.carrier = self.cloud.carrier
        self.parameters = parameters
        self.started = self.now()
        seed = self.carrier.seed
        key = call.sid or f"launch:{len(self.carrier.runners)}:{self.started}"
        self.session_id = tropo_id("session", seed, key)
        self.call_id = tropo_id("call", seed, call.sid) if call.sid else None
        self.sequence = 0
        self.voice = app.voice
        self.initial_text = call.initial_text if call.channel == "TEXT" else None
        self.text_to: str | None = None  # set by call(network=SMS): say then texts
        self.text_from: str | None = None
        self.documents = 0

    # -- helpers the actions use ---------------------------------------------------------------
    def now(self) -> float:
        return self.carrier.clock.now

    @property
    def sid(self) -> str:
        return self.call.sid or "-"

    def trace(self, kind: str, **data: Any) -> None:
        self.host.trace(kind, **data)

    def warn(self, message: str) -> None:
        self.trace("warning", code=None, message=message)

    def speak(self, prompt: Prompt) -> Any:
        return self.call.say(prompt.value, voice=prompt.voice or self.voice, say_as=prompt.say_as)

    def connected(self) -> None:
        """An outbound call() was answered: the session now has a call of its own."""
        if self.call_id is None and self.call.sid:
            self.call_id = tropo_id("call", self.carrier.seed, self.call.sid)

    @property
    def active(self) -> bool:
        return self.call.is_active or bool(self.text_to)

    # -- the session ------------------------------------------------------------------------------
    def run(self) -> None:
        self.trace("tropo_session", id=self.session_id, url=self.app.url)
        doc = self.fetch(self.app.url, self.session_payload(), "session")
        while doc is not None:
            doc = self.execute(doc)
        if self.call.is_active:
            self.call.hangup()

    def session_payload(self) -> dict[str, Any]:
        c = self.call
        if self.parameters is not None:
            return session_json(
                session_id=self.session_id, account_id=self.cloud.account_id, now=self.started,
                call_id=None, parameters=self.parameters,
            )  # fmt: skip
        channel = c.channel
        network = "SMS" if channel == "TEXT" else ("SIP" if c.network == "SIP" else "PSTN")
        return session_json(
            session_id=self.session_id,
            account_id=self.cloud.account_id,
            now=self.started,
            call_id=self.call_id,
            to=party(c.called_id, channel, network),
            from_=party(c.caller_id, channel, network, c.caller_name),
            headers=c.headers,
            initial_text=self.initial_text,
        )

    def fetch(self, url: str, payload: dict[str, Any], purpose: str) -> Document | None:
        """The next document, or None after tracing why there is none (the call then ends)."""
        self.documents += 1
        if self.documents > MAX_DOCUMENTS:
            self.fail(None, f"more than {MAX_DOCUMENTS} documents in one session: a loop")
            return None
        try:
            return self.cloud.post(url, payload, sid=self.sid, purpose=purpose)
        except WebApiError as exc:
            self.fail(url, str(exc))
            return None

    def fail(self, url: str | None, message: str) -> None:
        data = {"url": url} if url else {}
        self.trace("error", error="Tropo WebAPI", message=message, **data)
        if self.call.is_active:
            self.call.hangup()
        return None

    def execute(self, doc: Document) -> Document | None:
        """Run a document's verbs; the next document, or None when the session is over."""
        actions: list[dict[str, Any]] = []
        event, error = "continue", None
        for step in doc.steps:
            if not self.active and step.verb not in ("call", "message", "wait"):
                event = "hangup"
                break
            try:
                out = ACTIONS[step.verb](self, step)
            except TelenbError as exc:  # the app asked for something that cannot be done
                self.trace("warning", code=None, message=f"{step.where}: {exc}")
                out = Outcome("error", None, f"{step.where}: {exc}")
            if out.action is not None:
                actions.append(out.action)
            if out.event == "ok" or (out.event == "incomplete" and not step.required):
                continue
            if out.event == "end":  # rejected or redirected: the session is over
                return None
            event, error = out.event, out.error
            break
        return self.fire(doc, event, actions, error)

    def fire(
        self, doc: Document, event: str, actions: list[dict[str, Any]], error: str | None
    ) -> Document | None:
        handler = doc.handlers.get(event)
        if handler is None and event != "continue":
            return self.fire(doc, "continue", actions, error)
        if handler is not None:
            if handler.say and self.call.is_active:
                for prompt in handler.say:
                    self.speak(prompt)
            if handler.next:
                return self.follow(doc, handler, event, actions, error)
            if event != "continue":
                return self.fire(doc, "continue", actions, error)
        # continue with nowhere to go: Tropo hangs up, and the hangup event fires
        if self.call.is_active:
            self.call.hangup()
        if event != "hangup":
            hang = doc.handlers.get("hangup")
            if hang is not None and hang.next:
                self.follow(doc, hang, "hangup", actions, error)
        return None

    def follow(
        self,
        doc: Document,
        handler: Handler,
        event: str,
        actions: list[dict[str, Any]],
        error: str | None,
    ) -> Document | None:
        """POST the result to the handler's `next`; the document that comes back (run only
        while the session is still live)."""
        self.sequence += 1
        c = self.call
        state = c.state if c.sid else ("ANSWERED" if self.text_to else "DISCONNECTED")
        payload = result_json(
            session_id=self.session_id,
            call_id=self.call_id,
            state=state,
            duration=self.now() - self.started,
            sequence=self.sequence,
            actions=actions,
            error=error,
            called_id=c.called_id,
        )
        url = urljoin(doc.url, handler.next or "")
        nxt = self.fetch(url, payload, f"on:{event}")
        if nxt is not None and not self.active and nxt.steps:
            self.trace("ignored", url=url, why="the call had ended when this document came")
            return None
        return nxt
