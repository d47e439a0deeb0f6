"""Speech benchmark: accuracy and speed of every installed engine.

    python bench/speech.py                 # everything (FSDD: all 2000 files)
    python bench/speech.py --limit 300     # a quicker FSDD subset (every k-th file)
    python bench/speech.py --engines pocketsphinx,whisper

(a) spoken-digit accuracy on FSDD (real 8 kHz human speech) with a one-digit grammar;
(b) dress-shop colours ("black, red, blue, green") synthesised in several voices, passed
    through G.711 mu-law at 8 kHz, plus rhymes and near words of the choices ("bread",
    "glue", "queen") and other words ("purple"), which must be rejected at the default
    min_confidence (vosk: the Korean equivalent, since its only installable model is
    Korean; no rhymes); the median time per answer;
(c) real-time factors of TTS and ASR, cache hit time and model load times; ASR on short
    answers (where Whisper's fixed 10 s encoder window dominates) and on a minute of speech.
Prints a table; asserts nothing (timings depend on the machine).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore", category=DeprecationWarning)

from telenb.audio import Audio  # noqa: E402
from telenb.audio.g711 import codec_roundtrip  # noqa: E402
from telenb.flow.grammar import parse  # noqa: E402
from telenb.speech import recognize, synthesize  # noqa: E402
from telenb.speech.cache import SynthesisCache, set_default_cache  # noqa: E402

FSDD = Path(os.environ.get("TELENB_SHARED", Path(__file__).resolve().parents[2] / "shared"))
FSDD = FSDD / "data" / "fsdd"
COLOURS = ["black", "red", "blue", "green"]
OUT_OF_GRAMMAR = ["purple", "yellow", "orange", "white", "pink", "brown"]
RHYMES = ["bread", "bed", "glue", "shoe", "queen", "clean", "back", "track"]
VOICES = ["Allison", "Tom", "Kate", "Daniel", "Karen", "Samantha", "Victor", "Veena"]
KO_COLOURS = ["검정", "빨강", "파랑", "초록"]
KO_OOG = ["보라", "노랑", "주황", "하양"]
KO_VOICES = ["Sora", "Yuna", "espeak:ko+m3", "espeak:ko+f2"]


def ulaw(a: Audio) -> Audio:
    """8 kHz mu-law round trip (what a PSTN leg does to the audio), with telenb's G.711."""
    return codec_roundtrip(a, "pcmu")


def fsdd_files(limit: int | None) -> list[Path]:
    files = sorted(FSDD.glob("*.wav"))
    if limit and limit < len(files):
        step = len(files) / limit
        files = [files[int(i * step)] for i in range(limit)]
    return files


def bench_fsdd(engine: str, files: list[Path]) -> tuple[float, dict[str, float], float]:
    """(accuracy, accuracy per speaker, RTF) with a one-digit grammar."""
    grammar = parse("[1 DIGIT]")
    ok: dict[str, int] = {}
    n: dict[str, int] = {}
    audio_s = cpu_s = 0.0
    for f in files:
        a = Audio.load(f)
        t = time.perf_counter()
        r = recognize(a, grammar, engine, min_confidence=0.0)
        cpu_s += time.perf_counter() - t
        audio_s += a.duration
        speaker = f.name.split("_")[1]
        n[speaker] = n.get(speaker, 0) + 1
        ok[speaker] = ok.get(speaker, 0) + (r.value == f.name[0])
    per = {s: ok[s] / n[s] for s in sorted(n)}
    return sum(ok.values()) / len(files), per, cpu_s / audio_s


def bench_colours(engine: str) -> tuple[float, float, float, float]:
    """(in-grammar accuracy, rhymes rejected, other words rejected, median seconds per
    answer) at the default min_confidence; rhymes are NaN for vosk (Korean words)."""
    korean = engine == "vosk"
    words, oog, voices = (
        (KO_COLOURS, KO_OOG, KO_VOICES) if korean else (COLOURS, OUT_OF_GRAMMAR, VOICES)
    )
    rhymes = [] if korean else RHYMES
    grammar = parse(", ".join(words))
    lang = "ko-KR" if korean else "en-US"
    hit = tot = rej = n_oog = r_rej = n_rhyme = 0
    took: list[float] = []
    for v in voices:
        for w in words + rhymes + oog:
            audio = ulaw(synthesize(w, v))
            t = time.perf_counter()
            r = recognize(audio, grammar, engine, language=lang)
            took.append(time.perf_counter() - t)
            if w in words:
                tot += 1
                hit += r.value == w
            elif w in rhymes:
                n_rhyme += 1
                r_rej += r.nomatch
            else:
                n_oog += 1
                rej += r.nomatch
    took.sort()
    rhyme = r_rej / n_rhyme if n_rhyme else float("nan")
    return hit / tot, rhyme, rej / n_oog, took[len(took) // 2]


def bench_tts(engine: str) -> float:
    text = (
        "Welcome to the dress shop. Which colour would you like: black, red, blue or "
        "green? Press one for sales or two for support."
    )
    voice = "Tom"
    set_default_cache(None)
    synthesize("warm up", voice, engine=engine, cache=False)
    t = time.perf_counter()
    a = synthesize(text, voice, engine=engine, cache=False)
    return (time.perf_counter() - t) / a.duration


LONG_TEXT = (
    "Thank you for calling the dress shop. Our store is open from nine in the morning until "
    "six in the evening, Monday to Saturday. We have black, red, blue and green dresses in "
    "every size this week. To check an order, have your order number ready. To speak to "
    "somebody in the store, stay on the line and the next person will answer your call."
)


def bench_long(engine: str) -> tuple[float, float]:
    """(RTF, word accuracy) transcribing about a minute of speech through G.711: what a
    recorded message costs, where a short answer's fixed costs do not dominate."""
    import re

    from telenb.speech import transcribe
    from telenb.speech.grammars import DIGIT_WORDS_EN

    parts = []
    for v in ("Tom", "Allison", "Daniel"):
        parts += [ulaw(synthesize(LONG_TEXT, v)), Audio.silence(0.7, 8000)]
    audio = Audio.concat(parts)
    t = time.perf_counter()
    text = transcribe(audio, engine).text
    rtf = (time.perf_counter() - t) / audio.duration
    names = [w for w in DIGIT_WORDS_EN if w != "oh"]
    digits = {str(i): w for i, w in enumerate(names)}
    ref = re.findall(r"[a-z']+", (LONG_TEXT.lower() + " ") * 3)
    hyp = [digits.get(w, w) for w in re.findall(r"[a-z0-9']+", text.lower())]
    matched = _lcs(ref, hyp)
    return rtf, matched / len(ref)


def _lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence: reference words found, in order."""
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def bench_cache() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as d:
        cache = SynthesisCache(d)
        synthesize("Your order is on its way.", "Allison", cache=cache)
        n = 1000
        t = time.perf_counter()
        for _ in range(n):
            synthesize("Your order is on its way.", "Allison", cache=cache)
        mem = (time.perf_counter() - t) / n
        t_disk = 0.0
        for _ in range(50):
            cache.clear_memory()
            t = time.perf_counter()
            synthesize("Your order is on its way.", "Allison", cache=cache)
            t_disk += time.perf_counter() - t
        return mem, t_disk / 50


def load_time(engine: str) -> float:
    from telenb.speech.asr import get_recognizer

    lang = "ko-KR" if engine == "vosk" else "en-US"
    t = time.perf_counter()
    get_recognizer(engine, lang)
    return time.perf_counter() - t


def installed(engine: str) -> bool:
    import importlib.util

    module = {
        "pocketsphinx": "pocketsphinx",
        "vosk": "vosk",
        "whisper": "faster_whisper",
        "piper": "piper",
        "espeak": "espeakng_loader",
    }[engine]
    return importlib.util.find_spec(module) is not None


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="FSDD files (default all)")
    ap.add_argument("--engines", default="pocketsphinx,vosk,whisper")
    args = ap.parse_args(argv)
    set_default_cache(SynthesisCache(tempfile.mkdtemp(prefix="telenb-bench-")))
    files = fsdd_files(args.limit) if FSDD.exists() else []
    if installed("piper"):
        from telenb.speech.tts.piper import voice_files

        VOICES.extend(f"piper:{v}" for v in voice_files())
    rows = []
    longs: list[str] = []
    speakers: list[str] = []
    for engine in args.engines.split(","):
        if not installed(engine):
            rows.append((engine, "not installed", "", "", "", "", "", ""))
            continue
        load = load_time(engine)
        nan = float("nan")
        acc, per, rtf = nan, {}, nan  # vosk: no English vosk model can be had here
        if engine != "vosk" and files:
            acc, per, rtf = bench_fsdd(engine, files)
            speakers.append(f"  {engine:<13} " + ", ".join(f"{s} {a:.1%}" for s, a in per.items()))
        c_acc, c_rhyme, c_rej, c_ms = bench_colours(engine)
        if engine != "vosk":
            long_rtf, long_acc = bench_long(engine)
            longs.append(f"  {engine:<13} RTF {long_rtf:.3f}, {long_acc:.1%} of the words found")
        rows.append(
            (
                engine,
                f"{acc:.1%}" if acc == acc else "n/a (no en model)",
                f"{c_acc:.1%}",
                f"{c_rhyme:.1%}" if c_rhyme == c_rhyme else "n/a",
                f"{c_rej:.1%}",
                f"{c_ms * 1e3:.0f} ms",
                f"{rtf:.3f}" if rtf == rtf else "n/a",
                f"{load:.2f} s",
            )
        )
        print(f"  done {engine}", file=sys.stderr, flush=True)
    print(
        f"\nASR (FSDD: {len(files)} files; colours: {len(VOICES)} voices via G.711 "
        f"mu-law, 8 kHz, at the default min_confidence; vosk: Korean words, "
        f"{len(KO_VOICES)} voices)"
    )
    head = (
        "engine",
        "FSDD digits",
        "colours in-grammar",
        "rhymes rejected",
        "other words rejected",
        "per answer",
        "ASR RTF",
        "model load",
    )
    widths = [14, 20, 20, 17, 22, 12, 9, 11]
    print("".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for r in rows:
        print("".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    if speakers:
        print("\nFSDD digits per speaker")
        print("\n".join(speakers))
    if longs:
        print("\nTranscribing about a minute of speech (3 voices via G.711)")
        print("\n".join(longs))
    print("\nTTS and cache")
    for engine in ("espeak", "piper"):
        if installed(engine):
            print(f"  {engine:<8} RTF {bench_tts(engine):.4f}")
    mem, disk = bench_cache()
    print(f"  cache hit: memory {mem * 1e6:.0f} us, disk {disk * 1e6:.0f} us")
    from bench.voices import report as voice_report  # each voice's intelligibility via G.711

    voice_report()


if __name__ == "__main__":
    main()
