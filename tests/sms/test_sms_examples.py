"""Worked examples.  Every expected count is worked out by hand from the rules in the comment
beside it (160/153 septets, 70/67 UTF-16 units, extension characters 2 septets, nothing
split), never by running the code."""

from __future__ import annotations

import pytest

from telenb.sms import segments

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # 3 emoji (2 units each) + 2 ZWJ = 8
THUMB = "\U0001f44d\U0001f3fd"  # thumbs up + skin tone: 4 units, one cluster
FLAG_US = "\U0001f1fa\U0001f1f8"  # two regional indicators: 4 units, one cluster
KEYCAP = "#\ufe0f\u20e3"  # '#' + VS16 + combining keycap: 3 units, one cluster
GRIN = "\U0001f600"  # 2 units

# (id, text, smart, encoding, units per segment)
EXAMPLES = [
    # --- GSM-7: 160 in one segment, then 153 per segment
    ("160 plain", "a" * 160, False, "GSM-7", [160]),
    ("161 plain", "a" * 161, False, "GSM-7", [153, 8]),
    ("153*2 plain", "a" * 306, False, "GSM-7", [153, 153]),
    ("307 plain", "a" * 307, False, "GSM-7", [153, 153, 1]),
    ("1530 plain", "a" * 1530, False, "GSM-7", [153] * 10),
    ("1531 plain", "a" * 1531, False, "GSM-7", [153] * 10 + [1]),
    ("1600 plain", "a" * 1600, False, "GSM-7", [153] * 10 + [70]),  # 1600 - 1530 = 70
    # --- extension characters: 2 septets each
    ("80 euro", "€" * 80, False, "GSM-7", [160]),  # 80 * 2 = 160
    ("81 euro", "€" * 81, False, "GSM-7", [152, 10]),  # 76 fit in 153 (152), 5 left
    ("158+euro", "a" * 158 + "€", False, "GSM-7", [160]),
    ("159+euro", "a" * 159 + "€", False, "GSM-7", [153, 8]),  # 161 > 160; 6 a + € = 8
    ("euro at boundary", "a" * 152 + "€" + "b" * 10, False, "GSM-7", [152, 12]),  # 154 > 153
    ("form feed 2", "a" * 159 + "\f", False, "GSM-7", [153, 8]),
    ("all ten", "{}[]~\\|^€\f", False, "GSM-7", [20]),
    # --- LF and CR are GSM-7 (1 septet); CR LF is one grapheme cluster, LF CR is not
    ("crlf", "a\r\nb", False, "GSM-7", [4]),
    ("crlf at boundary", "a" * 152 + "\r\n" + "b" * 10, False, "GSM-7", [152, 12]),
    ("lfcr at boundary", "a" * 152 + "\n\r" + "b" * 10, False, "GSM-7", [153, 11]),
    # --- accents: some are in GSM-7, most are not
    ("German", "Grüße aus Köln", False, "GSM-7", [14]),
    ("capital C cedilla", "Ça va", False, "GSM-7", [5]),
    ("small c cedilla", "ça va", False, "UCS-2", [5]),
    ("u circumflex", "Crème brûlée", False, "UCS-2", [12]),
    ("backtick", "a`b", False, "UCS-2", [3]),
    # --- UCS-2: 70 in one segment, then 67 per segment, for the whole message
    ("70 ucs2", "ж" * 70, False, "UCS-2", [70]),
    ("71 ucs2", "ж" * 71, False, "UCS-2", [67, 4]),
    ("134 ucs2", "ж" * 134, False, "UCS-2", [67, 67]),
    ("135 ucs2", "ж" * 135, False, "UCS-2", [67, 67, 1]),
    ("one char forces all", "a" * 69 + "ж", False, "UCS-2", [70]),
    ("one char forces all 71", "a" * 70 + "ж", False, "UCS-2", [67, 4]),
    ("1600 ucs2", "ж" * 1600, False, "UCS-2", [67] * 23 + [59]),  # 23 * 67 = 1541
    # --- surrogate pairs: 2 units, never split
    ("35 emoji", GRIN * 35, False, "UCS-2", [70]),
    ("36 emoji", GRIN * 36, False, "UCS-2", [66, 6]),  # 33 * 2 = 66, a 34th makes 68
    ("emoji at boundary", "a" * 66 + GRIN + "b" * 10, False, "UCS-2", [66, 12]),
    ("emoji fills 70", "ж" * 68 + GRIN, False, "UCS-2", [70]),
    ("emoji after 69", "ж" * 69 + GRIN, False, "UCS-2", [67, 4]),
    # --- grapheme clusters move whole
    ("flag at boundary", "a" * 65 + FLAG_US + "bb", False, "UCS-2", [65, 6]),
    ("skin tone at boundary", "a" * 64 + THUMB + "c" * 5, False, "UCS-2", [64, 9]),
    ("ZWJ family at boundary", "a" * 60 + FAMILY + "b" * 10, False, "UCS-2", [60, 18]),
    ("combining at boundary", "a" * 66 + "e\u0301" + "x" * 5, False, "UCS-2", [66, 7]),
    ("keycap at boundary", "a" * 65 + KEYCAP + "bbb", False, "UCS-2", [65, 6]),
    # --- a cluster bigger than a segment is the one thing broken (between code points)
    ("huge cluster", "e" + "\u0301" * 100, False, "UCS-2", [67, 34]),
    ("huge cluster later", "a" * 10 + "e" + "\u0301" * 100, False, "UCS-2", [67, 44]),
    # --- smart encoding
    ("apostrophe, plain", "It\u2019s " + "a" * 95, False, "UCS-2", [67, 33]),
    ("apostrophe, smart", "It\u2019s " + "a" * 95, True, "GSM-7", [100]),
    ("quotes dash ellipsis", "\u201cHello\u201d \u2014 it\u2019s\u2026", True, "GSM-7", [17]),
    ("half and nbsp", "\u00bd price\u00a0today", True, "GSM-7", [15]),  # 3+6+1+5
    ("fullwidth braces", "\uff5bx\uff5d", True, "GSM-7", [5]),  # { and } are 2 septets
    ("emoji blocks smart", "It\u2019s " + GRIN, True, "UCS-2", [7]),
    ("smart can cost more", "\u2026" * 70, True, "GSM-7", [153, 57]),  # 210 septets
    ("ellipsis, plain", "\u2026" * 70, False, "UCS-2", [70]),
    ("smart to empty", "\u200b", True, "UCS-2", [1]),
]


@pytest.mark.parametrize(
    "text, smart, encoding, units", [e[1:] for e in EXAMPLES], ids=[e[0] for e in EXAMPLES]
)
def test_worked_example(text, smart, encoding, units):
    s = segments(text, smart=smart)
    assert s.encoding == encoding
    assert [seg.units for seg in s.segments] == units
    assert s.num_segments == len(units)
    assert s.units == sum(units)
    assert "".join(seg.text for seg in s.segments) == s.text
    single = len(units) == 1
    assert all(
        seg.capacity
        == ({"GSM-7": 160, "UCS-2": 70} if single else {"GSM-7": 153, "UCS-2": 67})[encoding]
        for seg in s.segments
    )


def test_euro_counts_two_septets_one_character():
    s = segments("€")
    assert (s.units, s.characters, s.unit_name) == (2, 1, "septets")


def test_emoji_at_the_boundary_moves_whole_to_the_next_segment():
    s = segments("a" * 66 + GRIN + "b" * 10)
    assert s.segments[0].text == "a" * 66
    assert s.segments[1].text == GRIN + "b" * 10
    assert s.segments[0].free == 1


def test_escape_pair_at_the_boundary_moves_whole():
    s = segments("a" * 152 + "€" + "b" * 10)
    assert [seg.text for seg in s.segments] == ["a" * 152, "€" + "b" * 10]


@pytest.mark.parametrize("cluster", [FLAG_US, THUMB, FAMILY, KEYCAP, "e\u0301"])
def test_clusters_are_never_split(cluster):
    for pad in range(55, 70):
        s = segments("a" * pad + cluster + "z" * 20)
        assert any(cluster in seg.text for seg in s.segments), pad


def test_counts_of_a_family_emoji():
    s = segments(FAMILY)
    assert (s.units, s.characters, s.graphemes) == (8, 5, 1)


def test_huge_cluster_is_reported_and_broken_between_code_points():
    s = segments("a" * 10 + "e" + "\u0301" * 100)
    assert s.broken_clusters == (10,)
    assert s.segments[0].text == "a" * 10 + "e" + "\u0301" * 56
    assert segments("a" * 66 + GRIN).broken_clusters == ()


def test_huge_cluster_of_emoji_breaks_between_surrogate_pairs_only():
    flags = "\U0001f1fa" * 41  # regional indicators pair up: 20 flags + 1, each 4 units
    assert segments(flags).broken_clusters == ()
    zwj = "\u200d".join([GRIN] * 30)  # one ZWJ cluster: 30 * 2 + 29 = 89 units > 67
    s = segments(zwj)
    assert s.broken_clusters == (0,)
    # 22 x (emoji + ZWJ) = 66 units; the next emoji (2) would make 68: the pair is not split
    assert [seg.units for seg in s.segments] == [66, 23]
    for seg in s.segments:  # each segment is valid UTF-16 on its own
        assert seg.text.encode("utf-16-be").decode("utf-16-be") == seg.text


def test_non_gsm_lists_each_character_with_its_position():
    s = segments("Crème brûlée \u201cok\u201d")
    assert [(c.char, c.index) for c in s.non_gsm] == [("û", 8), ("\u201c", 13), ("\u201d", 16)]
    assert [c.replacement for c in s.non_gsm] == [None, '"', '"']
    assert s.non_gsm[1].label == "U+201C LEFT DOUBLE QUOTATION MARK"


def test_smart_encoding_reports_replacements_against_the_original():
    s = segments("\u201cHello\u201d \u2014 it\u2019s\u2026", smart=True)
    assert s.text == '"Hello" - it\'s...'
    assert s.original == "\u201cHello\u201d \u2014 it\u2019s\u2026"
    assert [(r.char, r.index, r.replacement) for r in s.replacements] == [
        ("\u201c", 0, '"'), ("\u201d", 6, '"'), ("\u2014", 8, "-"), ("\u2019", 12, "'"),
        ("\u2026", 14, "..."),
    ]  # fmt: skip
    assert s.non_gsm == ()


def test_smart_encoding_is_all_or_nothing():
    s = segments("It\u2019s " + GRIN, smart=True)
    assert s.text == s.original and s.replacements == ()
    assert [(c.char, c.replacement) for c in s.non_gsm] == [("\u2019", "'"), (GRIN, None)]


def test_smart_leaves_gsm_text_alone():
    s = segments("plain text", smart=True)
    assert s.text == "plain text" and s.replacements == () and s.encoding == "GSM-7"
