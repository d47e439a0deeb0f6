"""The TwiML interpreter: a telenb flow that fetches TwiML and carries it out as Twilio does.

It runs on a simulated call like any flow.  Verbs run in document order; <Gather>, <Record>,
<Dial>, <Enqueue> and <Sms> request their `action` URL with the parameters Twilio sends and
continue with the TwiML that comes back; <Redirect> fetches a new document; running off the
end of a document hangs up.  A webhook that fails goes to the fallback URL (with ErrorCode and
ErrorUrl) when there is one, otherwise the caller hears Twilio's application error message and
the trace names the error code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

from ....errors import ConfigurationError, NumberError
from ....flow import verbs as V
from ....sim.media import audio_file_duration, is_placeholder
from ...docverbs.prompts import GatherVerb, Item, PlayVerb, RecordVerb
from ...webhooks.web import not_fetchable
from ..dialect import TWILIO, Dialect
from ..twiml.attrs import Attrs
from ..twiml.parse import Node, TwiMLParseError, parse_twiml
from . import partials, transcriptions
from .conferencing import wait_is_over
from .dialing import v_dial, v_enqueue
from .outcomes import NEXT, ConferenceExit, QueueExit
from .recordings import known_urls, publish, recording_params
from .webhooks import Document, WebhookError, call_scope

APP_ERROR = "We're sorry, an application error has occurred. Goodbye."
MAX_DOCUMENTS_AT_ONCE = 50  # documents fetched without the call moving on: a redirect loop
UNSUPPORTED = {
    "Connect": "it streams media to your own server (Media Streams, ConversationRelay)",
    "Pay": "it collects card numbers through a payment processor",
    "Prompt": "it belongs inside <Pay>",
    "Start": "it forks media to your own server (Media Streams, SIPREC, real-time transcription)",
    "Stop": "it stops a <Start> stream",
    "Refer": "it sends a SIP REFER to a SIP trunk",
    "Echo": "it is a test verb Twilio does not document for production",
}


class TwimlApp:
    """Where one number's (or one REST call's) TwiML comes from, and how to ask for it."""

    __name__ = "twiml"
    allowed: tuple[str, ...] | None = None  # verbs a document may hold (screening TwiML)
    on_end: Callable[[Interpreter], None] | None = None  # instead of hanging up at the end
    first_params: tuple[tuple[str, str], ...] = ()  # on the first request only (Voice SDK)

    def __init__(
        self,
        account: Any,
        url: str | None = None,
        *,
        method: str = "POST",
        twiml: str | None = None,
        fallback_url: str | None = None,
        fallback_method: str = "POST",
        status_callback: str | None = None,
        status_callback_method: str = "POST",
        status_callback_events: Iterable[str] = ("completed",),
        machine_detection: bool = False,
        max_documents: int = MAX_DOCUMENTS_AT_ONCE,
        name: str = "twiml",
    ):
        if url is None and twiml is None:
            raise ConfigurationError("a TwiML app needs a url or the TwiML itself")
        self.account, self.url, self.method, self.twiml = account, url, method.upper(), twiml
        self.fallback_url, self.fallback_method = fallback_url, fallback_method.upper()
        self.status_callback = status_callback
        self.status_callback_method = status_callback_method.upper()
        self.status_callback_events = frozenset(status_callback_events)
        self.machine_detection = machine_detection
        self.max_documents = max_documents
        self.__name__ = name

    def __call__(self, call: Any) -> None:
        Interpreter(self, call).run()

    def __repr__(self) -> str:
        return f"<TwimlApp {self.url or 'inline TwiML'} {self.method}>"


class Interpreter:
    """Carries out one call's TwiML (created per call by `TwimlApp`)."""

    def __init__(self, app: TwimlApp, call: Any):
        self.app, self.account = app, app.account
        self.runner = call._host
        self.leg = self.runner.leg
        self.carrier = self.runner.carrier
        self.hooks = self.account.webhooks
        self.dialect: Dialect = getattr(self.account, "dialect", TWILIO)
        self.doc: Document | None = None
        self._instant, self._fetched = -1.0, 0
        self.queue_member: Any = None
        self.conference_wait: Any = None  # the room whose wait music plays, if any
        self.bridging = False

    # -- helpers --------------------------------------------------------------------------------
    @property
    def over(self) -> bool:
        return self.leg.ended

    def warn(self, code: int | None, message: str) -> None:
        self.hooks.warn(self.leg.sid, code, message)

    def perform(self, verb: Any) -> Any:
        if wait_is_over(self):
            raise ConferenceExit()
        out = self.runner.perform(verb)
        member = self.queue_member
        if member is not None and member.state == "bridged" and not self.bridging:
            raise QueueExit("dequeued")
        if wait_is_over(self):
            raise ConferenceExit()
        return out

    def params(self, extra: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
        leg = self.leg
        params = self.account.call_params(leg, leg.status or "ringing")
        if self.app.machine_detection and leg.answered_by:
            params.append(("AnsweredBy", leg.answered_by))
        return params + list(extra)

    def resolve(self, url: str | None) -> str | None:
        """Resolve an action or Redirect URL against the current document's URL."""
        if url is None:
            return None
        base = self.doc.url if self.doc else ""
        if not base and not urlsplit(url).scheme:
            self.warn(11100, f"relative URL {url!r} in TwiML that has no URL of its own")
            return None
        return urljoin(base, url)

    def known_durations(self) -> dict[str, float]:

        return known_urls(self.account)

    # -- fetching -------------------------------------------------------------------------------
    def fetch(
        self, method: str, url: str | None, extra: Iterable[tuple[str, str]], purpose: str
    ) -> Document | None:
        """The next document, or None (after playing the application error) if there is none."""
        if url is None:
            self.application_error(None, "no URL to fetch TwiML from")
            return None
        now = self.carrier.clock.now
        self._fetched = self._fetched + 1 if now == self._instant else 1
        self._instant = now
        if self._fetched > self.app.max_documents:
            self.application_error(
                None,
                f"{self._fetched - 1} TwiML documents fetched without the call moving on in "
                "time: a <Redirect> loop (telenb stops it; Twilio would keep fetching)",
            )
            return None
        params = self.params(extra)
        sid = self.leg.sid
        try:
            return self.hooks.fetch_twiml(
                method, url, params, sid=sid, purpose=purpose, cookies=call_scope(sid)
            )
        except WebhookError as exc:
            self.error(exc.code, exc.detail, exc.url)
            fallback = self.app.fallback_url
            if fallback and purpose != "fallback":
                fb_params = [*params, ("ErrorCode", str(exc.code)), ("ErrorUrl", exc.url)]
                try:
                    return self.hooks.fetch_twiml(
                        self.app.fallback_method, fallback, fb_params, sid=sid,
                        purpose="fallback", cookies=call_scope(sid),
                    )  # fmt: skip
                except WebhookError as exc2:
                    self.error(exc2.code, exc2.detail, exc2.url)
            self.application_error(None, None)
            return None

    def notify(self, method: str, url: str | None, extra: Iterable[tuple[str, str]], why: str):
        """A request whose answer Twilio ignores (an action after the caller hung up)."""
        if url:
            sid = self.leg.sid
            params = self.params(extra)
            self.hooks.callback(method, url, params, sid=sid, event=why, cookies=call_scope(sid))

    def error(self, code: int | None, detail: str, url: str | None = None) -> None:
        data = {"url": url} if url else {}
        name = f"Twilio {code}" if code else "TwiML"
        self.leg.trace("error", error=name, message=detail, **data)

    def application_error(self, code: int | None, detail: str | None) -> None:
        if detail:
            self.error(code, detail)
        if not self.over:
            self.perform(PlayVerb([Item("say", APP_ERROR)]))
            self.perform(V.Hangup())

    # -- running documents ----------------------------------------------------------------------
    def run(self) -> None:
        app = self.app
        if app.status_callback:
            self.account.watch_call(
                self.leg,
                app.status_callback,
                app.status_callback_method,
                app.status_callback_events,
            )
        if app.twiml is not None:
            doc = self.inline(app.twiml)
        else:
            doc = self.fetch(app.method, app.url, app.first_params, "voice")
        while doc is not None and not self.over:
            doc = self.execute(doc, app.allowed)
        if not self.over:
            if app.on_end is not None:
                app.on_end(self)
            else:
                self.perform(V.Hangup())

    def inline(self, twiml: str) -> Document | None:
        try:
            root = parse_twiml(twiml)
        except TwiMLParseError as exc:
            self.application_error(exc.code, str(exc))
            return None
        self.leg.trace("twiml", url="(inline)", twiml=root.to_xml())
        return Document("", "POST", root, twiml)

    def execute(self, doc: Document, allowed: Iterable[str] | None = None) -> Document | None:
        """Run a document's verbs; the next document, or None when the call or TwiML ends."""
        self.doc = doc
        for node in doc.root.children:
            if self.over:
                return None
            if allowed is not None and node.tag not in allowed:
                self.warn(12200, f"<{node.tag}> cannot be used here ({node.where}); skipped")
                continue
            handler = VERBS.get(node.tag) or self.dialect.verbs.get(node.tag)
            if handler is None:
                self.unknown(node)
                continue
            result = handler(self, node)
            if result is not NEXT:
                return result
        return None

    def unknown(self, node: Node) -> None:
        lacks = self.dialect.unsupported.get(node.tag)
        if lacks is not None:
            self.warn(12200, f"{self.dialect.markup} has no <{node.tag}> ({lacks}); skipped")
            return
        why = UNSUPPORTED.get(node.tag)
        if why is not None:
            self.warn(None, f"telenb does not simulate <{node.tag}> ({why}); skipped")
        else:
            self.warn(12200, f"unknown TwiML element <{node.tag}> at {node.where}; skipped")

    def attrs(self, node: Node, parent: str | None = None) -> Attrs:
        return Attrs(node, self.warn, parent, self.dialect.attributes.get(node.tag, ()))

    # -- prompts --------------------------------------------------------------------------------
    def item(self, node: Node, parent: str | None = None) -> list[Item]:
        """A <Say>, <Play> or <Pause> as things to play (empty when unusable)."""
        a = self.attrs(node, parent)
        inner = parent == "Gather"
        if node.tag == "Say":
            loop = a.int("loop", 1, 13322 if inner else 13510, zero=1000)
            text = node.all_text()
            if not text:
                self.warn(13520, f"Say: Invalid text: <Say> at {node.where} is empty")
                return []
            return [Item("say", text, a.text("voice"), a.text("language"), loop or 1)]
        if node.tag == "Play":
            items = []
            digits = a.text("digits")
            if digits is not None:
                if all(ch in "0123456789*#w" for ch in digits):
                    items.append(Item("digits", digits))
                else:
                    self.warn(13410, f"Play: digits={digits!r} may hold only 0-9, *, # and w")
            url = self.resolve(node.text) if node.text else None
            refused = not_fetchable(url) if url else None
            if refused:  # never read from this machine, and say nothing about what exists
                self.warn(11100, f"Play: {refused}; skipped")
            elif url:
                loop = a.int("loop", 1, 13410, zero=1000) or 1
                items.append(Item("play", url, loop=loop))
                if url not in self.known_durations() and is_placeholder(self.leg, url):
                    self.warn(
                        None,
                        f"Play: {url} cannot be fetched offline; a placeholder of "
                        f"{audio_file_duration(url)} s plays instead (map it to a local file "
                        "or a length: carrier.audio_urls[url] = 'hold.wav' or 12.5)",
                    )
            elif digits is None:
                self.warn(13410, f"<Play> at {node.where} has no URL and no digits")
            return items
        if node.tag == "Pause":
            length = a.int("length", 1, 13910) or 1
            return [Item("pause", seconds=float(length))]
        return []

    def v_say(self, node: Node) -> Any:
        items = self.item(node)
        if not items:
            return NEXT
        known = self.known_durations() if node.tag == "Play" else {}
        out = self.perform(PlayVerb(items, answer=True, known=known))
        return None if out.hangup else NEXT

    def v_pause(self, node: Node) -> Any:
        # a first <Pause> delays pick-up: it does not answer the call
        out = self.perform(PlayVerb(self.item(node), answer=False))
        return None if out.hangup else NEXT

    # -- input ----------------------------------------------------------------------------------
    def v_gather(self, node: Node) -> Any:
        a = self.attrs(node)
        action = self.resolve(a.text("action") or (self.doc.url if self.doc else None))
        method = a.method("method", 13312)
        timeout = a.int("timeout", 5, 13313) or 5
        speech_timeout = self._speech_timeout(a)
        num_digits = a.int("numDigits", None, 13314)
        finish = a.keys("finishOnKey", "#", 13310)
        if len(finish) > 1:
            self.warn(13310, f"Gather: finishOnKey={finish!r} must be one key; using '#'")
            finish = "#"
        modes = a.words("input", ("dtmf",))
        if not modes or not modes <= {"dtmf", "speech"}:
            self.warn(12200, f"Gather: input={a.raw('input')!r} is not dtmf, speech or both")
            modes = frozenset({"dtmf"})
        partial_url = self.resolve(a.text("partialResultCallback"))
        partial = partials.sender(self, partial_url, a.method("partialResultCallbackMethod"))
        on_empty = a.bool("actionOnEmptyResult", False, None)
        items: list[Item] = []
        for child in node.children:
            if child.tag in ("Say", "Play", "Pause"):
                items += self.item(child, "Gather")
            else:
                self.warn(13320, f"Gather: Invalid nested verb <{child.tag}> at {child.where}")
        verb = GatherVerb(
            items,
            frozenset(modes),
            float(timeout),
            speech_timeout,
            num_digits,
            finish,
            a.bool("bargeIn", True, None),
            a.text("hints"),
            self.known_durations(),
            partial,
        )
        out = self.perform(verb)
        if out.kind == "hangup":
            return None
        extra: list[tuple[str, str]] = []
        if out.kind == "input" and out.mode == "speech" and out.text:
            extra = [("SpeechResult", out.text), ("Confidence", f"{out.confidence:.8g}")]
        elif out.kind == "input" and out.digits:
            extra = [("Digits", out.digits), ("FinishedOnKey", out.terminated_by or "")]
        elif not on_empty:
            return NEXT  # no input: Twilio goes on with the next verb
        method, action, extra = self.dialect.gather_request(self, a, extra, action, method)
        return self.fetch(method, action, extra, "gather")

    def _speech_timeout(self, a: Attrs) -> float | None:
        raw = a.raw("speechTimeout")
        if raw is None or raw == "":
            return None
        if raw == "auto":
            return 0.0
        value = a.int("speechTimeout", None, 13327, minimum=1)
        return float(value) if value is not None else None

    def v_record(self, node: Node) -> Any:
        a = self.attrs(node)
        action = self.resolve(a.text("action") or (self.doc.url if self.doc else None))
        method = a.method("method", 13610)
        timeout = a.int("timeout", 5, 13611) or 5
        max_length = a.int("maxLength", 3600, 13612, maximum=14400) or 3600
        finish = a.keys("finishOnKey", "1234567890*#", 13613)
        trim = a.choice("trim", ("trim-silence", "do-not-trim"), "trim-silence", None)
        transcribe_cb = a.text("transcribeCallback")
        transcribe = a.bool("transcribe", False, 13614) or bool(transcribe_cb)
        record = V.Record(
            beep=a.bool("playBeep", True, 13616),
            max_time=float(max_length),
            silence_timeout=float(timeout),
            timeout=float(timeout),
            terminator=None,
            transcribe=transcribe,
        )
        verb = RecordVerb(record, finish)
        out = self.perform(verb)
        rec = out.recording
        if rec is None:  # no audio: Twilio does not request the action; the next verb runs
            return None if out.kind == "hangup" else NEXT

        url = publish(self.account, rec)
        rec_params = recording_params(self.account, rec, url, trimmed=trim == "trim-silence")
        self._recording_callbacks(
            a, rec, url, rec_params, (transcribe_cb or "") if transcribe else None
        )
        extra = [(k, v) for k, v in rec_params if k in ("RecordingUrl", "RecordingDuration")]
        extra.append(("RecordingSid", rec.sid))
        if out.kind == "hangup":
            extra.append(("Digits", "hangup"))
            self.notify(method, action, extra, "record")
            return None
        if verb.key:
            extra.append(("Digits", verb.key))
        return self.fetch(method, action, extra, "record")

    def _recording_callbacks(
        self, a: Attrs, rec: Any, url: str, params: list, transcribe_cb: str | None
    ) -> None:
        callback = self.resolve(a.text("recordingStatusCallback"))
        events = a.words("recordingStatusCallbackEvent", ("completed",))
        if callback and "completed" in events:
            cb_method = a.method("recordingStatusCallbackMethod")
            call_sid = self.account.call_id(self.leg.sid)
            base = [("AccountSid", self.account.account_sid), ("CallSid", call_sid)]
            self.hooks.callback(cb_method, callback, base + params, sid=self.leg.sid, event="rec")
        if transcribe_cb is not None:  # later, once transcribed: after the action
            transcriptions.schedule(
                self, rec, url, (self.resolve(transcribe_cb) if transcribe_cb else None)
            )

    # -- control --------------------------------------------------------------------------------
    def v_redirect(self, node: Node) -> Any:
        a = self.attrs(node)
        method = a.method("method", 13710)
        if not node.text:
            self.warn(13710, f"<Redirect> at {node.where} has no URL; skipped")
            return NEXT
        return self.fetch(method, self.resolve(node.text), (), "redirect")

    def v_hangup(self, node: Node) -> Any:
        self.attrs(node)
        self.perform(V.Hangup())
        return None

    def v_reject(self, node: Node) -> Any:
        reason = self.attrs(node).choice("reason", ("rejected", "busy"), "rejected", None)
        if self.leg.answered:
            self.warn(None, f"<Reject> at {node.where} after the call was answered hangs up")
            self.perform(V.Hangup())
        else:
            self.perform(V.Reject(reason))
        return None

    def v_leave(self, node: Node) -> Any:
        member = self.queue_member
        if member is None or member.state != "waiting":
            self.warn(12200, f"<Leave> at {node.where} is only for a queue's wait music")
            return NEXT
        raise QueueExit("leave")

    def v_sms(self, node: Node) -> Any:
        a = self.attrs(node)
        if node.tag == "Message":
            self.warn(12200, "<Message> is Messaging TwiML; in a call Twilio's verb is <Sms>")
        leg = self.leg
        person, number = (leg.from_, leg.to) if leg.direction == "inbound" else (leg.to, leg.from_)
        body = node.text  # the text as written, line breaks kept (not collapsed like speech)
        if not body:
            self.warn(14103, f"<{node.tag}> at {node.where} has no body; nothing sent")
            return NEXT
        try:
            msg = self.carrier.send_message(
                body, to=a.text("to", person), from_=a.text("from", number), origin=leg.sid
            )
        except (NumberError, ConfigurationError) as exc:
            self.warn(14101, f"<{node.tag}>: {exc}")
            return NEXT
        callback = self.resolve(a.text("statusCallback"))
        if callback:
            self.account.watch_message(msg.sid, callback)
        action = self.resolve(a.text("action"))
        if not action:
            return NEXT
        extra = [("SmsSid", msg.sid), ("SmsStatus", msg.status)]
        return self.fetch(a.method("method", 14104), action, extra, "sms")


VERBS: dict[str, Callable[[Interpreter, Node], Any]] = {
    "Say": Interpreter.v_say,
    "Play": Interpreter.v_say,
    "Pause": Interpreter.v_pause,
    "Gather": Interpreter.v_gather,
    "Record": Interpreter.v_record,
    "Redirect": Interpreter.v_redirect,
    "Hangup": Interpreter.v_hangup,
    "Reject": Interpreter.v_reject,
    "Leave": Interpreter.v_leave,
    "Sms": Interpreter.v_sms,
    "Message": Interpreter.v_sms,
    "Dial": v_dial,
    "Enqueue": v_enqueue,
}
