"""The Plivo XML interpreter: fetch the answer_url's XML and run its verbs as Plivo does.

Verbs run in order; when the last is done the call hangs up.  ``GetDigits``/``GetInput``
with input post it to their ``action`` and the XML that comes back replaces the document;
without input the next verb runs.  ``Redirect`` fetches a new document.  An answer_url that
fails or answers invalid XML ends the call (hangup cause in the hangup_url event).  The
simulated verbs are the vendor-neutral operations every front door uses (prompts that play
while input is collected, records, dials, conferences).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from ....errors import MessageError
from ....flow import verbs as V
from ...docverbs.conference import ConferenceVerb
from ...docverbs.dial import DialVerb
from ...docverbs.prompts import GatherVerb, Item, PlayVerb, RecordVerb
from ..application import STATUS, PlivoApplication, WebhookFailure
from ..messaging import e164, send_sms
from ..xml.parse import Element, PlivoXmlError, parse_xml
from .dtmf import VALID, DtmfVerb

MAX_DOCUMENTS = 50  # documents fetched without the call moving on in time: a loop


class PlivoXmlApp:
    """Where one number's Plivo XML comes from, and where its hangup event goes."""

    def __init__(
        self,
        papp: PlivoApplication,
        answer_url: str,
        *,
        answer_method: str = "POST",
        hangup_url: str | None = None,
        hangup_method: str = "POST",
        name: str = "plivo",
    ):
        self.papp, self.answer_url, self.answer_method = papp, answer_url, answer_method.upper()
        self.hangup_url, self.hangup_method = hangup_url, hangup_method.upper()
        self.__name__ = name

    def __call__(self, call: Any) -> None:
        Interpreter(self, call).run()


class Interpreter:
    def __init__(self, app: PlivoXmlApp, call: Any):
        self.app, self.papp = app, app.papp
        self.runner = call._host
        self.leg = self.runner.leg
        self.carrier = self.runner.carrier
        self._fetched: list[float] = []

    @property
    def over(self) -> bool:
        return self.leg.ended

    def warn(self, message: str) -> None:
        self.leg.trace("warning", code=None, message=message)

    def fetch(
        self, method: str, url: str, extra: dict[str, str], purpose: str
    ) -> list[Element] | None:
        """The XML a webhook answers with; None (call over) on any failure."""
        now = self.carrier.clock.now
        self._fetched = [t for t in self._fetched if t == now] + [now]
        if len(self._fetched) > MAX_DOCUMENTS:
            self.leg.trace(
                "error",
                error="XML",
                message="documents replace one another without "
                "the call moving on in time: a loop (telenb stops it)",
            )
            return None
        params = self.papp.leg_fields(self.leg) | extra
        try:
            response = self.papp.send(method, url, params, sid=self.leg.sid, purpose=purpose)
            if not 200 <= response.status < 300:
                raise WebhookFailure(f"the app answered HTTP {response.status}", url)
            verbs = parse_xml(response.body)
        except (WebhookFailure, PlivoXmlError) as exc:
            self.leg.trace("error", error="XML", message=f"{purpose} failed: {exc}")
            return None
        self.leg.trace("plivoxml", url=url, xml=response.text[:4000])
        return verbs

    def run(self) -> None:
        if self.app.hangup_url:
            self.papp.hangup_urls[self.leg.sid] = (self.app.hangup_url, self.app.hangup_method)
        verbs = self.fetch(
            self.app.answer_method, self.app.answer_url, {"Event": "StartApp"}, "answer"
        )
        if verbs is None:
            if not self.over:
                self.leg.hangup("network", "no Plivo XML to run", "failed")
            return
        self.base = self.app.answer_url
        while verbs is not None and not self.over:
            verbs = self.execute(verbs)
        if not self.over:
            self.runner.perform(V.Hangup())

    def execute(self, verbs: list[Element]) -> list[Element] | None:
        for i, verb in enumerate(verbs):
            if self.over:
                return None
            if i == 0 and verb.tag == "Wait" and not self.leg.answered:
                # a first <Wait> waits before Plivo picks up the call
                self.runner.perform(PlayVerb(self.items(verb), answer=False))
                continue
            if (
                verb.tag not in ("PreAnswer", "Message", "Hangup", "Redirect")
                and not self.leg.answered
            ):
                self.leg.answer()
            replacement = getattr(self, "v_" + verb.tag.lower())(verb)
            if replacement is not None:
                return replacement
        return None

    def target(self, verb: Element) -> tuple[str | None, str]:
        action = verb.get("action")
        return (urljoin(self.base, action) if action else None), (
            verb.get("method") or "POST"
        ).upper()

    # -- prompts ----------------------------------------------------------------------------
    def items(self, verb: Element) -> list[Item]:
        loop = int(verb.number("loop", 1)) or 1000  # loop 0: until the caller hangs up
        if verb.tag == "Speak":
            return [Item("say", verb.text, verb.get("voice"), verb.get("language"), loop)]
        if verb.tag == "Play":
            return [Item("play", verb.text, loop=loop)]
        return [Item("pause", seconds=verb.number("length", 1))]

    def v_speak(self, verb: Element) -> None:
        self.runner.perform(PlayVerb(self.items(verb)))

    v_play = v_wait = v_speak

    def v_preanswer(self, verb: Element) -> None:
        """Early media: the nested Speak/Play/Wait play while the call still rings (nothing
        is billed until the first verb after it answers)."""
        if self.leg.answered:
            self.warn("<PreAnswer> after the call was answered: its verbs play as usual")
        self.leg.trace("preanswer", verbs=len(verb.children))
        for child in verb.children:
            if self.over:
                return
            self.runner.perform(PlayVerb(self.items(child), answer=False))

    def v_dtmf(self, verb: Element) -> None:
        digits = verb.text.strip()
        if not digits or set(digits) - VALID:
            self.warn(f"<DTMF>{digits}</DTMF>: only 0-9, *, #, w and W are sent; skipped")
            return
        self.runner.perform(DtmfVerb(digits, wait_all=not verb.flag("async", True)))

    # -- input ------------------------------------------------------------------------------
    def _collect(
        self, verb: Element, modes: frozenset[str], timeout: float, num_digits: int
    ) -> Any:
        prompts = [item for child in verb.children for item in self.items(child)]
        gather = GatherVerb(
            prompts,
            modes,
            timeout,
            verb.number("speechEndTimeout", 2.0) if "speech" in modes else None,
            num_digits if "dtmf" in modes else None,
            verb.get("finishOnKey", "#") or "",
            True,
            verb.get("hints"),
        )
        return self.runner.perform(gather)

    def v_getdigits(self, verb: Element) -> list[Element] | None:
        out = self._collect(
            verb, frozenset({"dtmf"}), verb.number("timeout", 5), int(verb.number("numDigits", 99))
        )
        if self.over or out.kind != "input" or not out.digits:
            return None  # no input: the next verb runs
        url, method = self.target(verb)
        if url is None:
            return None
        # redirect="false": the action is only requested and the next element runs
        return self.report(verb, method, url, {"Digits": out.digits}, "GetDigits")

    def v_getinput(self, verb: Element) -> list[Element] | None:
        modes = frozenset((verb.get("inputType") or "dtmf").split())
        timeout = (
            verb.number("executionTimeout", 15)
            if "speech" in modes
            else verb.number("digitEndTimeout", 5)
        )
        out = self._collect(verb, modes, timeout, int(verb.number("numDigits", 32)))
        if self.over or out.kind != "input":
            return None
        url, method = self.target(verb)
        if url is None:
            return None
        if out.mode == "dtmf":
            extra = {"InputType": "dtmf", "Digits": out.digits}
        else:
            extra = {
                "InputType": "speech",
                "Speech": out.text or "",
                "SpeechConfidenceScore": f"{out.confidence:.2f}",
            }
        return self.report(verb, method, url, extra, "GetInput")

    # -- record -----------------------------------------------------------------------------
    def v_record(self, verb: Element) -> list[Element] | None:
        max_length = verb.number("maxLength", 60)
        silence = verb.number("timeout", 15)
        rec = V.Record(
            None, verb.flag("playBeep", True), max_length, silence, silence, None, None, "audio/wav"
        )
        out = self.runner.perform(RecordVerb(rec, verb.get("finishOnKey", "1234567890*#") or ""))
        url, method = self.target(verb)
        if out.recording is None or url is None:
            return None
        r = out.recording
        rec_id = self.papp.uuid(self.leg) + "-" + r.sid[-8:].lower()
        fmt = verb.get("fileFormat", "mp3")
        extra = {
            "RecordUrl": f"https://media.plivo.com/v1/Account/{self.papp.auth_id}/Recording/{rec_id}.{fmt}",
            "RecordingID": rec_id,
            "RecordingDuration": str(round(r.duration)),
            "RecordingDurationMs": str(round(r.duration * 1000)),
            "RecordingStartMs": str(round(r.started_at * 1000)),
            "RecordingEndMs": str(round((r.started_at + r.duration) * 1000)),
        }
        r.meta["plivo"] = extra
        return self.report(verb, method, url, extra, "Record")

    def report(self, verb: Element, method: str, url: str, extra: dict[str, str], purpose: str
               ) -> list[Element] | None:  # fmt: skip
        """Post a verb's result to its action: redirect="false" only notifies, and the
        document goes on; otherwise the answer replaces it."""
        if verb.flag("redirect", True):
            return self.fetch(method, url, extra, purpose)
        fields = self.papp.leg_fields(self.leg) | extra
        self.papp.send(method, url, fields, sid=self.leg.sid, purpose=purpose)
        return None

    # -- dial, conference -------------------------------------------------------------------
    def v_dial(self, verb: Element) -> list[Element] | None:
        addresses = []
        for noun in verb.children:
            raw = noun.text if noun.tag == "User" else "+" + noun.text.lstrip("+")
            addresses.append(self.carrier.normalize(raw))
        given = verb.get("callerId")
        caller_id = "+" + given.lstrip("+") if given else self.leg.to
        transfer = V.Transfer(tuple(addresses), caller_id, verb.number("timeout", 60))
        dial = DialVerb(transfer, False, verb.number("timeLimit", 14400))
        out = self.runner.perform(dial)
        url, method = self.target(verb)
        if url is None or self.over:
            return None
        child = dial.placed[0] if dial.placed else None
        status = (
            "completed" if out.sid else STATUS.get(getattr(child, "status", "") or "", "failed")
        )
        extra = {
            "DialStatus": status,
            "DialALegUUID": self.papp.uuid(self.leg),
            "DialAction": "hangup",
            "DialBLegUUID": self.papp.uuid(child) if child is not None else "",
        }
        return self.report(verb, method, url, extra, "Dial")

    def v_conference(self, verb: Element) -> None:
        conf = V.Conference(verb.text, verb.flag("muted", False), False, None, False)
        self.runner.perform(
            ConferenceVerb(
                conf, verb.flag("endConferenceOnExit", False), int(verb.number("maxMembers", 20))
            )
        )

    # -- flow -------------------------------------------------------------------------------
    def v_redirect(self, verb: Element) -> list[Element] | None:
        url = urljoin(self.base, verb.text)
        self.base = url
        return self.fetch((verb.get("method") or "POST").upper(), url, {}, "Redirect")

    def v_hangup(self, verb: Element) -> None:
        """Ends the call; before it is answered (after <PreAnswer>, say) it is never
        answered: reason="busy" ends it busy, "rejected" failed (CALL_REJECTED)."""
        schedule = verb.number("schedule", 0)
        if schedule:
            self.runner.perform(PlayVerb([Item("pause", seconds=schedule)], answer=False))
        if self.over:
            return
        if not self.leg.answered:
            reason = verb.get("reason")
            status = {"busy": "busy", "rejected": "failed"}.get(reason or "", "completed")
            self.leg.hangup("flow", f"<Hangup reason={reason!r}>" if reason else None, status)
            return
        self.runner.perform(V.Hangup())

    def v_message(self, verb: Element) -> None:
        """An SMS from `src` to `dst` (several with '<'); `callbackUrl` hears its delivery
        reports with `callbackMethod`."""
        src, dst, kind = verb.get("src"), verb.get("dst"), verb.get("type") or "sms"
        if not src or not dst or not verb.text or kind != "sms":
            self.warn(f"<Message src={src!r} dst={dst!r} type={kind!r}> needs src, dst, "
                      "text and type sms: nothing sent")  # fmt: skip
            return
        if e164(src) not in self.papp.numbers:
            self.warn(f"<Message src={src!r}>: not a Plivo number of this account, nothing sent")
            return
        callback = verb.get("callbackUrl")
        try:
            send_sms(
                self.papp, verb.text, src, dst, url=urljoin(self.base, callback) if callback
                else None, method=verb.get("callbackMethod") or "POST", call_sid=self.leg.sid,
            )  # fmt: skip
        except MessageError as exc:
            self.warn(f"<Message> not sent: {exc}")
