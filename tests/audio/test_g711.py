"""G.711 against outside truths: the ITU-T G.191 conformance vectors and the G.711 tables.

The scalar reference below is transcribed from the segment tables of ITU-T G.711
(Table 1/G.711 for A-law, Table 2/G.711 for mu-law): decision intervals per segment, the
decoder output is the interval midpoint. It is deliberately written differently from the
module under test (interval search instead of bit arithmetic).
"""

from __future__ import annotations

import bisect
import warnings

import numpy as np
import pytest

from telenb.audio import Audio, g711
from telenb.errors import AudioError

# (first decision value, step, number of intervals) per segment, magnitude units as in G.711
MU_SEGMENTS = [
    (1, 2, 15),
    (31, 4, 16),
    (95, 8, 16),
    (223, 16, 16),
    (479, 32, 16),
    (991, 64, 16),
    (2015, 128, 16),
    (4063, 256, 16),
]  # 14-bit, plus [0,1) first
A_SEGMENTS = [
    (0, 2, 16),
    (32, 2, 16),
    (64, 4, 16),
    (128, 8, 16),
    (256, 16, 16),
    (512, 32, 16),
    (1024, 64, 16),
    (2048, 128, 16),
]  # 13-bit


def _intervals(law: str) -> list[tuple[int, int]]:
    """The 128 magnitude intervals [lo, hi) in increasing order."""
    out = [(0, 1)] if law == "mu" else []
    for first, step, count in MU_SEGMENTS if law == "mu" else A_SEGMENTS:
        out += [(first + k * step, first + (k + 1) * step) for k in range(count)]
    assert len(out) == 128
    return out


MU_IV, A_IV = _intervals("mu"), _intervals("a")
MU_SHIFT, A_SHIFT = 2, 3  # 16-bit word = 14-bit (mu) or 13-bit (A) value, left-justified


def ref_encode(x: int, law: str) -> int:
    iv, shift = (MU_IV, MU_SHIFT) if law == "mu" else (A_IV, A_SHIFT)
    mag = (x if x >= 0 else -x - 1) >> shift  # one's complement for negatives, as G.191
    i = min(bisect.bisect_right([lo for lo, _ in iv], mag) - 1, 127)  # overload: last one
    if law == "mu":
        return (255 - i) if x >= 0 else (127 - i)  # mu-law sends inverted magnitude bits
    return (0x80 | i if x >= 0 else i) ^ 0x55  # A-law inverts the even bits


def ref_decode(code: int, law: str) -> int:
    if law == "mu":
        i = 127 - (code & 0x7F)
        lo, hi = MU_IV[i]
        mag = 0 if i == 0 else (lo + hi) // 2
        return (mag << MU_SHIFT) * (1 if code & 0x80 else -1)
    c = code ^ 0x55
    lo, hi = A_IV[c & 0x7F]
    return (((lo + hi) // 2) << A_SHIFT) * (1 if c & 0x80 else -1)


ALL16 = np.arange(-32768, 32768).astype(np.int16)
ALL8 = np.arange(256).astype(np.uint8)
LAWS = {"mu": (g711.ulaw_encode, g711.ulaw_decode), "a": (g711.alaw_encode, g711.alaw_decode)}


@pytest.mark.parametrize("law", ["mu", "a"])
def test_encode_exhaustive_against_spec_tables(law):
    enc, _ = LAWS[law]
    expected = np.array([ref_encode(int(x), law) for x in ALL16], dtype=np.uint8)
    got = enc(ALL16)
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("law", ["mu", "a"])
def test_decode_all_codes_against_spec_tables(law):
    _, dec = LAWS[law]
    expected = np.array([ref_decode(int(c), law) for c in ALL8], dtype=np.int16)
    got = dec(ALL8)
    assert got.dtype == np.int16
    np.testing.assert_array_equal(got, expected)


def test_spec_reference_spot_values():
    # Hand-checkable points from the tables: top of range, zero, a segment boundary.
    assert ref_decode(0x80, "mu") == 8031 * 4 and ref_decode(0xFF, "mu") == 0
    assert ref_decode(0xD5, "a") == 8 and ref_decode(0xAA, "a") == 4032 * 8
    assert ref_encode(0, "mu") == 0xFF and ref_encode(-1, "mu") == 0x7F
    assert ref_encode(0, "a") == 0xD5 and ref_encode(-1, "a") == 0x55


def _vector(g711_dir, name: str) -> np.ndarray:
    data = np.fromfile(g711_dir / name, dtype="<i2")
    assert data.size == 65536, f"{name} should hold 65,536 16-bit words"
    return data


def _codes(g711_dir, name: str) -> np.ndarray:
    words = _vector(g711_dir, name)
    assert (words >= 0).all() and (words <= 255).all(), "codes sit in the low byte"
    return words.astype(np.uint8)


@pytest.mark.parametrize(
    ("law", "enc_file", "dec_file", "rt_file"),
    [
        ("mu", "sweep-r.u", "sweep-r.u-u", "sweep-r.reu"),
        ("a", "sweep-r.a", "sweep-r.a-a", "sweep-r.rea"),
    ],
)
def test_itu_g191_vectors(g711_dir, law, enc_file, dec_file, rt_file):
    enc, dec = LAWS[law]
    src = _vector(g711_dir, "sweep.src")
    np.testing.assert_array_equal(np.sort(src), ALL16)  # the sweep is every 16-bit input
    codes = _codes(g711_dir, enc_file)
    np.testing.assert_array_equal(enc(src), codes)
    np.testing.assert_array_equal(dec(codes), _vector(g711_dir, dec_file))
    np.testing.assert_array_equal(dec(enc(src)), _vector(g711_dir, rt_file))


@pytest.mark.parametrize("law", ["mu", "a"])
def test_spec_reference_agrees_with_itu_vectors(g711_dir, law):
    """Ties the transcribed tables to the ITU files, so neither can drift alone."""
    src = _vector(g711_dir, "sweep.src")
    codes = _codes(g711_dir, "sweep-r.u" if law == "mu" else "sweep-r.a")
    sample = slice(None, None, 97)
    assert [ref_encode(int(x), law) for x in src[sample]] == codes[sample].tolist()


@pytest.mark.parametrize("law", ["mu", "a"])
def test_decode_any_layout(law):
    """Odd lengths, strided views, bytes and 2-D arrays decode code by code."""
    _, dec = LAWS[law]
    codes = np.random.default_rng(3).integers(0, 256, 1001).astype(np.uint8)
    expected = np.array([ref_decode(int(c), law) for c in codes], dtype=np.int16)
    np.testing.assert_array_equal(dec(codes), expected)
    np.testing.assert_array_equal(dec(codes[::3]), expected[::3])
    np.testing.assert_array_equal(dec(codes.tobytes()), expected)
    np.testing.assert_array_equal(
        dec(codes[:1000].reshape(10, 100)), expected[:1000].reshape(10, 100)
    )


@pytest.mark.parametrize("law", ["mu", "a"])
def test_decode_then_encode_is_stable(law):
    enc, dec = LAWS[law]
    values = dec(ALL8)
    again = enc(values)
    stable = dec(again)
    np.testing.assert_array_equal(stable, values)
    # every code but mu-law's negative zero (0x7F decodes to 0, which encodes as 0xFF)
    same = again == ALL8
    assert np.count_nonzero(~same) == (1 if law == "mu" else 0)


def test_audioop_is_not_a_reference_for_mu_law(g711_dir):
    """CPython's audioop rounds some negative mu-law inputs differently from G.191."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop  # stdlib up to 3.12; the test extra installs audioop-lts on 3.13+
    src = _vector(g711_dir, "sweep.src")
    theirs = np.frombuffer(audioop.lin2ulaw(src.tobytes(), 2), np.uint8)
    itu = _codes(g711_dir, "sweep-r.u")
    assert np.count_nonzero(theirs != itu) > 0
    assert np.count_nonzero(g711.ulaw_encode(src) != itu) == 0


def test_bytes_and_audio_helpers():
    tone = Audio(0.5 * np.sin(2 * np.pi * 1000 * np.arange(800) / 8000), 8000)
    data = g711.encode(tone, "pcmu")
    assert isinstance(data, bytes) and len(data) == 800
    back = g711.decode(data, "ulaw")
    assert back.rate == 8000 and back.frames == 800
    # mu-law at this level: SNR about 38 dB (G.711 quantisation), far above 30 dB
    err = back.samples - tone.samples
    snr = 10 * np.log10(np.sum(tone.samples**2) / np.sum(err**2))
    assert 33 < snr < 45


@pytest.mark.parametrize("law", ["pcmu", "pcma"])
def test_codec_roundtrip_resamples_to_8k(law):
    t = np.arange(16000) / 16000
    wide = Audio(0.3 * np.sin(2 * np.pi * 440 * t), 16000)
    out = g711.codec_roundtrip(wide, law)
    assert out.rate == 8000 and out.frames == 8000
    spectrum = np.abs(np.fft.rfft(out.samples))
    assert np.argmax(spectrum) == 440  # 1 Hz bins over one second


def test_bad_inputs_raise_audio_error():
    with pytest.raises(AudioError, match="int16"):
        g711.ulaw_encode(np.zeros(4, np.float64))
    with pytest.raises(AudioError, match="outside"):
        g711.alaw_encode(np.array([40000]))
    with pytest.raises(AudioError, match=r"0\.\.255"):
        g711.ulaw_decode(np.array([300]))
    with pytest.raises(AudioError, match="pcmu"):
        g711.codec_roundtrip(Audio.silence(0.1), "gsm")
    assert g711.ulaw_encode(np.zeros(0, np.int16)).size == 0
    with pytest.raises(AudioError, match="8000 Hz"):
        g711.ulaw_encode(Audio.silence(0.1, rate=16000))
    assert g711.codec_roundtrip(Audio.silence(0, rate=16000), "pcma").frames == 0
