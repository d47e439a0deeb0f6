"""Vosk (Kaldi) recogniser: the design card's engine; any language with a vosk model.

Determinism: the model is loaded through an overlay that turns Kaldi's feature dither off.

Grammar mode gives vosk the phrase list plus ``"[unk]"``: speech outside the grammar comes
back as ``[unk]`` (a no-match) when the model knows that token.  Phrases with words the
model does not know are left out (vosk would ignore them anyway) and reported.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
import threading
import time
import warnings
from pathlib import Path

import numpy as np

from ...audio import Audio
from ...errors import SpeechError
from .. import grammars as G
from ..frontend import to_pcm16
from ..models import find_model
from ..types import Recognition, Word

INSTALL_HINT = "pip install vosk"
_models: dict[str, object] = {}
_models_lock = threading.Lock()


def deterministic_overlay(path: str) -> str:
    """A view of the model directory whose feature config turns dithering off.

    Kaldi adds random dither to the audio before MFCC unless ``--dither=0`` is set, and
    most vosk models leave it on: the same audio then gave different words and confidences
    from run to run.  The overlay links every file of the model except ``conf/mfcc.conf``,
    which is copied with ``--dither=0`` appended; the model itself is never modified.
    """
    src = Path(path)
    mfcc = src / "conf" / "mfcc.conf"
    if not mfcc.exists() or "--dither=0" in mfcc.read_text():
        return path
    root = Path(tempfile.mkdtemp(prefix="telenb-vosk-"))
    atexit.register(shutil.rmtree, root, True)
    for entry in src.iterdir():
        if entry.name != "conf":
            os.symlink(entry, root / entry.name)
    (root / "conf").mkdir()
    for entry in (src / "conf").iterdir():
        if entry.name != "mfcc.conf":
            os.symlink(entry, root / "conf" / entry.name)
    (root / "conf" / "mfcc.conf").write_text(mfcc.read_text().rstrip("\n") + "\n--dither=0\n")
    return str(root)


def load_model(path: str):
    """Load (once per process) the vosk model at `path`, without random dither."""
    with _models_lock:
        if path not in _models:
            try:
                import vosk
            except ImportError as exc:
                raise SpeechError(f"vosk is not installed: {INSTALL_HINT}") from exc
            vosk.SetLogLevel(-1)
            try:
                _models[path] = vosk.Model(deterministic_overlay(path))
            except Exception as exc:
                raise SpeechError(f"cannot load the vosk model at {path}: {exc}") from exc
        return _models[path]


class VoskRecognizer:
    name = "vosk"
    rate = 16000
    fuzzy = False

    def __init__(self, language: str = "en-US", model_path: str | None = None):
        self.language = language
        path = str(model_path or find_model("vosk", language))
        t = time.perf_counter()
        self.model = load_model(path)
        self.load_seconds = time.perf_counter() - t
        self.model_path = path
        self._grammars: dict[str, str | None] = {}

    def known(self, word: str) -> bool:
        return self.model.vosk_model_find_word(word) >= 0

    def _grammar_json(self, grammar: G.Grammar | None) -> str | None:
        if grammar is None:
            return None
        if grammar.source not in self._grammars:
            words, missing = G.to_vosk(grammar, self.language, self.known)
            if missing:
                warnings.warn(
                    f"vosk model {self.model_path} does not know the words of: "
                    f"{', '.join(missing)}; those choices cannot be recognised",
                    stacklevel=3,
                )
            if not [w for w in words if w != "[unk]"]:
                raise SpeechError(
                    f"no phrase of the choices {grammar.source!r} is in the vosk model's "
                    f"vocabulary ({self.model_path})"
                )
            self._grammars[grammar.source] = json.dumps(words, ensure_ascii=False)
        return self._grammars[grammar.source]

    def _recognizer(self, grammar: G.Grammar | None):
        import vosk

        g = self._grammar_json(grammar)
        rec = (
            vosk.KaldiRecognizer(self.model, self.rate, g)
            if g
            else vosk.KaldiRecognizer(self.model, self.rate)
        )
        rec.SetWords(True)
        return rec

    def recognize(self, audio: Audio, grammar: G.Grammar | None = None) -> Recognition:
        rec = self._recognizer(grammar)
        rec.AcceptWaveform(to_pcm16(audio.samples))
        return _result(json.loads(rec.FinalResult()), audio.duration)

    def stream(self, grammar: G.Grammar | None = None) -> _Stream:
        return _Stream(self, self._recognizer(grammar))


class _Stream:
    def __init__(self, owner: VoskRecognizer, rec):
        self.owner, self.rec = owner, rec
        self._seconds = 0.0
        self._done: list[dict] = []

    def feed(self, samples: np.ndarray) -> str:
        self._seconds += samples.size / self.owner.rate
        if self.rec.AcceptWaveform(to_pcm16(samples)):
            self._done.append(json.loads(self.rec.Result()))
            return " ".join(r.get("text", "") for r in self._done).strip()
        partial = json.loads(self.rec.PartialResult()).get("partial", "")
        return " ".join([*(r.get("text", "") for r in self._done), partial]).strip()

    def finish(self, samples: np.ndarray | None = None) -> Recognition:
        if samples is not None and samples.size:
            self.feed(samples)
        results = [*self._done, json.loads(self.rec.FinalResult())]
        merged = {
            "result": [w for r in results for w in r.get("result", [])],
            "text": " ".join(r.get("text", "") for r in results).strip(),
        }
        return _result(merged, self._seconds)


def _result(res: dict, duration: float) -> Recognition:
    words = tuple(
        Word(w["word"], float(w["start"]), float(w["end"]), float(w.get("conf", 1.0)))
        for w in res.get("result", [])
    )
    text = " ".join(w.word for w in words if w.word != "[unk]") if words else res.get("text", "")
    known = [w.confidence for w in words if w.word != "[unk]"]
    conf = float(np.mean(known)) if known else 0.0  # only [unk]: out of grammar
    return Recognition(text, min(max(conf, 0.0), 1.0), "vosk", words, duration=duration)
