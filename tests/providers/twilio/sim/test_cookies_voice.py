"""Cookies Twilio keeps for an app: for the life of a call on Voice webhooks (and the jar's
rules: RFC 6265 paths, domains, Max-Age, Expires, deletion, Twilio's 11206)."""

from datetime import timedelta

import flask

import telenb
from telenb.providers.twilio import twilio_account
from telenb.providers.twilio.account import EPOCH
from telenb.providers.twilio.sim.webhooks import call_scope
from telenb.providers.webhooks.cookies import CookieJar
from telenb.providers.webhooks.transport import HttpResponse

from ...helpers import APP, events, warnings

URL = "https://app.example/ivr/menu"


def pizza_app() -> flask.Flask:
    """An order taken over two Gathers, the size kept in a session cookie between them."""
    app = flask.Flask("pizza")
    app.secret_key = "test only"

    @app.post("/voice")
    def voice():
        flask.session.clear()
        return (
            '<Response><Gather action="/size" numDigits="1"><Say>Press 1 for small, 2 for '
            "large.</Say></Gather></Response>"
        )

    @app.post("/size")
    def size():
        flask.session["size"] = {"1": "small", "2": "large"}[flask.request.form["Digits"]]
        return (
            '<Response><Gather action="/topping" numDigits="1"><Say>Press 1 for cheese, 2 for '
            "mushroom.</Say></Gather></Response>"
        )

    @app.post("/topping")
    def topping():
        size = flask.session.get("size")
        if size is None:  # no cookie came back: the app has lost the order
            return "<Response><Say>Sorry, I lost your order.</Say></Response>"
        topping = {"1": "cheese", "2": "mushroom"}[flask.request.form["Digits"]]
        return f"<Response><Say>One {size} {topping} pizza.</Say></Response>"

    return app


def test_a_session_cookie_lasts_across_gathers_in_one_call():
    carrier = telenb.Carrier(seed=5)
    carrier.app(APP, twiml=pizza_app(), url="/voice")
    r = carrier.call(APP, caller="press: 2; press: 2")
    assert r.said()[-1] == "One large mushroom pizza."
    hooks = events(r, "webhook")
    assert [h["purpose"] for h in hooks] == ["voice", "gather", "gather"]
    assert twilio_account(carrier).webhooks.cookies(call_scope(r.sid))


def with_cookie(body: str, cookie: str) -> HttpResponse:
    """A plain-callable app's answer carrying one Set-Cookie header."""
    return HttpResponse(200, {"content-type": "text/xml"}, body.encode(), set_cookies=[cookie])


def test_cookies_do_not_cross_from_one_call_to_the_next():
    carrier = telenb.Carrier(seed=5)
    seen = []

    def app(req):
        seen.append(req.headers.get("cookie"))
        return with_cookie("<Response><Say>Hi.</Say></Response>", "caller=known")

    carrier.app(APP, twiml=app)
    carrier.call(APP, caller="")
    carrier.call(APP, caller="")
    assert seen == [None, None]


def test_a_cookie_with_a_control_character_is_refused_with_11206():
    carrier = telenb.Carrier(seed=5)
    docs = iter(["bad=a\tb", "=nameless"])

    def app(req):
        return with_cookie(
            '<Response><Gather numDigits="1" action="/next"><Say>Go.</Say></Gather></Response>',
            next(docs, "ok=1"),
        )

    carrier.app(APP, twiml=app)
    r = carrier.call(APP, caller="press: 1; press: 1")
    assert [code for code, _ in warnings(r)][:2] == [11206, 11206]


# -- the jar --------------------------------------------------------------------------------------
def test_jar_default_path_and_host_only_domain():
    jar = CookieJar()
    jar.update(URL, ["a=1", "b=2; Path=/", "c=3; Path=/other"], now=0)
    assert jar.header("https://app.example/ivr/step2", 1) == "a=1; b=2"  # longer path first
    assert jar.header("https://app.example/", 1) == "b=2"
    assert jar.header("https://other.example/ivr/x", 1) is None


def test_jar_domain_cookies_reach_subdomains_and_refuse_foreign_domains():
    jar = CookieJar()
    problems = jar.update(URL, ["a=1; Domain=example; Path=/", "b=2; Domain=evil.test"], now=0)
    assert len(problems) == 1 and "evil.test" in problems[0]
    assert jar.header("https://www.example/x", 0) == "a=1"


def test_jar_max_age_expires_and_deletion_in_virtual_time():
    jar = CookieJar(epoch=EPOCH)
    when = (EPOCH + timedelta(seconds=100)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    jar.update(URL, ["a=1; Max-Age=50", f"b=2; Expires={when}", "c=3"], now=0)
    assert jar.values(49) == {"a": "1", "b": "2", "c": "3"}
    assert jar.values(60) == {"b": "2", "c": "3"}
    assert jar.values(101) == {"c": "3"}
    jar.update(URL, ["c=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"], now=102)
    assert jar.values(102) == {}


def test_jar_lifetime_caps_every_cookie_and_secure_stays_on_https():
    jar = CookieJar(lifetime=4 * 3600)
    jar.update(URL, ["a=1; Max-Age=999999", "s=1; Secure"], now=10)
    assert jar.header("http://app.example/ivr/x", 20) == "a=1"
    assert jar.values(10 + 4 * 3600 - 1) == {"a": "1", "s": "1"}
    assert jar.values(10 + 4 * 3600) == {}
