"""Faults in TwiML and in fetching it stay inside the call, as Twilio error codes (issue 12 §3).

Each row is an input that once escaped as a Python exception, held a call past its timeout,
read a huge body whole, or let TwiML reach the local file system.  Every one must end as the
Twilio error a real account would log, with the call itself finishing normally.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from providers.helpers import AGENT, APP, run_twiml, warnings

import telenb
from telenb.providers.twilio.twiml_parse import TwiMLParseError, parse_twiml

APP_ERROR = "We're sorry, an application error has occurred. Goodbye."
SAY_HI = b"<Response><Say>Hi</Say></Response>"
CHUNK = b"<Pause/>" * 8192  # 64 KiB of valid TwiML body


def errors(result) -> list[tuple[str, str]]:
    return [(e["error"], e["message"]) for e in result.trace.filter("error")]


def _deep(depth: int) -> str:
    return "<Response>" + "<Say>" * depth + "x" + "</Say>" * depth + "</Response>"


def _decl(encoding: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<Response><Say>hi</Say></Response>'.encode()
    )


def _laughs() -> str:
    lol = ["<!ENTITY lol0 'lol'>"]
    lol += [f"<!ENTITY lol{i} '{('&lol' + str(i - 1) + ';') * 10}'>" for i in range(1, 10)]
    return (
        f"<?xml version='1.0'?><!DOCTYPE r [{''.join(lol)}]><Response><Say>&lol9;</Say></Response>"
    )


QUADRATIC = (
    f"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a '{'x' * 4000}'>]>"
    f"<Response><Say>{'&a;' * 4000}</Say></Response>"
)
EXTERNAL = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<Response><Say>&x;</Say></Response>"
)
EXTERNAL_DTD = '<?xml version="1.0"?><!DOCTYPE Response SYSTEM "http://x.test/t.dtd"><Response/>'

# (fault, document, expected Twilio code, expected (line, column) or None when any position)
PARSE_FAULTS = [
    ("unknown encoding", _decl("x-bogus"), 12100, (1, 31)),
    ("non-text codec", _decl("rot13"), 12100, (1, 31)),
    ("codec that cannot decode", _decl("undefined"), 12100, (1, 31)),
    ("idna codec", _decl("idna"), 12100, (1, 31)),
    ("punycode codec", _decl("punycode"), 12100, (1, 31)),
    ("multi-byte codec", _decl("utf-7"), 12100, (1, 31)),
    ("lone surrogate", "<Response>\n  <Say>caf\udce9</Say></Response>", 12100, (2, 11)),
    ("high surrogate", "<Response><Say>\ud800</Say></Response>", 12100, (1, 16)),
    ("5,000-deep nesting", _deep(5000), 12100, None),
    ("billion laughs", _laughs(), 12100, None),
    ("quadratic blowup", QUADRATIC, 12100, None),
    ("external entity", EXTERNAL, 12100, None),
    ("external DTD", EXTERNAL_DTD, 12100, None),
    ("NUL byte", b"<Response>\x00</Response>", 12100, (1, 11)),
    ("invalid UTF-8", b"<Response><Say>\xff</Say></Response>", 12100, (1, 16)),
]


@pytest.mark.parametrize(
    "fault, doc, code, where", PARSE_FAULTS, ids=[row[0] for row in PARSE_FAULTS]
)
def test_parse_faults_are_twilio_errors_with_a_position(fault, doc, code, where):
    with pytest.raises(TwiMLParseError) as err:
        parse_twiml(doc)
    assert err.value.code == code
    assert err.value.line is not None and err.value.column is not None
    if where is not None:
        assert (err.value.line, err.value.column) == where
    assert f"line {err.value.line}, column {err.value.column}" in str(err.value)


def test_nesting_that_twiml_uses_still_parses():
    ssml = "<Say><prosody rate='slow'><emphasis><p><s>Hi</s></p></emphasis></prosody></Say>"
    root = parse_twiml(f"<Response><Gather>{ssml}</Gather></Response>")
    assert root.all_text() == "Hi"
    assert parse_twiml(_deep(50)).all_text() == "x"


CALL_FAULTS = [row for row in PARSE_FAULTS if row[0] != "NUL byte"]


@pytest.mark.parametrize("served", ["static", "callable"])
@pytest.mark.parametrize(
    "fault, doc, code, where", CALL_FAULTS, ids=[row[0] for row in CALL_FAULTS]
)
def test_a_call_given_such_twiml_plays_the_application_error(served, fault, doc, code, where):
    twiml = doc if served == "static" else (lambda req: doc)
    r = run_twiml(twiml)
    assert r.status == "completed", errors(r)
    [(name, message)] = errors(r)
    assert name == f"Twilio {code}" and "line " in message
    assert r.said() == [APP_ERROR]


def test_inline_twiml_from_the_rest_api_with_a_surrogate_is_12100():
    from telenb.providers.twilio import offline_client

    carrier = telenb.Carrier(seed=4)
    carrier.app(APP, twiml="<Response><Pause length='1'/></Response>")
    carrier.phone(AGENT, script="wait: 5s; hangup")
    client = offline_client(carrier)
    bad = "<Response><Say>\udce9</Say></Response>"
    call = client.calls.create(to=AGENT, from_=APP, twiml=bad)
    carrier.run()
    assert carrier.find_call(call.sid).status == "completed"
    codes = [e["error"] for e in carrier.trace.filter("error", call.sid)]
    assert codes == ["Twilio 12100"]


# -- only http(s) is fetched ----------------------------------------------------------------------
def _wav(path) -> str:
    sf.write(str(path), np.zeros(8000 * 7, dtype="float32"), 8000)  # 7 s of silence
    return f"file://{path}"


def test_play_of_a_local_file_neither_plays_it_nor_says_whether_it_exists(tmp_path):
    present, absent = _wav(tmp_path / "yes.wav"), f"file://{tmp_path / 'non.wav'}"
    outcomes = []
    for url in (present, absent):
        r = run_twiml(f"<Response><Play>{url}</Play><Say>After.</Say></Response>")
        plays = [dict(e.data) for e in r.trace.filter("play")]
        shown = [(c, m.replace(url, "URL")) for c, m in warnings(r)]
        outcomes.append((plays, shown, r.said(), round(r.duration, 3)))
        assert [c for c, _m in warnings(r)] == [11100]
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == [] and outcomes[0][2] == ["After."]


BAD_URLS = [
    "file:///etc/passwd",
    "ftp://127.0.0.1/x.xml",
    "data:text/xml,<Response/>",
    "gopher://x",
]


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("where", ["Redirect", "Gather action", "fallback"])
def test_a_url_that_is_not_http_is_11100(url, where):
    from xml.sax.saxutils import escape, quoteattr

    if where == "Redirect":
        r = run_twiml(f"<Response><Redirect>{escape(url)}</Redirect></Response>")
    elif where == "Gather action":
        gather = f"<Gather numDigits='1' action={quoteattr(url)}><Say>Key</Say></Gather>"
        gather = f"<Response>{gather}</Response>"
        r = run_twiml(gather, "press: 1")
    else:
        r = run_twiml({"/": lambda req: ("down", 503)}, url="/", fallback_url=url)
    codes = [name for name, _m in errors(r)]
    assert codes[-1] == "Twilio 11100", errors(r)
    assert not any("cannot be resolved" in m for _n, m in errors(r))
    assert r.said()[-1] == APP_ERROR and r.status == "completed"


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_status_callback_that_is_not_http_is_a_11100_warning(url):
    r = run_twiml("<Response><Say>Hi</Say></Response>", status_callback=url)
    assert [c for c, _m in warnings(r)] == [11100]
    assert r.status == "completed"
