"""Faults in TwiML and in fetching it stay inside the call, as Twilio error codes (issue 12 §3).

Each row is an input that once escaped as a Python exception, held a call past its timeout,
read a huge body whole, or let TwiML reach the local file system.  Every one must end as the
Twilio error a real account would log, with the call itself finishing normally.
"""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import soundfile as sf
from flask import Flask
from providers.helpers import AGENT, APP, run_twiml, warnings, webhooks

import telenb
from telenb.providers.twilio.twiml.parse import MAX_BYTES, TwiMLParseError, parse_twiml

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
    assert carrier.find_leg(call.sid).status == "completed"
    codes = [e["error"] for e in carrier.trace.filter("error", call.sid)]
    assert codes == ["Twilio 12100"]


# -- fetching over loopback HTTP ------------------------------------------------------------------
class _Server:
    """A bounded HTTP server on 127.0.0.1 whose paths misbehave; records what it managed to send."""

    def __init__(self) -> None:
        self.sent: dict[str, int] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path.split("?")[0]
                outer.sent[path] = 0
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                if path == "/drip":
                    self.send_header("Content-Length", str(len(SAY_HI)))
                elif path == "/huge-declared":
                    self.send_header("Content-Length", str(200 * 2**20))
                self.end_headers()
                try:
                    if path == "/drip":  # one byte every 0.2 s: 6.8 s for the document
                        for i in range(len(SAY_HI)):
                            self.wfile.write(SAY_HI[i : i + 1])
                            self.wfile.flush()
                            outer.sent[path] += 1
                            time.sleep(0.2)
                    else:  # 200 MB of TwiML, or as much as the client reads
                        self.wfile.write(b"<Response>")
                        for _ in range(200 * 16):
                            self.wfile.write(CHUNK)
                            outer.sent[path] += len(CHUNK)
                except (TimeoutError, BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading, as it should

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server():
    s = _Server()
    yield s
    s.stop()


def test_a_dripping_server_is_cut_off_at_the_total_deadline(server):
    # each byte comes well inside the timeout, the whole body (6.8 s) far outside it
    r = run_twiml(f"{server.base}/drip", timeout=1)
    assert errors(r)[0][0] == "Twilio 11205" and r.said() == [APP_ERROR]
    assert server.sent["/drip"] < len(SAY_HI), "the client waited for the whole body"


@pytest.mark.parametrize("path", ["/huge", "/huge-declared"])
def test_a_huge_response_is_refused_without_reading_it_whole(server, path):
    r = run_twiml(f"{server.base}{path}")
    assert errors(r)[0][0] == "Twilio 11750" and r.said() == [APP_ERROR]
    assert server.sent[path] < 32 * 2**20, "the client read far past the 64 kB limit"


# -- in-process apps ------------------------------------------------------------------------------
@pytest.fixture
def release():
    """Released at the end of the test, so an abandoned app's thread always finishes."""
    event = threading.Event()
    yield event
    event.set()


def _slow_apps(release: threading.Event, answered: list) -> dict:
    """Apps that take 5 s (or until released); each notes in `answered` when it answers."""

    def plain(req):
        release.wait(5)
        answered.append("callable")
        return SAY_HI.decode()

    flask_app = Flask("slow")

    @flask_app.post("/")
    def voice():
        release.wait(5)
        answered.append("flask")
        return SAY_HI, 200, {"Content-Type": "text/xml"}

    def drip_wsgi(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/xml")])
        for i in range(len(SAY_HI)):
            if release.wait(0.2):
                break
            yield SAY_HI[i : i + 1]
        answered.append("dripping wsgi")

    async def blocking_asgi(scope, receive, send):
        await receive()
        release.wait(5)  # blocks the event loop: no await point for wait_for to cancel at
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": SAY_HI})
        answered.append("blocking asgi")

    async def sleepy_asgi(scope, receive, send):
        await receive()
        await asyncio.sleep(5)
        answered.append("sleeping asgi")

    return {
        "callable": plain,
        "flask": flask_app,
        "dripping wsgi": drip_wsgi,
        "blocking asgi": blocking_asgi,
        "sleeping asgi": sleepy_asgi,
    }


SLOW = ["callable", "flask", "dripping wsgi", "blocking asgi", "sleeping asgi"]


@pytest.mark.parametrize("kind", SLOW)
def test_a_slow_in_process_app_is_abandoned_at_the_deadline(kind, release):
    answered = []
    app = _slow_apps(release, answered)[kind]
    fallback = {"/": app, "/fallback": "<Response><Say>Fallback.</Say></Response>"}
    r = run_twiml(fallback, url="/", fallback_url="/fallback", timeout=0.5)
    assert answered == [], "the call waited for the app to answer"  # it is still busy
    assert errors(r)[0][0] == "Twilio 11205"
    assert r.said() == ["Fallback."]
    assert [p.get("ErrorCode") for _m, _u, p in webhooks(r)][-1] == "11205"


def test_an_app_that_answers_in_time_still_works_and_may_use_the_rest_api():
    from telenb.providers.twilio import offline_client

    carrier = telenb.Carrier(seed=3)
    client = offline_client(carrier)
    carrier.phone(AGENT, script="wait: 1s; hangup")
    placed = []

    def app(req):
        placed.append(client.calls.create(to=AGENT, from_=APP, twiml="<Response/>").sid)
        return SAY_HI.decode()

    carrier.app(APP, twiml=app, timeout=2)
    r = carrier.call(APP, caller="")
    carrier.run()
    assert r.said() == ["Hi"] and len(placed) == 1
    assert carrier.find_leg(placed[0]).status == "completed"


def test_an_abandoned_app_cannot_touch_the_carrier_afterwards(release):
    from telenb.providers.twilio import offline_client

    carrier = telenb.Carrier(seed=5)
    client = offline_client(carrier)
    carrier.phone(AGENT, script="wait: 1s; hangup")
    seen, done = [], threading.Event()

    def late_app(req):
        try:
            release.wait(5)
            client.calls.create(to=AGENT, from_=APP, twiml="<Response/>")
            seen.append("placed")
        except Exception as exc:
            seen.append(type(exc).__name__)
        finally:
            done.set()
        return SAY_HI.decode()

    carrier.app(APP, twiml=late_app, timeout=0.3)
    r = carrier.call(APP, caller="")
    assert errors(r)[0][0] == "Twilio 11205"
    release.set()
    assert done.wait(5)
    assert seen == ["Abandoned"]  # the carrier had moved on; it is not driven from the side
    assert len(carrier.calls) == 1


def _huge_apps(produced: dict) -> dict:
    def wsgi(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/xml")])
        try:
            yield b"<Response>"
            for _ in range(512):  # 32 MB
                produced["chunks"] += 1
                yield CHUNK
        finally:
            produced["closed"] = True

    async def asgi(scope, receive, send):
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"<Response>", "more_body": True})
        for _ in range(512):
            produced["chunks"] += 1
            await send({"type": "http.response.body", "body": CHUNK, "more_body": True})
        await send({"type": "http.response.body", "body": b"</Response>"})

    return {"wsgi": wsgi, "asgi": asgi}


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_an_in_process_app_streaming_a_huge_body_is_stopped_at_the_limit(kind):
    produced = {"chunks": 0, "closed": False}
    r = run_twiml(_huge_apps(produced)[kind], kind=kind)
    assert errors(r)[0][0] == "Twilio 11750" and r.said() == [APP_ERROR]
    assert produced["chunks"] <= MAX_BYTES // len(CHUNK) + 2
    if kind == "wsgi":
        assert produced["closed"], "the WSGI iterable was not closed"


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
@pytest.mark.parametrize("where", ["Redirect", "Gather action", "fallback", "HTTP 302"])
def test_a_url_that_is_not_http_is_11100(url, where):
    from xml.sax.saxutils import escape, quoteattr

    from telenb.providers.webhooks.web import HttpResponse

    if where == "Redirect":
        r = run_twiml(f"<Response><Redirect>{escape(url)}</Redirect></Response>")
    elif where == "Gather action":
        gather = f"<Gather numDigits='1' action={quoteattr(url)}><Say>Key</Say></Gather>"
        gather = f"<Response>{gather}</Response>"
        r = run_twiml(gather, "press: 1")
    elif where == "fallback":
        r = run_twiml({"/": lambda req: ("down", 503)}, url="/", fallback_url=url)
    else:
        r = run_twiml(lambda req: HttpResponse(302, {"location": url}))
    codes = [name for name, _m in errors(r)]
    assert codes[-1] == "Twilio 11100", errors(r)
    assert not any("cannot be resolved" in m for _n, m in errors(r))
    assert r.said()[-1] == APP_ERROR and r.status == "completed"


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_status_callback_that_is_not_http_is_a_11100_warning(url):
    r = run_twiml("<Response><Say>Hi</Say></Response>", status_callback=url)
    assert [c for c, _m in warnings(r)] == [11100]
    assert r.status == "completed"


# -- anything else the parser is given ------------------------------------------------------------
_RICH = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Gather numDigits="1" action="/a?x=1&amp;'
    b'y=2"><Say voice="alice">Hi &lt;there&gt; <prosody rate="slow">x</prosody></Say>'
    b"<Play>https://x.test/a.mp3</Play></Gather><![CDATA[raw]]><!-- c --><?pi x?>"
    b'<Redirect method="GET">/r</Redirect></Response>'
)
_NASTY = [b"<", b">", b"&", b"&#0;", b"&#xD800;", b"&#x110000;", b"\xff", b"\xed\xa0\x80",
          b"\x00", b"<![CDATA[", b"<!DOCTYPE r [<!ENTITY a 'b'>]>", b'encoding="bad"',
          b"\xef\xbb\xbf", b"\xfe\xff", b"xmlns:a='u'", b"<a:b/>", b"\r"]  # fmt: skip


def test_any_mutation_of_a_document_parses_or_is_a_twiml_error():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    edit = st.tuples(st.integers(0, len(_RICH)), st.integers(0, 5), st.sampled_from(_NASTY))

    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(edit, min_size=1, max_size=4), st.booleans())
    def check(edits, as_text):
        data = bytearray(_RICH)
        for at, cut, insert in edits:
            data[at : at + cut] = insert
        source = bytes(data).decode("utf-8", "surrogateescape") if as_text else bytes(data)
        try:
            node = parse_twiml(source)
        except TwiMLParseError as exc:
            assert exc.code in (11750, 12100, 12102)
        else:
            node.to_xml(), node.all_text()

    check()
