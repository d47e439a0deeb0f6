"""The NCCO interpreter: a telenb flow that fetches an NCCO and runs it as Vonage does.

Actions run in order; when the last one is done the call ends.  The answer to an ``input``
or ``notify`` event that is an NCCO replaces the rest of the current one; an answer that is
not an array lets the current NCCO go on.  ``talk`` and ``stream`` with ``bargeIn`` become
the prompts of the ``input`` that must follow them, so a key or a word cuts them short.  An
answer webhook that fails (after the fallback answer URL, if any) or returns an invalid NCCO
ends the call as failed, and the reason goes to the event webhook as an error event.

The simulated verbs themselves (prompts that play while input is collected, records that stop
on a key set, dials and conferences) are the same operations TwiML apps use
(`telenb.providers.docverbs.prompts`); this module translates NCCO options onto them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ....errors import ConfigurationError
from ....flow import verbs as V
from ...docverbs.prompts import GatherVerb, Item, PlayVerb
from ..ncco.parse import Action, NccoError, parse_ncco
from .connect import connect, conversation
from .recording import finish_background, record
from .webhooks import WebhookFailure

INFINITE_LOOPS = 1000  # loop 0 plays "infinitely": until the caller hangs up
DTMF_TIMEOUT, DTMF_MAX_DIGITS = 3.0, 4  # NCCO reference, "DTMF Input Settings"
SPEECH_END_ON_SILENCE, SPEECH_START_TIMEOUT = 2.0, 10.0  # "Speech Recognition Settings"
WAIT_SECONDS = 10.0
MAX_NCCOS_AT_ONCE = 50  # NCCOs replaced without the call moving on: a notify loop
UNSUPPORTED = {
    "transfer": "it moves legs between conversations, which telenb's carrier does not model",
}


class NccoApp:
    """Where one number's NCCO comes from, and where its events go."""

    __name__ = "ncco"

    def __init__(
        self,
        vapp: Any,
        answer_url: str | None = None,
        *,
        answer_method: str = "GET",
        event_url: str | None = None,
        event_method: str = "POST",
        fallback_answer_url: str | None = None,
        ncco: list[Action] | None = None,
        name: str = "ncco",
    ):
        if answer_url is None and ncco is None:
            raise ConfigurationError("an NCCO app needs an answer_url or the NCCO itself")
        self.vapp, self.answer_url, self.ncco = vapp, answer_url, ncco
        self.answer_method, self.event_method = answer_method.upper(), event_method.upper()
        self.event_url, self.fallback_answer_url = event_url, fallback_answer_url
        self.__name__ = name

    def __call__(self, call: Any) -> None:
        Interpreter(self, call).run()

    def __repr__(self) -> str:
        return f"<NccoApp {self.answer_url or 'inline NCCO'} {self.answer_method}>"


class Interpreter:
    """Runs one call's NCCOs (created per call by `NccoApp`)."""

    def __init__(self, app: NccoApp, call: Any):
        self.app, self.vapp = app, app.vapp
        self.runner = call._host
        self.leg = self.runner.leg
        self.carrier = self.runner.carrier
        self.hooks = self.vapp.webhooks
        self.background: list[tuple[Action, float]] = []  # records running till the end
        self._instant, self._replaced = -1.0, 0

    # -- helpers --------------------------------------------------------------------------------
    @property
    def over(self) -> bool:
        return self.leg.ended

    def perform(self, verb: Any) -> Any:
        return self.runner.perform(verb)

    def warn(self, message: str) -> None:
        self.hooks.warn(self.leg.sid, message)

    def fields(self) -> dict[str, Any]:
        return self.vapp.leg_fields(self.leg)

    def event_target(self, action: Action) -> tuple[str | None, str]:
        urls = action.get("eventUrl")
        url = urls[0] if urls else self.app.event_url
        return url, (action.get("eventMethod") or "POST").upper()

    def error(self, reason: str) -> None:
        """Vonage's error event: the reason goes to the event webhook and the trace."""
        self.leg.trace("error", error="NCCO", message=reason)
        if self.app.event_url:
            payload = {
                "reason": reason,
                "conversation_uuid": self.vapp.conversation_uuid(self.leg),
                "timestamp": self.vapp.timestamp(),
            }
            self.hooks.callback(
                self.app.event_method, self.app.event_url, payload, sid=self.leg.sid, event="error"
            )

    def ask(self, method: str, url: str | None, payload: dict, purpose: str) -> list | None:
        """Send an event whose answer may be an NCCO; the replacement NCCO, or None."""
        if url is None:
            self.warn(f"no eventUrl and no event_url for the {purpose} event; nothing sent")
            return None
        sid = self.leg.sid
        try:
            return self.hooks.fetch_ncco(
                method, url, payload, sid=sid, purpose=purpose, required=False
            )
        except NccoError as exc:
            self.error(str(exc))
            return None
        except WebhookFailure as exc:
            fallback = self.app.fallback_answer_url
            if fallback:
                payload = payload | {
                    "reason": exc.detail,
                    "original_request": {"url": url, "type": "event"},
                }
                try:
                    return self.hooks.fetch_ncco(
                        self.app.answer_method, fallback, payload, sid=sid, purpose="fallback",
                        required=False,
                    )  # fmt: skip
                except (NccoError, WebhookFailure) as exc2:
                    self.error(f"fallback_answer_url failed: {exc2}")
                    return None
            self.warn(f"the {purpose} event failed: {exc.detail}; the NCCO goes on")
            return None

    # -- running ----------------------------------------------------------------------------------
    def run(self) -> None:
        self.vapp.watch(self.leg, self.app.event_url, self.app.event_method)
        actions = self.answer()
        if actions is None:
            if not self.over:
                self.leg.hangup("network", "no NCCO to run", "failed")
            return
        if not self.over:
            self.leg.answer()
        try:
            self.execute(actions)
        finally:
            self.finish_background()
        if not self.over:
            self.perform(V.Hangup())

    def answer(self) -> list[Action] | None:
        """The first NCCO: from the answer_url, else the fallback_answer_url (which also gets
        ``reason`` and ``original_request``, as the webhook reference shows)."""
        app = self.app
        if app.ncco is not None:
            return app.ncco
        payload, sid = self.fields(), self.leg.sid
        try:
            return self.hooks.fetch_ncco(
                app.answer_method, app.answer_url, payload, sid=sid, purpose="answer"
            )
        except NccoError as exc:
            self.error(str(exc))
            return None
        except WebhookFailure as exc:
            failure = exc
        if app.fallback_answer_url:
            payload |= {
                "reason": failure.detail,
                "original_request": {"url": app.answer_url, "type": "answer"},
            }
            try:
                return self.hooks.fetch_ncco(
                    app.answer_method, app.fallback_answer_url, payload, sid=sid,
                    purpose="fallback",
                )  # fmt: skip
            except (NccoError, WebhookFailure) as exc:
                self.error(f"answer_url failed ({failure.detail}), and then the "
                           f"fallback_answer_url: {exc}")  # fmt: skip
                return None
        self.error(f"answer_url failed: {failure.detail}")
        return None

    def execute(self, actions: list[Action]) -> None:
        i = 0
        while i < len(actions) and not self.over:
            action = actions[i]
            for name in action.unknown:
                self.warn(
                    f"[{action.index}].{name}: telenb does not know this {action.name} "
                    "option; ignored"
                )
            if action.name in ("talk", "stream") and action.get("bargeIn") is True:
                j = next(k for k in range(i, len(actions)) if actions[k].name == "input")
                prompts = [item for a in actions[i:j] for item in self.items(a)]
                replacement = self.v_input(actions[j], prompts)
                i = j
            else:
                handler = HANDLERS.get(action.name)
                if handler is None:
                    self.warn(
                        f"telenb does not simulate the {action.name} action "
                        f"({UNSUPPORTED.get(action.name, 'not modelled')}); skipped"
                    )
                    replacement = None
                else:
                    replacement = handler(self, action)
            if replacement is not None:
                if self.looping():
                    return
                actions, i = replacement, 0
                continue
            i += 1

    def looping(self) -> bool:
        now = self.carrier.clock.now
        self._replaced = self._replaced + 1 if now == self._instant else 1
        self._instant = now
        if self._replaced > MAX_NCCOS_AT_ONCE:
            self.error(
                f"{self._replaced - 1} NCCOs replaced one another without the call "
                "moving on in time: a loop (telenb stops it)"
            )
            return True
        return False

    # -- talk, stream, wait ---------------------------------------------------------------------
    def items(self, action: Action) -> list[Item]:
        loop = action.get("loop", 1)
        loop = INFINITE_LOOPS if loop == 0 else int(loop)
        if action.name == "talk":
            return [Item("say", action.get("text"), None, action.get("language"), loop)]
        return [Item("play", action.get("streamUrl")[0], loop=loop)]

    def v_play(self, action: Action) -> None:
        self.perform(PlayVerb(self.items(action)))

    def v_wait(self, action: Action) -> None:
        seconds = float(action.get("timeout", WAIT_SECONDS))
        self.perform(PlayVerb([Item("pause", seconds=seconds)]))

    # -- input ----------------------------------------------------------------------------------
    def v_input(self, action: Action, prompts: list[Item] | None = None) -> list | None:
        types = frozenset(action.get("type"))
        dtmf = action.get("dtmf") or {}
        speech = action.get("speech") or {}
        if action.get("mode") == "asynchronous":
            self.warn(f"[{action.index}]: telenb collects asynchronous input as synchronous")
        if speech.get("uuid") or speech.get("saveAudio"):
            self.warn(f"[{action.index}].speech: telenb ignores uuid and saveAudio")
        max_digits = int(dtmf.get("maxDigits", DTMF_MAX_DIGITS))
        on_hash = dtmf.get("submitOnHash") is True
        if "dtmf" in types:
            timeout = float(dtmf.get("timeOut", DTMF_TIMEOUT))
        else:
            timeout = float(speech.get("startTimeout", SPEECH_START_TIMEOUT))
        verb = GatherVerb(
            list(prompts or []),
            types,
            timeout,
            float(speech.get("endOnSilence", SPEECH_END_ON_SILENCE)),
            max_digits if "dtmf" in types else None,
            "#" if on_hash else "",
            True,
            ", ".join(speech.get("context") or []) or None,
        )
        out = self.perform(verb)
        if out.kind == "hangup" or self.over:
            return None
        payload = self.fields()
        payload.update(input_result(out, types, max_digits), timestamp=self.vapp.timestamp())
        url, method = self.event_target(action)
        return self.ask(method, url, payload, "input")

    # -- notify ---------------------------------------------------------------------------------
    def v_notify(self, action: Action) -> list | None:
        url, method = self.event_target(action)
        return self.ask(method, url, dict(action.get("payload")), "notify")

    # -- record ---------------------------------------------------------------------------------
    def v_record(self, action: Action) -> None:

        return record(self, action)

    def finish_background(self) -> None:

        finish_background(self)

    # -- connect and conversation ---------------------------------------------------------------
    def v_connect(self, action: Action) -> list | None:

        return connect(self, action)

    def v_conversation(self, action: Action) -> None:

        return conversation(self, action)


def input_result(out: Any, types: frozenset[str], max_digits: int) -> dict[str, Any]:
    """The ``dtmf`` and ``speech`` objects of an input event (NCCO reference, "Input")."""
    dtmf: dict[str, Any] = {"digits": None, "timed_out": False}
    speech: dict[str, Any] = {"results": []}
    if out.kind == "input" and out.mode == "dtmf":
        finished = out.terminated_by == "#" or len(out.digits) >= max_digits
        dtmf = {"digits": out.digits, "timed_out": not finished}
    elif out.kind == "input" and out.mode == "speech":
        speech = {"timeout_reason": "end_on_silence_timeout", "results": []}
        if out.text:
            speech["results"] = [{"confidence": f"{out.confidence:.8g}", "text": out.text}]
    elif out.kind == "error":
        speech = {"results": [], "error": out.text}
    else:  # nothing came
        if "dtmf" in types:
            dtmf = {"digits": "", "timed_out": True}
        if "speech" in types:
            speech = {"timeout_reason": "start_timeout", "results": []}
    return {"dtmf": dtmf, "speech": speech}


HANDLERS: dict[str, Callable[[Interpreter, Any], Any]] = {
    "talk": Interpreter.v_play,
    "stream": Interpreter.v_play,
    "wait": Interpreter.v_wait,
    "input": Interpreter.v_input,
    "notify": Interpreter.v_notify,
    "record": Interpreter.v_record,
    "connect": Interpreter.v_connect,
    "conversation": Interpreter.v_conversation,
}

__all__ = ["Interpreter", "NccoApp", "input_result", "parse_ncco"]
