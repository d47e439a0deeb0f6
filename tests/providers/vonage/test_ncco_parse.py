"""NCCO documents are checked as a whole before any action runs, with the position named."""

import pytest

from telenb.providers.vonage.ncco import NccoError, parse_ncco


def test_a_valid_ncco_keeps_its_actions_and_their_options():
    ncco = [
        {"action": "talk", "text": "Hi", "bargeIn": True, "language": "en-GB", "style": 2},
        {"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 1, "timeOut": 5}},
        {"action": "record", "endOnKey": "#", "beepStart": True},
    ]
    actions = parse_ncco(ncco)
    assert [a.name for a in actions] == ["talk", "input", "record"]
    assert actions[1].get("dtmf") == {"maxDigits": 1, "timeOut": 5}
    assert all(a.unknown == [] for a in actions)


@pytest.mark.parametrize(
    ("ncco", "where", "problem"),
    [
        ('{"action": "talk", "text": "Hi"}', "", "wrap the object in [ ]"),
        ("[{]", "", "not JSON"),
        ([{"text": "Hi"}], "[0].action", "needs an 'action' name"),
        ([{"action": "say", "text": "Hi"}], "[0].action", "unknown action 'say'"),
        ([{"action": "talk"}], "[0].text", "is required"),
        ([{"action": "talk", "text": "x" * 1501}], "[0].text", "the limit is 1500"),
        ([{"action": "talk", "text": "Hi", "loop": -1}], "[0].loop", "between 0 and"),
        ([{"action": "stream", "streamUrl": "https://a.test/a.mp3"}], "[0].streamUrl", "array"),
        ([{"action": "input", "type": ["keys"]}], "[0].type", '["dtmf"]'),
        (
            [{"action": "input", "type": ["dtmf"], "dtmf": {"maxDigits": 25}}],
            "[0].dtmf.maxDigits",
            "between 1 and 20",
        ),
        (
            [{"action": "input", "type": ["dtmf"], "eventUrl": "https://a.test/ivr"}],
            "[0].eventUrl",
            "must be an array",
        ),
        ([{"action": "record", "endOnSilence": 2}], "[0].endOnSilence", "between 3 and 10"),
        ([{"action": "record", "endOnKey": "##"}], "[0].endOnKey", "not valid"),
        ([{"action": "connect", "endpoint": []}], "[0].endpoint", "one endpoint"),
        (
            [{"action": "connect", "endpoint": [{"type": "fax", "number": "1"}]}],
            "[0].endpoint[0].type",
            "phone, sip, websocket",
        ),
        ([{"action": "conversation"}], "[0].name", "is required"),
        ([{"action": "notify", "payload": {"a": 1}}], "[0].eventUrl", "is required"),
        (
            [{"action": "talk", "text": "Hi", "bargeIn": True}, {"action": "talk", "text": "x"}],
            "[0].bargeIn",
            "followed by an input action",
        ),
        (
            [
                {"action": "talk", "text": "Hi", "bargeIn": True},
                {"action": "record", "endOnKey": "#"},
            ],
            "[0].bargeIn",
            "but [1] is 'record'",
        ),
    ],
)
def test_invalid_nccos_are_refused_with_the_position(ncco, where, problem):
    with pytest.raises(NccoError) as info:
        parse_ncco(ncco)
    assert info.value.where == where
    assert problem in info.value.problem
    assert str(info.value).startswith("Syntax error in NCCO.")


def test_unknown_options_are_reported_not_fatal():
    [action] = parse_ncco([{"action": "talk", "text": "Hi", "voiceName": "Amy"}])
    assert action.unknown == ["voiceName"]
