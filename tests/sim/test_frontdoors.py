"""Front doors: a provider plugs an app format into `carrier.app` without the simulator
importing it."""

import pytest

import telenb
from telenb.errors import ConfigurationError
from telenb.sim import frontdoors


@pytest.fixture
def shout_door():
    """A toy vendor whose documents are the words to say, with one option."""

    def build(document, *, carrier, number, loud=False):
        def flow(call):
            call.say(document.upper() if loud else document)
            call.hangup()

        return flow

    frontdoors.register("shout", build)
    yield build
    frontdoors._registered.pop("shout", None)


def test_a_registered_door_answers_a_number_with_its_options(shout_door):
    carrier = telenb.Carrier(seed=1)
    app = carrier.app("+15550100", shout="hello there", loud=True)
    assert app.kind == "shout" and "shout" in frontdoors.kinds()
    assert carrier.call("+15550100", caller="silence").said() == ["HELLO THERE"]


def test_twiml_is_a_row_of_the_table_and_still_a_keyword():
    assert "twiml" in frontdoors.kinds()
    carrier = telenb.Carrier(seed=1)
    carrier.app("+15550100", twiml="<Response><Say>Hi</Say></Response>")
    assert carrier.call("+15550100", caller="silence").said() == ["Hi"]


def test_two_documents_or_an_unknown_option_are_refused(shout_door):
    carrier = telenb.Carrier(seed=1)
    with pytest.raises(ConfigurationError, match="not several"):
        carrier.app("+15550100", shout="a", twiml="<Response/>")
    with pytest.raises(ConfigurationError, match="unknown app option"):
        carrier.app("+15550100", lambda call: None, loud=True)
    with pytest.raises(ConfigurationError, match="no front door 'ncco-x'"):
        frontdoors.builder("ncco-x")


def test_an_apps_kind_names_what_it_is_written_in():
    carrier = telenb.Carrier()
    carrier.app("+15550100", lambda call: call.hangup())
    carrier.app("+15550101", script="say('hi')")
    carrier.app("+15550102", twiml="<Response><Hangup/></Response>")
    numbers = ("+15550100", "+15550101", "+15550102")
    kinds = [carrier.apps[carrier.normalize(n)].kind for n in numbers]
    assert kinds == ["python", "tropo", "twiml"]
