"""The jambonz interpreter: fetch the application from the call_hook and run its verbs.

Verbs run in order; when the last is done the call ends.  Verbs in the answer to an
actionHook (gather, dial) or a redirect replace the rest of the application; an empty
answer lets it go on.  A call_hook that fails or returns an invalid application rejects
the call (SIP 480, status failed) with jambonz's reason; an actionHook answer with invalid
verbs is reported to the call_status_hook (``error``: "invalid actionHook response") and
the application goes on.  Each verb with real logic lives in its own module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ....flow import verbs as V
from ...docverbs.conference import ConferenceVerb
from ..application import WEBHOOK_ERROR_SIP
from ..verbs.parse import JambonzError, Verb
from .dial import dial
from .gather import gather
from .prompts import pause, say_or_play
from .queues import dequeue, enqueue
from .webhooks import WebhookFailure

MAX_APPS_AT_ONCE = 50  # applications replaced without time passing: a redirect loop


class JambonzApp:
    """Where one number's application comes from, and where its status hooks go."""

    __name__ = "jambonz"

    def __init__(
        self, japp: Any, call_hook: Any = None, *, status_hook: Any = None,
        verbs: list[Verb] | None = None, base: str | None = None, name: str = "jambonz",
    ):  # fmt: skip
        self.japp, self.call_hook, self.status_hook = japp, call_hook, status_hook
        self.verbs, self.base, self.__name__ = verbs, base, name

    def __call__(self, call: Any) -> None:
        Interpreter(self, call).run()


class Interpreter:
    def __init__(self, app: JambonzApp, call: Any):
        self.app, self.japp = app, app.japp
        self.runner = call._host
        self.leg = self.runner.leg
        self.carrier = self.runner.carrier
        self.hooks = self.japp.webhooks
        self.synthesizer: dict[str, Any] = {}
        self.recognizer: dict[str, Any] = {}
        self._instant, self._replaced = -1.0, 0
        self.early_media = False  # 183 Session Progress sent (say/play earlyMedia)

    @property
    def over(self) -> bool:
        return bool(self.leg.ended)

    def perform(self, verb: Any) -> Any:
        return self.runner.perform(verb)

    def warn(self, message: str) -> None:
        self.hooks.warn(self.leg.sid, message)

    def info(self) -> dict[str, Any]:
        return dict(self.japp.call_info(self.leg))

    def alert(self, message: str) -> None:
        self.leg.trace("error", error="INVALID_APP_PAYLOAD", message=message)

    def ask(self, hook: Any, payload: dict[str, Any], purpose: str) -> list[Verb] | None:
        try:
            return self.hooks.fetch_verbs(
                hook, payload, sid=self.leg.sid, base=self.app.base, purpose=purpose
            )
        except (JambonzError, WebhookFailure) as exc:
            reason = exc.detail if isinstance(exc, WebhookFailure) else str(exc)
            self.alert(f"actionHook returned invalid verb syntax: {reason}")
            if self.app.status_hook:
                status = self.info() | {"error": "invalid actionHook response", "reason": reason}
                self.hooks.notify(self.app.status_hook, status, sid=self.leg.sid,
                                  base=self.app.base, purpose="call_status:error")  # fmt: skip
            return None

    def run(self) -> None:
        if not self.japp.watching(self.leg):
            self.japp.watch(self.leg, self.app.status_hook, self.app.base)
        verbs = self.app.verbs
        if verbs is None:
            try:
                verbs = self.hooks.fetch_verbs(
                    self.app.call_hook, self.info() | {"call_status": "trying"},
                    sid=self.leg.sid, base=self.app.base, purpose="call_hook", required=True,
                )  # fmt: skip
            except (JambonzError, WebhookFailure) as exc:
                reason = exc.detail if isinstance(exc, WebhookFailure) else str(exc)
                self.alert(reason)
                self.japp.set_sip(self.leg, *WEBHOOK_ERROR_SIP)
                self.leg.hangup("network", reason, "failed")
                return
        self.execute(verbs or [])
        if not self.over:
            self.end()

    def end(self) -> None:
        """Hang up; a call that only had early media ends without being answered (hangup
        needs an answered call, the feature server's StableCall precondition)."""
        if self.early_media and not self.leg.answered:
            self.leg.hangup("flow", "the application ended after early media only", "failed")
            return
        self.perform(V.Hangup())

    def execute(self, verbs: list[Verb]) -> None:
        i = 0
        while i < len(verbs) and not self.over:
            verb = verbs[i]
            handler = HANDLERS.get(verb.name) if verb.simulated else None
            if handler is None:
                self.warn(f"[{verb.index}]: telenb does not simulate the {verb.name} verb; skipped")
                replacement = None
            else:
                replacement = handler(self, verb)
            if replacement is not None:
                if self.looping():
                    return
                verbs, i = replacement, 0
                continue
            i += 1

    def looping(self) -> bool:
        now = self.carrier.clock.now
        self._replaced = self._replaced + 1 if now == self._instant else 1
        self._instant = now
        if self._replaced > MAX_APPS_AT_ONCE:
            self.alert(f"{self._replaced - 1} applications replaced one another at one instant: "
                       "a redirect loop (telenb stops it)")  # fmt: skip
            return True
        return False

    # -- verbs without a module of their own ----------------------------------------------------
    def v_hangup(self, verb: Verb) -> None:
        if verb.get("headers"):
            self.leg.trace("sip", method="BYE", headers=verb.get("headers"))
        self.end()

    def v_redirect(self, verb: Verb) -> list[Verb] | None:
        verbs = self.ask(verb.get("actionHook"), self.info(), "actionHook:redirect")
        return verbs if verbs is not None else []

    def v_tag(self, verb: Verb) -> None:
        self.japp.tags[self.japp.call_sid(self.leg)] = dict(verb.get("data"))

    def v_config(self, verb: Verb) -> None:
        self.synthesizer |= verb.get("synthesizer") or {}
        self.recognizer |= verb.get("recognizer") or {}
        for key in ("bargeIn", "record", "listen"):
            if verb.get(key) is not None:
                self.warn(f"[{verb.index}].{key}: telenb does not simulate it; ignored")
        if verb.get("amd"):
            self.config_amd(verb.get("amd"))

    def config_amd(self, opts: dict[str, Any]) -> None:
        """config.amd: detect who answered this call; verbs from its hook take it over."""
        from .amd import Detector

        detector = Detector(self, opts)
        leg, app = self.leg, self.app

        def take_over(verbs: list[Verb]) -> None:
            new = JambonzApp(self.japp, verbs=verbs, status_hook=app.status_hook, base=app.base)
            self.carrier.redirect_call(leg, new, name="jambonz:amd")

        detector.on_verbs = take_over
        if leg.answered:
            detector.start(leg)
        else:
            detector.placed = [leg]
            self.carrier.status_listeners.append(detector.on_status)


def _conference(interp: Interpreter, verb: Verb) -> list[Verb] | None:
    conf = V.Conference(verb.get("name"), verb.get("joinMuted") is True, False, None,
                        verb.get("beep") is True)  # fmt: skip
    max_parts = int(verb.get("maxParticipants", 250))
    interp.perform(ConferenceVerb(conf, verb.get("endConferenceOnExit") is True, max_parts))
    hook = verb.get("actionHook")
    return (
        interp.ask(hook, interp.info(), "actionHook:conference")
        if hook and not interp.over
        else None
    )


HANDLERS: dict[str, Callable[[Interpreter, Verb], Any]] = {
    "say": say_or_play,
    "play": say_or_play,
    "pause": pause,
    "gather": gather,
    "dial": dial,
    "conference": _conference,
    "enqueue": enqueue,
    "dequeue": dequeue,
    "hangup": Interpreter.v_hangup,
    "redirect": Interpreter.v_redirect,
    "tag": Interpreter.v_tag,
    "config": Interpreter.v_config,
}
