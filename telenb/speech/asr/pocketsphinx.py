"""CMU pocketsphinx (the light recogniser: `--asr pocketsphinx`): US English, JSGF grammars.

The bundled model is wideband (16 kHz), so line audio is upsampled by the front end.
Narrowband speech loses the energy of /s/, /z/ and /f/ above 4 kHz, which made "six" sound
like "eight" and "four" like "oh"; a few pronunciation variants without the fricatives fix
most of that (FSDD: 27 "four"s heard as "oh" became 0, +0.5 % accuracy).

Confidence is the lowest word posterior of the best path.  A JSGF grammar makes pocketsphinx
pick the closest phrase whatever was said, so this engine does not reject out-of-grammar
speech.  Garbage paths were measured and not shipped: a phone loop cost ~4 s per answer,
and 100 common English words beside the choices also swallowed 40 % of real spoken digits
(vosk's ``[unk]`` and Whisper's free decoding reject well; see bench/speech.py).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

import numpy as np

from ...audio import Audio
from ...errors import SpeechError
from .. import grammars as G
from ..frontend import FrontEnd, to_pcm16
from ..types import Recognition, Word

INSTALL_HINT = "pip install pocketsphinx  (bundles the US English model)"
NARROWBAND_VARIANTS = {"six": ["IH K S", "S IH K", "IH K"], "four": ["AO R", "P AO R"]}
FRAME_RATE = 100  # pocketsphinx frames per second
_FILLERS = {"<s>", "</s>", "<sil>", "[NOISE]", "++NOISE++", "++BREATH++"}


class PocketsphinxRecognizer:
    name = "pocketsphinx"
    rate = 16000
    # tuned on FSDD: a slightly lower level and longer edge fades than the default
    frontend = FrontEnd(rate=16000, level_db=-25.0, fade=0.15)
    fuzzy = False
    language = "en-US"

    def __init__(self) -> None:
        try:
            import pocketsphinx
        except ImportError as exc:
            raise SpeechError(f"pocketsphinx is not installed: {INSTALL_HINT}") from exc

        t = time.perf_counter()
        self._ps = pocketsphinx
        self._dec = pocketsphinx.Decoder(loglevel="FATAL", samprate=self.rate)
        for word, prons in NARROWBAND_VARIANTS.items():
            for i, pron in enumerate(prons):
                self._dec.add_word(f"{word}({i + 10})", pron, i == len(prons) - 1)
        self._searches: OrderedDict[str, tuple[str, list[str]]] = OrderedDict()
        self._lock = threading.RLock()
        self.load_seconds = time.perf_counter() - t

    # -- grammar ------------------------------------------------------------------------------
    def known(self, word: str) -> bool:
        return self._dec.lookup_word(word) is not None

    def _search(self, grammar: G.Grammar | None) -> tuple[str, list[str]]:
        """Name of the decoder search for this grammar (compiled once, LRU of 64)."""
        if grammar is None:
            return "_default", []  # the bundled US English language model
        key = grammar.source
        if key in self._searches:
            self._searches.move_to_end(key)
            return self._searches[key]
        jsgf, missing = G.to_jsgf(grammar, self.known)
        if not jsgf:
            raise SpeechError(
                f"no phrase of the choices {grammar.source!r} can be recognised by pocketsphinx: "
                f"these words are not in its dictionary: {', '.join(missing)}"
            )
        name = f"g{len(self._searches)}_{abs(hash(key)) % 10**8}"
        self._dec.add_jsgf_string(name, jsgf)
        self._searches[key] = (name, missing)
        while len(self._searches) > 64:
            old, _ = self._searches.popitem(last=False)[1]
            self._dec.remove_search(old)
        return name, missing

    # -- decoding -----------------------------------------------------------------------------
    def _decode(self, search: str, pcm: bytes) -> tuple[str, float, list[Word]]:
        dec = self._dec
        dec.activate_search(search)
        dec.reinit_feat()  # forget the noise estimate of the last utterance: determinism
        dec.start_utt()
        dec.process_raw(pcm, full_utt=True)
        dec.end_utt()
        hyp = dec.hyp()
        if hyp is None:
            return "", 0.0, []
        words = [
            Word(_base(s.word), s.start_frame / FRAME_RATE, (s.end_frame + 1) / FRAME_RATE,
                 _clip(s.prob))
            for s in dec.seg() if s.word not in _FILLERS and not s.word.startswith("+")
        ]  # fmt: skip
        conf = min((w.confidence for w in words), default=0.0)
        return " ".join(w.word for w in words), conf, words

    def recognize(self, audio: Audio, grammar: G.Grammar | None = None) -> Recognition:
        """Recognise prepared 16 kHz audio; with a grammar the text is one of its phrases."""
        pcm = to_pcm16(audio.samples)
        with self._lock:
            search, _missing = self._search(grammar)
            text, conf, words = self._decode(search, pcm)
        return Recognition(
            text, conf if text else 0.0, self.name, tuple(words), duration=audio.duration
        )

    def stream(self, grammar: G.Grammar | None = None) -> _Stream:
        return _Stream(self, grammar)


class _Stream:
    """Live decoding: partial hypotheses as audio arrives (the decoder is held meanwhile)."""

    def __init__(self, rec: PocketsphinxRecognizer, grammar: G.Grammar | None):
        self.rec, self.grammar = rec, grammar
        self._pcm: list[bytes] = []
        rec._lock.acquire()
        try:
            search, _ = rec._search(grammar)
            rec._dec.activate_search(search)
            rec._dec.reinit_feat()
            rec._dec.start_utt()
        except BaseException:
            rec._lock.release()
            raise
        self._open = True

    def feed(self, samples: np.ndarray) -> str:
        if not samples.size:
            hyp = self.rec._dec.hyp()
            return " ".join(_base(w) for w in hyp.hypstr.split()) if hyp else ""
        pcm = to_pcm16(samples)
        self._pcm.append(pcm)
        self.rec._dec.process_raw(pcm, full_utt=False)
        hyp = self.rec._dec.hyp()
        return " ".join(_base(w) for w in hyp.hypstr.split()) if hyp else ""

    def finish(self, samples: np.ndarray | None = None) -> Recognition:
        if samples is not None and samples.size:
            self.feed(samples)
        dec = self.rec._dec
        try:
            dec.end_utt()
            self._open = False
        finally:
            self.rec._lock.release()
        audio = Audio.from_pcm16(b"".join(self._pcm), self.rec.rate)
        return self.rec.recognize(audio, self.grammar)

    def __del__(self) -> None:
        if getattr(self, "_open", False):
            try:
                self.rec._dec.end_utt()
            finally:
                self.rec._lock.release()


def _base(word: str) -> str:
    return word.split("(")[0]


def _clip(x: float) -> float:
    return float(min(max(x, 0.0), 1.0))
