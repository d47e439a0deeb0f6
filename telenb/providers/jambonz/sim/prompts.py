"""say, play and pause: what the caller hears.

``text`` (or ``url``) may be an array: say picks one (deterministically here, from the call),
play plays them in turn.  ``loop`` repeats, "forever" until the caller hangs up.  The voice
is the verb's ``synthesizer.voice``, else the one a ``config`` verb set.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from ...docverbs.prompts import Item, PlayVerb
from ..verbs.parse import Verb

if TYPE_CHECKING:
    from ..verbs.parse import Verb
    from .interpreter import Interpreter

FOREVER = 1000


def loops(verb: Verb) -> int:
    loop = verb.get("loop", 1)
    return FOREVER if loop in ("forever", 0) else max(1, int(loop))


def items(interp: Interpreter, verb: Verb) -> list[Item]:
    if verb.name == "say":
        text = verb.get("text")
        if isinstance(text, list):
            text = random.Random(f"say:{interp.leg.sid}:{verb.index}").choice(text)
        synth = {**interp.synthesizer, **(verb.get("synthesizer") or {})}
        voice = synth.get("voice") if isinstance(synth.get("voice"), str) else None
        return [Item("say", text, voice, synth.get("language"), loops(verb))]
    urls = verb.get("url")
    urls = urls if isinstance(urls, list) else [urls]
    return [Item("play", u) for u in urls] * loops(verb)


def say_or_play(interp: Interpreter, verb: Verb) -> None:
    """``earlyMedia`` on a call not yet answered plays without answering it: the caller
    gets 183 Session Progress with the media (the feature server's endpoint precondition),
    and the call is answered by the first verb that needs an answered call."""
    early = verb.get("earlyMedia") is True and not interp.leg.answered
    if early and not interp.early_media:
        interp.early_media = True
        interp.leg.trace("sip", status=183, reason="Session Progress", why="earlyMedia")
    interp.perform(PlayVerb(items(interp, verb), answer=not early))


def pause(interp: Interpreter, verb: Verb) -> None:
    interp.perform(PlayVerb([Item("pause", seconds=float(verb.get("length")))]))


def prompt_items(interp: Interpreter, nested: Any, kind: str) -> list[Item]:

    return items(interp, Verb(kind, nested, -1)) if nested else []
