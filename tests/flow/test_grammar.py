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


# A recogniser's words around the answer: SRGS (W3C Speech Recognition Grammar Specification
# 1.0, 2.2.3) has the special rule GARBAGE for exactly this, and Microsoft's Speech Server
# lesson on it shows "new reservation, please" and "I want to make a new reservation"
# matching the item "new reservation" once it is wrapped in GARBAGE.  Twilio's <Gather
# input="speech" hints="..."> returns the whole transcript (SpeechResult) and leaves the
# choosing to the app.  `within=True` is that GARBAGE wrapping, for the flow layer.
@pytest.mark.parametrize(
    "heard,value,interpretation",
    [
        ("red please", "red", "red"),
        ("I'd like the red one.", "red", "red"),
        ("Um, blue, I think", "blue", "blue"),
        ("I want to make a new reservation", "booking", "new reservation"),
        ("new reservation", "booking", "new reservation"),  # exact, as before
        ("red red", "red", "red"),  # the same choice twice is still one choice
    ],
)
def test_within_finds_the_one_choice_named_in_a_longer_utterance(heard, value, interpretation):
    g = parse("red, blue, booking(new reservation, 1)")
    m = g.match_speech(heard, within=True)
    assert (m.value, m.concept, m.interpretation, m.utterance) == (
        value, value, interpretation, heard)  # fmt: skip
    assert m.mode == "speech"


@pytest.mark.parametrize(
    "heard",
    [
        "red or blue",  # two different choices: ambiguous, never a guess
        "not red but blue",
        "reddish please",  # a phrase counts only as whole words
        "I'd like the purple one",
        "",
    ],
)
def test_within_refuses_ambiguous_or_partial_words(heard):
    g = parse("red, blue, booking(new reservation, 1)")
    assert g.match_speech(heard, within=True) is None
    assert g.match_speech(heard) is None  # and the exact matcher refuses them too


def test_within_prefers_the_longer_phrase_found_in_the_same_place():
    g = parse("red, red wine, white wine")
    assert g.match_speech("a glass of red wine please", within=True).value == "red wine"
    assert g.match_speech("red please", within=True).value == "red"
    assert g.match_speech("red wine or white wine", within=True) is None


def test_within_keeps_exact_matches_and_digits_first_and_any_last():
    g = parse("sales(1, sales), support(2, support, help desk)")
    assert g.match_speech("support please") is None  # without `within`: whole phrases only
    assert g.match_speech("support please", within=True).value == "support"
    assert g.match_speech("two", within=True).value == "support"  # a spoken key, exactly
    anything = parse("red, blue, [ANY]")
    assert anything.match_speech("red please", within=True).value == "red"
    assert anything.match_speech("nothing at all", within=True).value == "nothing at all"
    assert parse("[4 DIGITS]").match_speech("one two three four", within=True).value == "1234"
