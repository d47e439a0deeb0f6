"""ITU-T G.711 mu-law (PCMU) and A-law (PCMA), bit-exact with the ITU-T G.191 STL.

Samples are 16-bit linear PCM (int16). The G.711 laws are defined on 14-bit (mu) and
13-bit (A) magnitudes; like the G.191 reference code, the encoders take the left-justified
16-bit word, treat negative inputs by one's complement (so -1 encodes like 0 with the sign
set), and the decoders return the interval midpoint as a left-justified 16-bit word.

Both directions are table look-ups (65,536-entry encode table, 256-entry decode table),
built once, vectorised, from the segment arithmetic below. That is why throughput is
memory-bound rather than per-sample Python.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..errors import AudioError
from .core import LINE_RATE, Audio

Law = Literal["pcmu", "pcma"]

_ALL16 = np.arange(-32768, 32768, dtype=np.int32)  # every 16-bit input, in index order


def _ulaw_encode_table() -> np.ndarray:
    x = _ALL16
    mag = np.where(x < 0, ~x, x) >> 2  # one's complement, 14-bit magnitude 0..8191
    biased = np.minimum(mag + 33, 0x1FFF)  # the mu-law bias; clip to the top segment
    seg = np.floor(np.log2(biased)).astype(np.int32) - 5  # biased in [32*2^s, 64*2^s)
    mant = (biased >> (seg + 1)) & 0xF
    code = ((7 - seg) << 4) | (15 - mant)  # mu-law transmits inverted bits
    code = np.where(x >= 0, code | 0x80, code)
    return code.astype(np.uint8)


def _ulaw_decode_table() -> np.ndarray:
    c = ~np.arange(256, dtype=np.int32)
    seg = (c >> 4) & 7
    mant = c & 0xF
    mag = (((2 * mant + 33) << seg) - 33) * 4  # interval midpoint, back to 16-bit scale
    return np.where(np.arange(256) >= 128, mag, -mag).astype(np.int16)


def _alaw_encode_table() -> np.ndarray:
    x = _ALL16
    ix = np.where(x < 0, ~x, x) >> 4  # one's complement; 0..2047 in steps of 2 (13-bit)
    seg = np.maximum(np.floor(np.log2(np.maximum(ix, 1))).astype(np.int32) - 3, 0)
    mant = np.where(seg == 0, ix, ix >> np.maximum(seg - 1, 0)) & 0xF
    code = (seg << 4) | mant
    code = np.where(x >= 0, code | 0x80, code) ^ 0x55  # A-law inverts the even bits
    return code.astype(np.uint8)


def _alaw_decode_table() -> np.ndarray:
    c = np.arange(256, dtype=np.int32) ^ 0x55
    seg = (c >> 4) & 7
    mant = c & 0xF
    base = np.where(seg > 0, mant + 16, mant)
    mag = ((base << 4) + 8) << np.maximum(seg - 1, 0)
    return np.where(np.arange(256) >= 128, mag, -mag).astype(np.int16)


def _by_raw_word(table: np.ndarray) -> np.ndarray:
    """Re-index an encode table (built for -32768..32767) by the int16's raw uint16 bits."""
    return np.roll(table, -32768)


def _pair_table(dec: np.ndarray) -> np.ndarray:
    """Decode two codes per look-up: index = code0 | code1 << 8 -> two int16 as one int32."""
    k = np.arange(65536)
    return np.stack([dec[k & 0xFF], dec[k >> 8]], axis=1).astype("=i2").view(np.int32).ravel()


_ULAW_DEC = _ulaw_decode_table()
_ALAW_DEC = _alaw_decode_table()
_ULAW_ENC = _by_raw_word(_ulaw_encode_table())
_ALAW_ENC = _by_raw_word(_alaw_encode_table())
_ULAW_DEC2 = _pair_table(_ULAW_DEC)
_ALAW_DEC2 = _pair_table(_ALAW_DEC)


def _decode(codes: np.ndarray, table: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    if codes.ndim != 1 or codes.size < 64:
        return np.take(table, codes)
    out = np.empty(codes.size, np.int16)
    even = codes.size & ~1
    words = np.ascontiguousarray(codes[:even]).view("<u2")  # code0 | code1 << 8
    # straight into the output (viewed as int32 pairs); 'wrap' skips the bounds check,
    # which a uint16 index into a 65,536-entry table cannot fail
    np.take(pairs, words, out=out[:even].view(np.int32), mode="wrap")
    if even != codes.size:
        out[-1] = table[codes[-1]]
    return out


def _as_int16(samples: np.ndarray | Audio) -> np.ndarray:
    if isinstance(samples, Audio):
        if samples.rate != LINE_RATE:
            raise AudioError(
                f"G.711 carries 8000 Hz audio, this is {samples.rate} Hz: resample it first "
                "or use g711.encode(audio), which does"
            )
        return samples.mono().pcm16()
    a = np.asarray(samples)
    if a.dtype == np.int16:
        return a
    if np.issubdtype(a.dtype, np.integer):
        if a.size and (a.min() < -32768 or a.max() > 32767):
            raise AudioError(
                "G.711 encodes 16-bit PCM; values outside -32768..32767 were given "
                "(scale them down or pass an Audio)"
            )
        return a.astype(np.int16)
    raise AudioError(
        f"G.711 encodes int16 PCM samples, got dtype {a.dtype}; pass an Audio or "
        "convert floats with Audio(samples, rate).pcm16()"
    )


def _as_codes(codes: np.ndarray | bytes | bytearray | memoryview) -> np.ndarray:
    if isinstance(codes, (bytes, bytearray, memoryview)):
        return np.frombuffer(codes, dtype=np.uint8)
    a = np.asarray(codes)
    if a.dtype != np.uint8:
        if not np.issubdtype(a.dtype, np.integer) or (a.size and (a.min() < 0 or a.max() > 255)):
            raise AudioError(f"G.711 codes are bytes 0..255, got dtype {a.dtype}")
        a = a.astype(np.uint8)
    return a


def ulaw_encode(samples: np.ndarray | Audio) -> np.ndarray:
    """Encode int16 PCM (or an 8 kHz Audio) to mu-law codes (uint8)."""
    return np.take(_ULAW_ENC, _as_int16(samples).view(np.uint16), mode="wrap")


def ulaw_decode(codes: np.ndarray | bytes) -> np.ndarray:
    """Decode mu-law codes (uint8 array or bytes) to int16 PCM."""
    return _decode(_as_codes(codes), _ULAW_DEC, _ULAW_DEC2)


def alaw_encode(samples: np.ndarray | Audio) -> np.ndarray:
    """Encode int16 PCM (or an 8 kHz Audio) to A-law codes (uint8)."""
    return np.take(_ALAW_ENC, _as_int16(samples).view(np.uint16), mode="wrap")


def alaw_decode(codes: np.ndarray | bytes) -> np.ndarray:
    """Decode A-law codes (uint8 array or bytes) to int16 PCM."""
    return _decode(_as_codes(codes), _ALAW_DEC, _ALAW_DEC2)


_ENCODERS = {"pcmu": ulaw_encode, "pcma": alaw_encode}
_DECODERS = {"pcmu": ulaw_decode, "pcma": alaw_decode}
_ALIASES = {
    "pcmu": "pcmu",
    "ulaw": "pcmu",
    "mulaw": "pcmu",
    "mu-law": "pcmu",
    "pcma": "pcma",
    "alaw": "pcma",
    "a-law": "pcma",
}


def _law(law: str) -> str:
    key = _ALIASES.get(str(law).lower())
    if key is None:
        raise AudioError(f"unknown G.711 law {law!r}: use 'pcmu' (mu-law) or 'pcma' (A-law)")
    return key


def encode(audio: Audio, law: Law = "pcmu") -> bytes:
    """An Audio as a G.711 byte stream at 8 kHz (mono), e.g. an RTP payload."""
    return _ENCODERS[_law(law)](audio.mono().resample(LINE_RATE)).tobytes()


def decode(data: bytes, law: Law = "pcmu", rate: int = LINE_RATE) -> Audio:
    """A G.711 byte stream back to an Audio (8 kHz unless `rate` says otherwise)."""
    pcm = _DECODERS[_law(law)](data)
    return Audio(pcm, LINE_RATE).resample(rate)


def codec_roundtrip(audio: Audio, law: Law = "pcmu") -> Audio:
    """What the far end hears: mono, resampled to 8 kHz, encoded and decoded with G.711."""
    key = _law(law)
    line = audio.mono().resample(LINE_RATE)
    return Audio(_DECODERS[key](_ENCODERS[key](line)), LINE_RATE)
