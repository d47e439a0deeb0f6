"""Usage Records from the carrier's own call legs and messages, through the real SDK."""

from __future__ import annotations

from decimal import Decimal

import telenb
from telenb.providers.twilio import offline_client, twilio_account


def test_usage_records_count_minutes_and_segments():
    carrier = telenb.Carrier(seed=33)
    carrier.app("+15550100", twiml="<Response><Say>Hi</Say><Pause length='70'/></Response>")
    twilio_account(carrier).add_number("+15550100")
    carrier.call("+15550100", caller="wait: 80s", from_="+15550177")  # 70 s: 2 billed minutes
    carrier.call("+15550100", caller="wait: 20s; hangup", from_="+15550178")  # hangs up at 20 s: 1
    client = offline_client(carrier)
    client.messages.create(to="+15550123", from_="+15550100", body="x" * 200)  # 2 segments
    carrier.run()
    records = {r.category: r for r in client.usage.records.list()}
    calls = records["calls-inbound"]
    assert (calls.count, calls.usage, calls.usage_unit, calls.price) == ("2", "3", "minutes", None)
    assert records["calls-outbound"].count == "0"
    sms = records["sms-outbound"]
    expected = sum((m.price for m in carrier.messages), Decimal(0))
    assert (sms.count, sms.usage, sms.count_unit) == ("2", "2", "messages")
    assert Decimal(str(sms.price)) == expected and expected > 0
    assert records["sms"].count == "2" and records["sms-inbound"].count == "0"
    (only,) = client.usage.records.list(category="calls")
    assert only.start_date.isoformat() == "2025-01-01"
    assert client.usage.records.list(category="calls", start_date="2025-02-01")[0].count == "0"
