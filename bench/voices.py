"""Voice benchmark: how intelligible each voice is through the phone, and how distinct.

    python bench/voices.py                       # every English persona, flite, piper
    python bench/voices.py --voices Kate,Tom,flite:slt
    python bench/voices.py --asr pocketsphinx

(a) Intelligibility: fixed sentences synthesised in each voice, passed through G.711 mu-law
    at 8 kHz (telenb's codec, as a PSTN leg does), transcribed back with the best installed
    recogniser (`telenb.speech.transcribe`), scored as word accuracy, 1 - WER (word-level
    Levenshtein distance over the reference length, floored at 0).
(b) Distinctness: personas of one accent and gender that share an espeak-ng language voice
    (Kate/Serena, Ava/Samantha, Tom/Victor, Veena/Moira/Tessa) saying the same sentence:
    the ratio of their median pitch and the distance between their mean MFCC vectors.
Prints tables; asserts nothing (the figures depend on the engines installed).
bench/speech.py calls `report()` at its end.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore", category=DeprecationWarning)

from telenb.audio import Audio  # noqa: E402
from telenb.audio.g711 import codec_roundtrip  # noqa: E402
from telenb.speech import resolve_voice, synthesize, transcribe  # noqa: E402

SENTENCES = (
    "Thank you for calling the dress shop.",
    "Please hold while we connect your call to the next agent.",
)
GROUPS = (("Kate", "Serena"), ("Ava", "Samantha"), ("Tom", "Victor"), ("Veena", "Moira", "Tessa"))
_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def words(text: str) -> list[str]:
    """Lower-case words, punctuation dropped, single digits spelt out (Whisper writes 2)."""
    out = []
    for w in re.findall(r"[a-z0-9']+", text.lower()):
        out.append(_NUMBERS[int(w)] if w.isdigit() and int(w) <= 10 else w)
    return out


def word_edits(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Levenshtein distance in words: substitutions + deletions + insertions."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i]
        for j, h in enumerate(hyp, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h)))
        prev = cur
    return prev[-1]


def word_accuracy(reference: str, hypothesis: str) -> float:
    """1 - WER, floored at 0 (a hypothesis full of insertions scores 0, not below)."""
    ref = words(reference)
    return max(0.0, 1.0 - word_edits(ref, words(hypothesis)) / max(len(ref), 1))


def telephone(audio: Audio) -> Audio:
    """What a PSTN leg does to a prompt: 8 kHz, mu-law encoded and decoded."""
    return codec_roundtrip(audio.resample(8000), "pcmu")


@dataclass(frozen=True)
class Intelligibility:
    """One voice's score: `accuracy` is 1 - WER over all the sentences' words."""

    voice: str
    local: str  # engine:voice that rendered it
    accuracy: float
    heard: tuple[str, ...]  # what the recogniser heard, per sentence
    asr: str


def intelligibility(
    voices: Iterable[str], sentences: Sequence[str] = SENTENCES, asr: str | None = None
) -> list[Intelligibility]:
    """Score each voice through G.711; best first (ties keep the order given)."""
    rows = []
    n_ref = sum(len(words(s)) for s in sentences)
    for name in voices:
        choice = resolve_voice(name)
        heard, edits, engine = [], 0, asr or ""
        for s in sentences:
            t = transcribe(telephone(synthesize(s, name, rate=16000)), asr)
            heard.append(t.text.strip())
            edits += word_edits(words(s), words(t.text))
            engine = t.engine
        local = f"{choice.engine}:{choice.engine_voice}"
        rows.append(Intelligibility(name, local, max(0.0, 1 - edits / n_ref), tuple(heard), engine))
    return sorted(rows, key=lambda r: -r.accuracy)


def median_f0(audio: Audio) -> float:
    """Median pitch (Hz) of the voiced 40 ms windows, from the autocorrelation peak."""
    s = audio.resample(16000).samples.astype(np.float64)
    n, lo, hi = 640, 16000 // 400, 16000 // 70
    f0 = []
    for i in range(0, s.size - n, n // 2):
        w = s[i : i + n] - s[i : i + n].mean()
        if np.sqrt(np.mean(w**2)) < 0.01:
            continue
        r = np.correlate(w, w, "full")[n - 1 :]
        r = r / r[0]
        lag = lo + int(np.argmax(r[lo:hi]))
        if r[lag] > 0.5:
            f0.append(16000 / lag)
    return float(np.median(f0)) if f0 else float("nan")


def _mel_filters(n_fft: int, rate: int, n_mels: int) -> np.ndarray:
    def mel(f: np.ndarray) -> np.ndarray:
        return 2595 * np.log10(1 + f / 700)

    edges = 700 * (10 ** (np.linspace(0, mel(np.array(rate / 2.0)), n_mels + 2) / 2595) - 1)
    freqs = np.fft.rfftfreq(n_fft, 1 / rate)
    fb = np.zeros((n_mels, freqs.size))
    for m in range(n_mels):
        lo, mid, hi = edges[m : m + 3]
        fb[m] = np.clip(np.minimum((freqs - lo) / (mid - lo), (hi - freqs) / (hi - mid)), 0, None)
    return fb


def mean_mfcc(audio: Audio, n: int = 13) -> np.ndarray:
    """Mean MFCC c1..c(n-1) over the speech frames (25 ms every 10 ms, 16 kHz, 26 mel bands):
    the long-term spectral envelope, i.e. the vocal tract's timbre, not the words."""
    from scipy.fft import dct

    rate = 16000
    s = audio.resample(rate).samples.astype(np.float64)
    size, hop = 400, 160
    if s.size < size:
        return np.zeros(n - 1)
    idx = np.arange(size)[None, :] + hop * np.arange((s.size - size) // hop + 1)[:, None]
    frames = s[idx] * np.hamming(size)
    energy = np.sqrt(np.mean(frames**2, axis=1))
    frames = frames[energy > 0.1 * energy.max()]  # speech, not the pauses
    power = np.abs(np.fft.rfft(frames, 512)) ** 2
    logmel = np.log(power @ _mel_filters(512, rate, 26).T + 1e-10)
    return dct(logmel, type=2, norm="ortho", axis=1)[:, 1:n].mean(axis=0)


@dataclass(frozen=True)
class Distinctness:
    """Two voices saying the same sentence: pitch ratio (>= 1) and timbre distance."""

    a: str
    b: str
    pitch_ratio: float
    mfcc_distance: float
    duration_ratio: float


def distinctness(a: str, b: str, sentence: str = SENTENCES[0]) -> Distinctness:
    """How far apart two voices sound saying `sentence` (clean, 16 kHz)."""
    xa, xb = synthesize(sentence, a, rate=16000), synthesize(sentence, b, rate=16000)
    fa, fb = median_f0(xa), median_f0(xb)
    dist = float(np.linalg.norm(mean_mfcc(xa) - mean_mfcc(xb)))
    durations = sorted((xa.duration, xb.duration))
    return Distinctness(a, b, max(fa, fb) / min(fa, fb), dist, durations[1] / durations[0])


def english_personas() -> list[str]:
    """Every Tropo English persona, then flite's and piper's voices where installed."""
    from telenb.speech.tts import flite, piper
    from telenb.speech.voice_data import TROPO

    names = [n.title() for n, (lang, _g, _s) in TROPO.items() if lang.startswith("en")]
    if flite.available():
        names += [f"flite:{v}" for v in ("slt", "rms", "awb", "kal16")]
    if piper.available():
        names += [f"piper:{v}" for v in piper.voice_files()]
    return names


def report(voices: Sequence[str] | None = None, asr: str | None = None) -> list[Intelligibility]:
    """Print both tables (one run); returns the intelligibility rows."""
    names = list(voices) if voices else english_personas()
    t = time.perf_counter()
    rows = intelligibility(names, asr=asr)
    took = time.perf_counter() - t
    engine = rows[0].asr if rows else asr or "?"
    print(
        f"\nVoice intelligibility through G.711 mu-law, 8 kHz ({len(SENTENCES)} sentences, "
        f"{sum(len(words(s)) for s in SENTENCES)} words; recogniser {engine}; {took:.0f} s)"
    )
    print(f"{'voice':<26}{'rendered by':<30}{'words right':<13}heard (worst sentence)")
    for r in rows:
        worst = min(range(len(SENTENCES)), key=lambda i: word_accuracy(SENTENCES[i], r.heard[i]))
        print(f"{r.voice:<26}{r.local:<30}{r.accuracy:<13.1%}{r.heard[worst][:60]}")
    pairs = [(g[i], g[j]) for g in GROUPS for i in range(len(g)) for j in range(i + 1, len(g))]
    present = {n.lower() for n in names}
    pairs = [p for p in pairs if voices is None or {p[0].lower(), p[1].lower()} <= present]
    if pairs:
        print("\nPersonas of one accent and gender, same sentence (clean, 16 kHz)")
        print(f"{'pair':<18}{'pitch ratio':<13}{'MFCC distance':<15}duration ratio")
        for a, b in pairs:
            d = distinctness(a, b)
            pair = f"{a}/{b}"
            print(f"{pair:<18}{d.pitch_ratio:<13.2f}{d.mfcc_distance:<15.2f}{d.duration_ratio:.2f}")
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--voices", default="", help="comma-separated names (default: all English)")
    ap.add_argument("--asr", default=None, help="recogniser (default: the best installed)")
    args = ap.parse_args(argv)
    report([v.strip() for v in args.voices.split(",") if v.strip()] or None, args.asr)


if __name__ == "__main__":
    main()
