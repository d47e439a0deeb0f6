"""jambonz documents are normalised and validated with jambonz's own error messages."""

import pytest

from telenb.providers.jambonz import JambonzError, parse_app


def test_both_spellings_of_a_verb():
    verbs = parse_app([{"verb": "say", "text": "Hi"}, {"pause": {"length": 2}}])
    assert [(v.name, v.data) for v in verbs] == [("say", {"text": "Hi"}), ("pause", {"length": 2})]


def test_nested_prompts_and_targets_are_checked():
    verbs = parse_app([
        {"verb": "gather", "input": ["digits", "speech"], "numDigits": 1, "actionHook": "/menu",
         "say": {"text": "Press 1", "synthesizer": {"vendor": "google", "voice": "en-US-A"}}},
        {"verb": "dial", "target": [{"type": "phone", "number": "+15550123"}], "timeout": 20},
    ])  # fmt: skip
    assert [v.name for v in verbs] == ["gather", "dial"]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"verb": "say"}, "malformed jambonz payload: must be array"),
        (["say"], "must be array of objects"),
        ([{"say": {}, "play": {}}], "missing verb property"),
        ([{"verb": "sayy", "text": "x"}], "invalid instruction: sayy"),
        ([{"verb": "say", "txt": "x"}], "say: unknown property txt"),
        ([{"verb": "say"}], "say: missing value for text"),
        (
            [{"verb": "gather", "numDigits": "4"}],
            "gather: property numDigits has invalid data type",
        ),
        ([{"verb": "gather", "input": "digits"}], "gather: property input is not an array"),
        ([{"verb": "dial"}], "dial: missing value for target"),
        ([{"verb": "dial", "target": [{"type": "fax"}]}], "invalid value fax must be one of"),
        ([{"verb": "dial", "target": [{"number": "+1555"}]}], "target: missing value for type"),
        ([{"verb": "pause", "length": True}], "pause: property length has invalid data type"),
        ([{"verb": "redirect"}], "redirect: missing value for actionHook"),
        ([{"verb": "say", "text": "x", "synthesizer": {"gender": "x"}}], "invalid value x"),
        ([{"verb": "tag", "data": "x"}], "tag: property data has invalid data type"),
    ],
)
def test_invalid_documents_fail_as_jambonz_reports_them(document, message):
    with pytest.raises(JambonzError, match=message):
        parse_app(document)


def test_verbs_telenb_does_not_simulate_are_valid_but_marked():
    [verb] = parse_app([{"verb": "listen", "url": "wss://x"}])
    assert verb.name == "listen" and not verb.simulated
