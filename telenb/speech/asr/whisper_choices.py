"""Scoring a grammar's phrases against the audio with Whisper's own likelihood (issue 18 §2).

Whisper decodes freely, and mapping its text onto the nearest choice accepted every rhyme
("bread" became red).  Instead each phrase is scored as Whisper would write it: the log
probability of its tokens, then the end of the text (or "." and the end), given the audio
and the prompt that names the choices.  The free decoding under the same prompt, and the
words it heard spelled as a phrase ("BREAD" scored as " Bread"), are the competitors: the
answer's confidence is the posterior of the best phrase among the phrases and the free text,

    P(best) / (sum over phrases P(phrase) + P(free text, when it is not a phrase)),

so ``min_confidence=0.3`` accepts a phrase at least 0.43 times as likely as what Whisper
heard by itself (a posterior of 30 %, as Tropo's minConfidence; pocketsphinx's confidence
is a word posterior too).

Measured (bench/speech.py, nine voices through G.711): with the prompt, 97 % of choices
accepted, 68 % of rhymes and 100 % of other words rejected; scored without the prompt
the rhymes reach 85 % but choices fall to 69 % (espeak's "green" is heard as "breathe"),
so the prompt stays.

Cost: the free decoding's first step already gives every phrase's first token; a phrase
the free decoding wrote is scored from its own steps, and only the others whose first
token is within `PRUNE` nats of the free text are decoded further, as forced prefixes in
one batched `generate` (CTranslate2 returns the distribution at every forced position with
``return_logits_vocab``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

PRUNE = 4.0  # nats: a phrase this much less likely than the free text has posterior < 2 %


@dataclass(frozen=True)
class Scored:
    phrase: str | None  # the best phrase, None when no phrase was scored
    posterior: float  # of `phrase` among the phrases and the free text
    free_text: str
    free_is_phrase: bool


def log_softmax(logits: object) -> np.ndarray:
    x = np.asarray(logits, dtype=np.float64)
    m = float(x.max())
    return x - (m + math.log(float(np.exp(x - m).sum())))


def sequence_logprob(steps: list, tokens: list[int], eot: int) -> float:
    """log P(tokens, end of text) from the per-step logits of a decoding of `tokens`."""
    if len(steps) <= len(tokens):
        return -math.inf  # the decoder stopped early (should not happen)
    total = 0.0
    for k, t in enumerate(tokens):
        total += float(log_softmax(steps[k])[t])
    return total + float(log_softmax(steps[len(tokens)])[eot])


def spellings(phrase: str, first_step: np.ndarray, encode) -> list[int]:
    """The way of writing `phrase` Whisper prefers at the first step ("Red" or " red")."""
    forms = [encode(" " + phrase), encode(" " + phrase.capitalize())]
    return max(forms, key=lambda f: first_step[f[0]] if f else -math.inf)


def posterior(best: float, phrases: list[float], free: float | None) -> float:
    scores = [*phrases, *([free] if free is not None else [])]
    m = max(scores)
    return math.exp(best - m) / sum(math.exp(s - m) for s in scores)
