"""The voice registry: Tropo and Twilio voice names -> the closest local voice.

No local engine has Nuance's or Amazon's voices, so every name maps to a local voice of
the same language, regional accent and gender where one exists, and says honestly what
differs when it does not (`VoiceChoice.exact` and `.note`).
"""

from __future__ import annotations

import difflib
import html
import os
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import SpeechError
from . import voice_data as D

if TYPE_CHECKING:
    pass

DEFAULT_VOICE = "allison"  # Tropo's default voice


@dataclass(frozen=True)
class VoiceChoice:
    """How a requested voice name is rendered locally."""

    requested: str
    engine: str
    engine_voice: str
    language: str
    gender: str  # "female", "male" or "unknown"
    exact: bool  # language, accent and gender all as requested
    note: str = ""
    provider: str = ""  # "tropo", "twilio", "local"
    # the persona's pitch and speaking-rate factors (so two personas sound apart)
    pitch: float = field(default=1.0, repr=False)
    speed: float = field(default=1.0, repr=False)

    @property
    def voice_key(self) -> str:
        """The engine voice plus the persona's pitch and speed (what the audio depends on)."""
        if (self.pitch, self.speed) == (1.0, 1.0):
            return self.engine_voice
        return f"{self.engine_voice}@pitch={self.pitch:g},speed={self.speed:g}"

    def __str__(self) -> str:
        flag = "exact" if self.exact else f"fallback: {self.note}"
        return f"{self.requested} -> {self.engine}:{self.engine_voice} ({self.language}, {flag})"


_GENDER = {"f": "female", "m": "male", "": "unknown"}


def _canon(name: str) -> str:
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def _region(language: str | None) -> str | None:
    if not language:
        return None
    lang = language.strip().replace("_", "-")
    for key in D.ESPEAK_LANG:
        if key.lower() == lang.lower():
            return key
    base = lang.split("-")[0].lower()
    return D.LANGUAGE_DEFAULT_REGION.get(base, lang)


def _default_tts_engine() -> str:
    return os.environ.get("TELENB_TTS_ENGINE", "espeak").lower()


@lru_cache(maxsize=1024)
def resolve_voice(
    name: str | None = None,
    language: str | None = None,
    engine: str | None = None,
    provider: str | None = None,
) -> VoiceChoice:
    """Map a Tropo or Twilio voice name (or None: Tropo's default) to a local voice.

    `language` is Twilio's ``language`` attribute (used by man/woman/alice and as a hint);
    `engine` picks the TTS engine ("espeak" default; "piper" or `TELENB_TTS_ENGINE`);
    `provider` ("tropo" or "twilio") settles the one clash: "alice" is Twilio's
    multilingual voice and also Tropo's Italian Alice (Twilio's wins by default).
    Local names also work: ``"espeak:en-us+f3"``, ``"piper:en_US-joe-medium"``.
    ``exact`` means language, regional accent and gender all match; the timbre of the
    vendor's voice is never reproduced.
    """
    requested = name if name is not None else DEFAULT_VOICE
    engine = (engine or _default_tts_engine()).lower()
    key = _canon(requested)
    if ":" in requested:
        eng, _, local = requested.partition(":")
        return VoiceChoice(
            requested,
            eng.lower(),
            local,
            language or "",
            "unknown",
            True,
            "a local engine voice, used as named",
            "local",
        )
    lang, gender, prov, note, key = _persona(key, requested, language, provider)
    return _local(requested, lang, gender, engine, prov, note, key)


def _persona(
    key: str, requested: str, language: str | None, provider: str | None
) -> tuple[str, str, str, str, str]:
    """(language, gender, provider, note, canonical key) for a vendor voice name."""
    if key in D.TWILIO_BASIC and provider != "tropo":
        lang = _region(language) or "en-US"
        return lang, D.TWILIO_BASIC[key], "twilio", "", key
    if key.startswith("polly."):
        base = re.sub(r"-(neural|generative|standard|long-form)$", "", key[6:])
        base = base.translate(str.maketrans("éèêàáíóúãçñ", "eeeaaiouacn"))
        if base in D.POLLY:
            lang, g = D.POLLY[base]
            return lang, g, "twilio", "", "polly." + base
        raise _unknown(requested, [f"Polly.{n.title()}" for n in D.POLLY])
    if key.startswith("google."):
        # LOCALE-MODEL-VOICE: a letter (Standard-C, Neural2-J) or a Chirp 3 HD name (Chirp3-HD-Kore)
        m = re.fullmatch(r"google\.([a-z]{2,3})-([a-z]{2})-([a-z0-9]+(?:-hd)?)-([a-z]+)", key)
        if not m:
            raise SpeechError(
                f"cannot read the Google voice name {requested!r}: expected "
                "Google.LL-RR-Model-X, e.g. Google.en-US-Standard-C or Google.en-US-Chirp3-HD-Kore"
            )
        lang = f"{m[1]}-{m[2].upper()}"
        if m[1] == "cmn":
            lang = f"zh-{m[2].upper()}"
        if len(m[4]) == 1:
            g = D.GOOGLE_GENDER.get(f"{m[1]}-{m[2].upper()}-{m[4].upper()}", "")
        else:
            g = D.CHIRP3_HD_GENDER.get(m[4], "")
        note = "" if g else "this Google voice's gender is unknown here; a female voice is used"
        return _region(lang) or lang, g, "twilio", note, key
    flat = key.replace("-", "")
    for real, (lang, g, _src) in D.TROPO.items():
        if real.replace("-", "") == flat:
            return lang, g, "tropo", "", real
    tropo = ["-".join(p.title() for p in n.split("-")) for n in D.TROPO]
    raise _unknown(requested, [*tropo, "man", "woman", "alice"])


def _unknown(requested: str, names: list[str]) -> SpeechError:
    shown = {n.lower(): n for n in names}  # compared case-blind, shown as documented
    close = difflib.get_close_matches(requested.lower(), list(shown), n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(shown[c] for c in close)}?" if close else ""
    return SpeechError(
        f"unknown voice {requested!r}.{hint} Use a Tropo voice (e.g. 'Allison', 'Kate'), a "
        "Twilio voice ('alice', 'Polly.Joanna', 'Google.en-US-Standard-C') or a local one "
        "('espeak:en-us+f3'); telenb.speech.voices() lists them all."
    )


def _local(
    requested: str, lang: str, g: str, engine: str, provider: str, note: str, key: str
) -> VoiceChoice:
    notes = [note] if note else []
    exact = not note
    if engine == "piper":
        from .tts.piper import available, voice_files

        files = voice_files() if available() else {}
        if lang == "en-US" and g == "m" and files:
            return VoiceChoice(
                requested,
                "piper",
                sorted(files)[0],
                lang,
                "male",
                exact,
                "; ".join(notes),
                provider,
            )
        notes.append(f"piper has no local {lang} {_GENDER[g] or ''} voice; espeak-ng is used")
        exact = False
    elif engine == "flite":
        from .tts.flite import INSTALL_HINT, available

        if not available():
            raise SpeechError(f"the flite TTS engine is not installed: {INSTALL_HINT}")
        flite = {("en-US", "f"): "slt", ("en-US", "m"): "rms", ("en-GB-scotland", "m"): "awb"}
        if (lang, g) in flite:
            return VoiceChoice(
                requested, "flite", flite[lang, g], lang, _GENDER[g], exact,
                "; ".join(notes), provider,
            )  # fmt: skip
        notes.append(f"flite has no {lang} {_GENDER[g] or ''} voice; espeak-ng is used")
        exact = False
    elif engine != "espeak":
        raise SpeechError(f"unknown TTS engine {engine!r}; choose 'espeak', 'piper' or 'flite'")
    base, lang_exact, lang_note = D.ESPEAK_LANG.get(lang, ("en-us", False, ""))
    if lang not in D.ESPEAK_LANG:
        lang_note = f"no local voice for language {lang!r}; US English is used"
    if not lang_exact:
        exact = False
        notes.append(lang_note)
    variants = D.MALE_VARIANTS if g == "m" else D.FEMALE_VARIANTS
    variant = variants[zlib.crc32(key.encode()) % len(variants)]
    variant, pitch, speed = D.PERSONA.get(key, (variant, 1.0, 1.0))
    return VoiceChoice(
        requested,
        "espeak",
        f"{base}+{variant}",
        lang,
        _GENDER[g] or "unknown",
        exact,
        "; ".join(n for n in notes if n),
        provider,
        pitch,
        speed,
    )


class VoiceTable(list):
    """The registry as rows of `VoiceChoice`; prints as text, shows as HTML in Jupyter."""

    def summary(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in self:
            out[f"{v.provider}"] = out.get(v.provider, 0) + 1
            k = f"{v.provider} {'exact' if v.exact else 'fallback'}"
            out[k] = out.get(k, 0) + 1
        return out

    def __str__(self) -> str:
        head = f"{'voice':<28}{'provider':<9}{'language':<16}{'gender':<8}{'local voice':<28}"
        lines = [head + "note"]
        for v in self:
            lines.append(
                f"{v.requested:<28}{v.provider:<9}{v.language:<16}{v.gender:<8}"
                f"{v.engine + ':' + v.engine_voice:<28}{'exact' if v.exact else v.note}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<VoiceTable {len(self)} voices: {self.summary()}>"

    def _repr_html_(self) -> str:
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in (
                v.requested, v.provider, v.language, v.gender,
                f"{v.engine}:{v.engine_voice}", "exact" if v.exact else v.note,
            )) + "</tr>"
            for v in self
        )  # fmt: skip
        head = "".join(
            f"<th>{h}</th>"
            for h in ("voice", "provider", "language", "gender", "local voice", "match")
        )
        return f"<table class='telenb-voices'><tr>{head}</tr>{rows}</table>"


def voices(provider: str | None = None, engine: str | None = None) -> VoiceTable:
    """Every Tropo and Twilio voice name known to telenb with its local rendering."""
    names: list[str] = []
    rows: list[VoiceChoice] = []
    if provider in (None, "tropo"):
        tropo = ["-".join(p.title() for p in n.split("-")) for n in D.TROPO]
        rows = [resolve_voice(n, None, engine, "tropo") for n in tropo]
    if provider in (None, "twilio"):
        names += ["man", "woman", "alice"]
        names += [f"Polly.{n.title()}" for n in D.POLLY]
        names += D.GOOGLE_EXAMPLES
    return VoiceTable(rows + [resolve_voice(n, None, engine, "twilio") for n in names])
