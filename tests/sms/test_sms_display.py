"""Plain-text and HTML views, and price estimates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from telenb.errors import ConfigurationError
from telenb.sms import EXAMPLE_PRICE_PER_SEGMENT, price, segments


def test_repr_is_a_deterministic_one_liner():
    s = segments("a" * 161)
    assert repr(s) == "Segmentation(encoding='GSM-7', num_segments=2, units=161, characters=161)"


def test_describe_lists_counts_reasons_and_segments():
    text = segments("Caf\u00e9 \u201cok\u201d " + "x" * 70).describe()
    lines = text.splitlines()
    # "Café " 5 + quotes and "ok" 4 + space 1 + 70 = 80 (é is GSM-7, the quotes are not)
    assert lines[0] == "UCS-2 \u00b7 2 segments \u00b7 80 code units \u00b7 80 characters"
    assert "UCS-2 because 2 characters are not in the GSM-7 alphabet:" in lines
    assert "  U+201C LEFT DOUBLE QUOTATION MARK at index 5 (smart encoding: '\"')" in lines
    assert "With smart=True every one of them would be replaced" in text
    assert lines[-2].startswith("  1/2  67/67 code units  ")
    assert lines[-1].startswith("  2/2  13/67 code units  ")
    assert text == segments("Caf\u00e9 \u201cok\u201d " + "x" * 70).describe()


def test_describe_explains_extension_characters():
    text = segments("{a} costs 5\u20ac\f").describe()
    # 13 characters, 4 of them extension characters: 13 + 4 = 17 septets
    assert text.splitlines()[0] == "GSM-7 \u00b7 1 segment \u00b7 17 septets \u00b7 13 characters"
    assert "4 extension characters ({ } \u20ac \\f) cost 2 septets each" in text


def test_ipython_pretty_printing_uses_describe():
    pretty = pytest.importorskip("IPython.lib.pretty")
    s = segments("a" * 161)
    assert pretty.pretty(s) == s.describe()


def test_describe_says_why_smart_encoding_did_not_apply():
    text = segments("It\u2019s \U0001f600", smart=True).describe()
    assert "U+1F600 GRINNING FACE at index 5 has no GSM-7 equivalent" in text


def test_describe_reports_replacements_and_broken_clusters():
    assert 'index 2: U+2019 RIGHT SINGLE QUOTATION MARK -> "\'"' in (
        segments("It\u2019s", smart=True).describe()
    )
    assert "cluster at index 0 is larger than a segment" in segments("e" + "\u0301" * 80).describe()


def test_html_draws_one_box_per_segment_and_escapes_text():
    s = segments("<b>&</b> " * 40)
    html = s._repr_html_()
    assert html.count('class="telenb-sms-segment"') == s.num_segments == 3
    assert "<b>&" not in html and "&lt;b&gt;&amp;&lt;/b&gt;" in html
    assert html == segments("<b>&</b> " * 40)._repr_html_()


def test_html_marks_extension_and_non_gsm_characters():
    gsm = segments("price: 5€")._repr_html_()
    assert 'title="2 septets: ESC + U+20AC EURO SIGN"' in gsm
    ucs = segments("Flag \U0001f1fa\U0001f1f8 \u2014 ok")._repr_html_()
    assert "UCS-2 because" in ucs
    # the whole flag is one mark, so the browser can still draw it as one glyph
    assert (
        'title="not GSM-7: U+1F1FA REGIONAL INDICATOR SYMBOL LETTER U + '
        'U+1F1F8 REGIONAL INDICATOR SYMBOL LETTER S"' in ucs
    )
    assert "\U0001f1fa\U0001f1f8</span>" in ucs


def test_price_is_segments_times_price_per_segment():
    est = price("a" * 161)
    assert est.segments == 2 and est.per_segment == EXAMPLE_PRICE_PER_SEGMENT
    assert est.total == Decimal("0.0158") and est.currency == "USD"
    assert str(est) == "2 x 0.0079 USD = 0.0158 USD (GSM-7)"


def test_price_takes_a_segmentation_or_text_and_any_price():
    s = segments("\u201cHi\u201d " + "a" * 150)  # 155 units in UCS-2: 3 segments
    assert price(s, per_segment=0.01).total == Decimal("0.03")
    assert price(s.original, per_segment="0.05", currency="EUR", smart=True).total == Decimal(
        "0.05"
    )  # smart encoding makes it GSM-7: 155 septets, one segment


@pytest.mark.parametrize("bad", [-1, "cheap", float("nan"), None])
def test_price_rejects_nonsense(bad):
    with pytest.raises(ConfigurationError, match="per_segment"):
        price("hi", per_segment=bad)
