"""Tropo scripts as they were written (issue 14 §5): every option name Tropo documented is
known (carried out where a simulator can show it, accepted with a warning where not), Tropo's
outbound SMS pattern texts, `currentCall` has headers and the verbs as methods, `currentApp`
exists, and Python 2 module names import as under Tropo's Jython.  The same in every language."""

import pytest

import telenb
from telenb.errors import UnknownOptionError
from telenb.flow.tropo_bridge import missing

APP = "+15550100"


def launch(source, lang=None, setup=None):
    carrier = telenb.Carrier(seed=3)
    carrier.phone("+15550123", behaviour="voicemail")
    carrier.phone("+15550124", behaviour="busy")
    carrier.phone("+15550125")
    if setup:
        setup(carrier)
    result = carrier.launch(script=source, lang=lang)
    return carrier, result


def logs(carrier):
    return [e["message"] for e in carrier.trace.filter("log")]


def warnings(carrier):
    return [e["message"] for e in carrier.trace.filter("warning")]


def test_outbound_sms_pattern_texts_instead_of_calling():
    carrier, result = launch(
        'call("+15550111", {"network": "SMS"})\nsay("Your table is ready")\nhangup()\n'
        'call("+15550112", {"channel": "TEXT"})\nsay("Second text")\n'
    )
    assert result.error is None
    sent = [(m.to, m.body, m.status) for m in carrier.messages]
    assert sent == [
        ("+15550111", "Your table is ready", "delivered"),
        ("+15550112", "Second text", "delivered"),
    ]
    assert not [leg for leg in carrier.calls if leg.to in ("+15550111", "+15550112")]


def test_outbound_sms_session_asks_and_takes_the_reply():
    carrier = telenb.Carrier(seed=3)
    result = carrier.launch(
        script='call("+15550111", {"network": "SMS"})\n'
        'e = ask("Confirm? yes or no", {"choices": "yes, no"})\nlog("got " + e.value)\n',
        run=False,
    )
    carrier.run(until=5)
    carrier.text(carrier.messages[0].from_, "yes", from_="+15550111")
    carrier.run()
    assert result.error is None
    assert logs(carrier) == ["got yes"]


def test_machine_detection_introduction_and_user_type():
    carrier, result = launch(
        "def answered(event):\n"
        '    currentCall.say("Hello " + event.value.userType)\n'
        'call("+15550123", {"machineDetection": {"introduction": "Please hold", '
        '"voice": "Victor"}, "onAnswer": answered})\n'
        "hangup()\n"
        'call("+15550125", {"machineDetection": True, "onAnswer": answered})\n'
    )
    assert result.error is None
    assert carrier.trace.filter("say").said() == ["Please hold", "Hello MACHINE", "Hello HUMAN"]
    assert [e["userType"] for e in carrier.trace.filter("machine-detection")] == [
        "MACHINE",
        "HUMAN",
    ]


def test_on_busy_and_on_connect_fire_and_label_warns():
    carrier, result = launch(
        'call("+15550124", {"onBusy": lambda e: log("busy " + e.name), "label": "campaign-7"})\n'
        'call("+15550125", {"onConnect": lambda e: log("connected"), '
        '"onAnswer": lambda e: log("answered")})\n'
    )
    assert result.error is None
    assert logs(carrier) == ["busy callFailure", "connected", "answered"]
    assert warnings(carrier) == [
        "call() option 'label' has no effect here: Tropo put the label on its call records; "
        "the simulator has no billing records"
    ]


def test_transfer_on_busy():
    carrier = telenb.Carrier(seed=3)
    carrier.phone("+15550124", behaviour="busy")
    carrier.app(APP, script='transfer("+15550124", {"onBusy": lambda e: log("busy"), '
                "\"onCallFailure\": lambda e: log(\"failed \" + e.reason)})\n")  # fmt: skip
    carrier.call(APP)
    assert logs(carrier) == ["busy", "failed busy"]


def test_log_security_options_are_accepted_with_a_warning():
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, script=(
        'say("Your PIN", {"promptLogSecurity": "suppress"})\n'
        'e = ask("PIN?", {"choices": "[4 DIGITS]", "asrLogSecurity": "mask", '
        '"maskTemplate": "XXDD"})\nlog(e.value)\n'
    ))  # fmt: skip
    result = carrier.call(APP, caller="press: 1234")
    assert result.trace.said() == ["Your PIN", "PIN?"]
    assert logs(carrier) == ["1234"]
    assert [w.split(" has")[0] for w in warnings(carrier)] == [
        "say() option 'promptLogSecurity'",
        "ask() option 'asrLogSecurity'",
        "ask() option 'maskTemplate'",
    ]


def test_record_format_transcription_id_and_on_silence_timeout():
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, script=(
        'record("Speak", {"format": "audio/mp3", "transcriptionId": "t-1", "silenceTimeout": 2, '
        '"onSilenceTimeout": lambda e: log("silence ended it"), '
        '"onRecord": lambda e: log("recorded")})\n'
    ))  # fmt: skip
    carrier.call(APP, caller="say: hello there")
    assert logs(carrier) == ["recorded", "silence ended it"]
    carrier2 = telenb.Carrier(seed=3)
    carrier2.app(APP, script=(
        'record("Speak", {"onSilenceTimeout": lambda e: log("silence")})\n'
    ))  # fmt: skip
    carrier2.call(APP, caller="say: hello there; press: #")
    assert logs(carrier2) == []  # ended by the terminator, not silence


def test_conference_join_and_leave_prompts_reach_the_room():
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, script=(
        'conference("room", {"joinPrompt": {"value": "Someone joined"}, '
        '"leavePrompt": True, "terminator": "#"})\n'
    ))  # fmt: skip
    carrier.call(APP, caller="wait: 20s; hangup", run=False)
    carrier.call(APP, caller="wait: 5s; press: #", run=False)
    carrier.run()
    prompts = [(e["action"], e["text"]) for e in carrier.trace.filter("conference")
               if e["action"].endswith("prompt")]  # fmt: skip
    assert prompts == [
        ("join-prompt", "Someone joined"),  # the first caller, alone in the room
        ("join-prompt", "Someone joined"),  # both hear the second join
        ("join-prompt", "Someone joined"),
        ("leave-prompt", "beep"),  # the first hears the second leave; the last leaves alone
    ]


def test_message_media_url_is_an_mms():
    carrier, _ = launch(
        'message("Here it is", {"to": "+15550111", "mediaURL": "https://example.com/a.jpg"})\n'
    )
    assert carrier.messages[0].meta["media_urls"] == ["https://example.com/a.jpg"]


def test_a_misspelt_option_still_names_the_valid_ones():
    _, result = launch('call("+15550125", {"machineDetecton": True})\n')
    assert isinstance(result.error, UnknownOptionError)
    assert "Did you mean 'machineDetection'?" in str(result.error)
    assert "onBusy" in str(result.error) and "label" in str(result.error)


def test_current_call_headers_methods_and_current_app():
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, script=(
        'currentCall.say("Hi " + currentCall.headers["x-account"])\n'
        'currentCall.log("app " + currentApp.id)\ncurrentCall.hangup()\n'
    ))  # fmt: skip
    result = carrier.call(APP, headers={"x-account": "42"})
    assert result.trace.said() == ["Hi 42"]
    assert logs(carrier) == ["app tropo"]


def test_python2_module_names_import_as_under_jython():
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, script=(
        "import urllib2, urlparse, httplib, cPickle, StringIO\n"
        "from urllib import urlencode, quote\n"
        "import urllib\n"
        'log(urlparse.urlparse("http://h/p?q=1").path, urlencode({"a": "b c"}), quote("a/b c"))\n'
        "log(urllib2.Request.__name__, urllib2.HTTPError.__name__, httplib.OK)\n"
        'log(urllib.quote_plus("x y"), urllib.parse.quote("x y"), StringIO.StringIO("s").read())\n'
        "log(cPickle.loads(cPickle.dumps(7)))\n"
    ))  # fmt: skip
    result = carrier.call(APP)
    assert result.error is None
    assert logs(carrier) == [
        "/p a=b+c a/b%20c",
        "Request HTTPError 200",
        "x+y x%20y s",
        "7",
    ]


# -- the same script in every language ---------------------------------------------------------
SCRIPTS = {
    "python": """
call("+15550111", {"network": "SMS"})
say("Your table is ready")
hangup()
def answered(event):
    currentCall.say("Hello " + event.value.userType)
    currentCall.wait(500)
    log("app " + currentApp.id)
call("+15550123", {"machineDetection": {"introduction": "Please hold"}, "label": "campaign",
                   "onAnswer": answered})
hangup()
""",
    "js": """
call("+15550111", {network: "SMS"});
say("Your table is ready");
hangup();
call("+15550123", {machineDetection: {introduction: "Please hold"}, label: "campaign",
  onAnswer: function (event) {
    currentCall.say("Hello " + event.value.userType);
    currentCall.wait(500);
    log("app " + currentApp.id);
  }});
hangup();
""",
    "groovy": """
call("+15550111", [network: "SMS"])
say("Your table is ready")
hangup()
call("+15550123", [machineDetection: [introduction: "Please hold"], label: "campaign",
  onAnswer: { event ->
    currentCall.say("Hello " + event.value.userType)
    currentCall.wait(500)
    log("app " + currentApp.id)
  }])
hangup()
""",
    "ruby": """
call "+15550111", {:network => "SMS"}
say "Your table is ready"
hangup
call "+15550123", {:machineDetection => {:introduction => "Please hold"}, :label => "campaign",
  :onAnswer => lambda { |event|
    $currentCall.say("Hello " + event.value.userType)
    $currentCall.wait(500)
    log("app " + $currentApp.id)
  }}
hangup
""",
    "php": """<?php
call("+15550111", array("network" => "SMS"));
say("Your table is ready");
hangup();
function answered($event) {
    global $currentCall, $currentApp;
    $currentCall->say("Hello " . $event->value->userType);
    $currentCall->wait(500);
    _log("app " . $currentApp->id);
}
call("+15550123", array("machineDetection" => array("introduction" => "Please hold"),
                        "label" => "campaign", "onAnswer" => "answered"));
hangup();
?>
""",
}


def _lang(name):
    reason = None if name == "python" else missing(name)
    return pytest.param(name, marks=pytest.mark.skipif(reason is not None, reason=reason or ""))


def _summary(carrier):
    return {
        "texts": [(m.to, m.body) for m in carrier.messages],
        "said": carrier.trace.filter("say").said(),
        "logs": logs(carrier),
        "warnings": warnings(carrier),
        "detected": [e["userType"] for e in carrier.trace.filter("machine-detection")],
        "waits": len(carrier.trace.filter("wait")),
    }


@pytest.mark.parametrize("lang", [_lang(n) for n in SCRIPTS])
def test_the_same_era_script_behaves_the_same_in_every_language(lang):
    carrier, result = launch(SCRIPTS[lang], lang=lang)
    assert result.error is None, result.error
    assert _summary(carrier) == {
        "texts": [("+15550111", "Your table is ready")],
        "said": ["Your table is ready", "Please hold", "Hello MACHINE"],
        "logs": ["app tropo"],
        "warnings": [
            "call() option 'label' has no effect here: Tropo put the label on its call "
            "records; the simulator has no billing records"
        ],
        "detected": ["MACHINE"],
        "waits": 1,
    }
