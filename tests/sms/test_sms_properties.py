"""Invariants of segmentation, checked with hypothesis against the rules in sms_spec."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sms_spec import (
    GSM_CHARS,
    MULTI,
    SINGLE,
    atoms,
    cluster_boundaries,
    clusters,
    cost,
    min_segments,
)

from telenb.sms import SMART_ENCODING, segments
from telenb.sms.pdu import decode, decode_user_data, encode

GSM_PIECES = sorted(GSM_CHARS) + ["\r\n"] * 3 + ["a"] * 40 + [" "] * 10
OTHER_PIECES = [
    "ж", "ç", "中", "\u201c", "\u2014", "\u2026", "\u00a0", "\u2019", "\U0001f600",
    "\U0001f44d\U0001f3fd", "\U0001f1fa\U0001f1f8", "\U0001f1fa",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467", "#\ufe0f\u20e3", "e\u0301", "\u0301",
    "\u200d", "\ufe0f", "\u200b", "a" + "\u0301" * 70, "\U0001f600\u200d" * 40,
]  # fmt: skip

gsm_text = st.lists(st.sampled_from(GSM_PIECES), min_size=1, max_size=500).map("".join)
mixed_text = st.lists(st.sampled_from(GSM_PIECES * 3 + OTHER_PIECES), min_size=1, max_size=300).map(
    "".join
)
unicode_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\r\f"),
    min_size=1,
    max_size=300,
)
# An unsplittable piece placed right at a segment boundary, where splitting bugs show.
UNSPLITTABLE = ["\r\n", "€", "\f", "{", *OTHER_PIECES]
near_boundary = st.builds(
    lambda pad, piece, tail: "a" * pad + piece + tail,
    st.sampled_from([64, 65, 66, 67, 68, 69, 150, 151, 152, 153, 158, 159, 302, 305]),
    st.sampled_from(UNSPLITTABLE),
    st.text(st.sampled_from("bc€"), min_size=1, max_size=20),
)
any_text = st.one_of(gsm_text, mixed_text, unicode_text, near_boundary)
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_segments(s) -> None:
    enc = s.encoding
    # joined segments are the text, in order, without gaps or empty segments
    assert "".join(seg.text for seg in s.segments) == s.text
    pos = 0
    for n, seg in enumerate(s.segments, 1):
        assert (seg.number, seg.start) == (n, pos) and seg.text
        assert s.text[seg.start : seg.end] == seg.text
        pos = seg.end
    assert pos == len(s.text)
    # one segment up to 160/70 units, else every segment at most 153/67
    total = cost(s.text, enc)
    assert s.units == total
    single = total <= SINGLE[enc]
    assert (s.num_segments == 1) is single
    cap = SINGLE[enc] if single else MULTI[enc]
    for seg in s.segments:
        assert seg.capacity == cap
        assert seg.units == cost(seg.text, enc) <= cap
    # cuts fall on grapheme cluster boundaries, except inside clusters bigger than a segment
    bounds = cluster_boundaries(s.text)
    huge, start = [], 0
    for c in clusters(s.text):
        if cost(c, enc) > cap:
            huge.append((start, start + len(c)))
        start += len(c)
    assert list(s.broken_clusters) == [a for a, _ in huge]
    for seg in s.segments[1:]:
        assert seg.start in bounds or any(a < seg.start < b for a, b in huge)
    # as few segments as any cutting that keeps the unsplittable pieces whole
    assert s.num_segments == min_segments(s.text, enc)
    # greedy: what starts a segment would not have fitted in the one before
    for prev, seg in zip(s.segments, s.segments[1:], strict=False):
        first = atoms(seg.text, enc, cap)[0]
        assert prev.units + cost(first, enc) > cap


@relaxed
@given(any_text)
def test_segments_obey_the_rules(text):
    s = segments(text, max_length=None)
    check_segments(s)
    # GSM-7 exactly when every character is in the alphabet (else UCS-2 for the whole text)
    assert s.text == text
    assert (s.encoding == "GSM-7") is all(c in GSM_CHARS for c in text)
    assert [(c.char, c.index) for c in s.non_gsm] == [
        (c, i) for i, c in enumerate(text) if c not in GSM_CHARS
    ]


@relaxed
@given(st.text(st.sampled_from("abc XYZ.,!?0123456789"), min_size=1, max_size=1600))
def test_single_septet_text_follows_the_textbook_formula(text):
    n = len(text)
    assert segments(text).num_segments == (1 if n <= 160 else math.ceil(n / 153))


@relaxed
@given(st.text(st.sampled_from("жщыэ中文"), min_size=1, max_size=1600))
def test_bmp_text_follows_the_ucs2_formula(text):
    n = len(text)
    assert segments(text).num_segments == (1 if n <= 70 else math.ceil(n / 67))


@relaxed
@given(mixed_text)
def test_smart_encoding_is_all_or_nothing(text):
    s = segments(text, smart=True, max_length=None)
    check_segments(s)
    convertible = all(c in GSM_CHARS or c in SMART_ENCODING for c in text)
    replaced = "".join(SMART_ENCODING.get(c, c) for c in text)
    if all(c in GSM_CHARS for c in text) or not convertible or not replaced:
        assert s.text == text and s.replacements == ()
        assert s.encoding == segments(text, max_length=None).encoding
        return
    assert s.encoding == "GSM-7" and s.text == replaced
    assert [(r.index, r.char, r.replacement) for r in s.replacements] == [
        (i, c, SMART_ENCODING[c]) for i, c in enumerate(text) if c not in GSM_CHARS
    ]


@relaxed
@given(any_text)
def test_user_data_fits_and_each_part_decodes_alone(text):
    s = segments(text, max_length=None)
    if s.num_segments > 255:
        return
    parts = encode(s, reference=7)
    assert len(parts) == s.num_segments
    for seg, ud in zip(s.segments, parts, strict=True):
        assert len(ud.data) <= 140  # one SMS carries 140 octets of user data
        if s.encoding == "GSM-7":
            assert ud.udl <= 160 and ud.udl == seg.units + (7 if ud.udhi else 0)
        else:
            assert ud.udl == len(ud.data) == 2 * seg.units + (6 if ud.udhi else 0)
        # no escape pair or surrogate pair straddles two parts: each decodes on its own
        assert decode_user_data(ud.data, udl=ud.udl, dcs=ud.dcs, udhi=ud.udhi)[1] == seg.text
    assert decode(reversed(parts)) == text


def test_every_unsplittable_piece_at_every_offset_near_a_boundary():
    """Exhaustive where random search is thin: each piece at each offset around the cuts."""
    pads = [*range(60, 71), *range(146, 162), *range(298, 310)]
    for pad in pads:
        for piece in UNSPLITTABLE:
            check_segments(segments("a" * pad + piece + "b" * 20))
