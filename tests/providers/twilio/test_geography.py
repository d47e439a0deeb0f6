"""FromCity/FromState/FromCountry derived from the number, so geography branches run."""

from ..helpers import run_twiml, webhooks


def greet(req):
    if req["FromState"] == "CA" and req["FromCountry"] == "US":
        return "<Response><Say>You are calling from California.</Say></Response>"
    return (
        f"<Response><Say>You are calling from {req['FromCountry'] or 'somewhere'}.</Say></Response>"
    )


def test_you_are_calling_from_california():
    import telenb

    carrier = telenb.Carrier(seed=1)
    carrier.app("+15550100", twiml=greet)
    r = carrier.call("+15550100", caller="", from_="+13105551212")
    assert r.said() == ["You are calling from California."]
    params = webhooks(r)[0][2]
    assert params["CallerState"] == "CA" and params["FromCity"] == ""
    assert params["ToCountry"] == "US"


def test_city_and_state_from_the_area_code_and_canada():
    import telenb

    carrier = telenb.Carrier(seed=1)
    carrier.app("+15550100", twiml=greet)
    r = carrier.call("+15550100", caller="", from_="+14155550100")
    params = webhooks(r)[0][2]
    assert (params["FromCity"], params["FromState"]) == ("SAN FRANCISCO", "CA")
    assert r.said() == ["You are calling from California."]
    r = carrier.call("+15550100", caller="", from_="+16045550123")
    params = webhooks(r)[0][2]
    assert (params["FromState"], params["FromCountry"]) == ("BC", "CA")


def test_outside_north_america_only_the_country():
    r = run_twiml(greet)
    assert webhooks(r)[0][2]["FromState"] == ""
