"""Tropo Simple Grammar: forms, matching, completion of keyed input, errors with columns."""

import pytest

from telenb.errors import GrammarError
from telenb.flow.grammar import normalize, parse, spoken_to_digits


def test_simple_list_matches_each_item_case_and_punctuation_insensitive():
    g = parse("black, red, blue, green")
    assert g.match_speech("Red!").value == "red"
    assert g.match_speech("  BLUE ").value == "blue"
    assert g.match_speech("purple") is None
    assert g.match_dtmf("1") is None
    assert not g.accepts_dtmf


def test_concepts_return_the_concept_name_for_any_synonym_or_key():
    g = parse("sales(1, sales, selling), support(2, support, help desk)")
    for heard in ("sales", "selling"):
        m = g.match_speech(heard)
        assert (m.value, m.concept, m.interpretation) == ("sales", "sales", heard)
    assert g.match_speech("help desk").value == "support"
    m = g.match_dtmf("2")
    assert (m.value, m.interpretation, m.mode) == ("support", "2", "dtmf")
    assert g.match_speech("two").value == "support"  # keys may be spoken
    assert g.match_speech("support please") is None  # whole phrases only


def test_concept_names_may_have_spaces_and_digits():
    g = parse("1st Floor (first, house wares, 1), 2nd Floor (second, bed and bath, 2)")
    assert g.match_speech("bed and bath").value == "2nd Floor"
    assert g.match_dtmf("1").value == "1st Floor"


def test_plain_digit_items_are_keys_and_speakable():
    g = parse("small,1,medium,2")
    assert g.match_dtmf("2").value == "2"
    assert g.match_speech("one").value == "1"
    assert g.match_speech("medium").value == "medium"


@pytest.mark.parametrize(
    "source,ok,bad",
    [
        ("[4 DIGITS]", ["1234"], ["123", "12345", "12a4"]),
        ("[1-6 DIGITS]", ["1", "123456"], ["1234567", ""]),
        ("[DIGITS]", ["1", "12345678901234"], [""]),
        ("[1 DIGIT]", ["7"], ["77"]),
        ("[2-3 digits]", ["12", "123"], ["1"]),
    ],
)
def test_digit_grammars(source, ok, bad):
    g = parse(source)
    for d in ok:
        assert g.match_dtmf(d).value == d
    for d in bad:
        assert g.match_dtmf(d) is None


def test_digits_can_be_spoken():
    g = parse("[5 DIGITS]")
    assert g.match_speech("three two oh one five").value == "32015"
    assert g.match_speech("double seven one two three").value == "77123"
    assert spoken_to_digits("nine one one") == "911"
    assert spoken_to_digits("nine lives") is None


def test_dtmf_complete_knows_when_no_more_keys_can_change_the_result():
    assert parse("[4 DIGITS]").dtmf_complete("1234")
    assert not parse("[4 DIGITS]").dtmf_complete("123")
    assert not parse("[1-6 DIGITS]").dtmf_complete("12")
    assert not parse("[DIGITS]").dtmf_complete("12345")
    g = parse("one(1), eleven(11), two(2)")
    assert not g.dtmf_complete("1")  # 11 is still possible
    assert g.dtmf_complete("11") and g.dtmf_complete("2")
    assert parse("[1-6 DIGITS]").max_digits == 6 and parse("[DIGITS]").max_digits is None


def test_any_grammar_accepts_anything():
    assert parse("[ANY]").match_speech("whatever you like").value == "whatever you like"


def test_phrases_lists_spoken_forms_for_recognisers():
    assert parse("yes(1, yes, yeah), no(2, no)").phrases() == ["yes", "yeah", "one", "no", "two"]


def test_normalize():
    assert normalize("  It’s  RED, please! ") == "it's red please"


@pytest.mark.parametrize(
    "source,column,words",
    [
        ("red, blue(1, blue", 10, "never closed"),
        ("red,,blue", 5, "empty choice"),
        ("[4 DIGITZ]", 1, "unknown built-in grammar"),
        ("(1, 2)", 1, "needs a name"),
        ("a(b)c", 5, "after ')'"),
        ("[5-3 DIGITS]", 1, "is empty"),
        ("red)", 4, "without a matching"),
        ("a((b))", 3, "nested"),
        ("sales(1,, sales)", 9, "empty synonym"),
        ("", 1, "empty"),
        ("[4 DIGITS], [2 DIGITS]", 13, "only one"),
    ],
)
def test_syntax_errors_name_the_column(source, column, words):
    with pytest.raises(GrammarError) as err:
        parse(source)
    assert err.value.position == column - 1
    assert f"column {column}" in str(err.value) and words in str(err.value)
    # the message shows the text with a caret under the offending column
    lines = str(err.value).splitlines()
    assert lines[-1].index("^") - 2 == column - 1


def test_non_string_choices_are_an_error():
    with pytest.raises(GrammarError, match="must be a string"):
        parse(["red", "blue"])
