"""Conferences and Participants through the real SDK: list and fetch the simulator's rooms,
mute, hold and kick a participant mid-call, add one by calling out, end a conference."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

import telenb
from telenb.providers.twilio import offline_client, twilio_account

LINE = "+15550100"
ROOM = {
    "/": "<Response><Dial action='/after'><Conference>standup</Conference></Dial></Response>",
    "/after": "<Response><Say>You left the standup.</Say></Response>",
}


@pytest.fixture
def carrier():
    c = telenb.Carrier(seed=27)
    c.app(LINE, twiml=ROOM)
    twilio_account(c).add_number(LINE)
    return c


def heard(result, speaker: str) -> list[str]:
    """What the person on `result`'s call heard `speaker` say."""
    return [h.text for h in result.leg.party.heard if h.by == speaker]


def join(carrier, caller, from_):
    return carrier.call(LINE, caller=caller, from_=from_, run=False)


def test_list_fetch_and_mute_then_kick(carrier):
    client = offline_client(carrier)
    alice = join(carrier, "wait: 3s; say: first point; wait: 8s; say: second point; wait: 20s",
                 "+15550177")  # fmt: skip
    bob = join(carrier, "wait: 40s", "+15550178")
    carrier.run(until=2)
    (room,) = client.conferences.list(status="in-progress")
    assert (room.friendly_name, room.status, room.sid[:2]) == ("standup", "in-progress", "CF")
    assert client.conferences(room.sid).fetch().friendly_name == "standup"
    parts = client.conferences(room.sid).participants.list()
    assert sorted(p.call_sid for p in parts) == sorted([alice.sid, bob.sid])
    assert all(p.status == "connected" and not p.muted and not p.hold for p in parts)
    carrier.run(until=6)  # alice's first point is heard by bob
    muted = client.conferences(room.sid).participants(alice.sid).update(muted=True)
    assert muted.muted is True
    assert [p.call_sid for p in client.conferences(room.sid).participants.list(muted=True)] == [
        alice.sid
    ]
    carrier.run(until=16)  # her second point is not
    assert heard(bob, "+15550177") == ["first point"]
    assert [e["text"] for e in alice.trace.filter("muted", alice.sid)] == ["second point"]
    assert client.conferences(room.sid).participants(bob.sid).delete() is True
    carrier.run(until=25)
    assert bob.said() == ["You left the standup."]  # his TwiML goes on after the <Dial>
    with pytest.raises(TwilioRestException) as err:
        client.conferences(room.sid).participants(bob.sid).fetch()
    assert (err.value.status, err.value.code) == (404, 20404)


def test_hold_takes_a_participant_out_of_the_room(carrier):
    client = offline_client(carrier)
    alice = join(carrier, "wait: 5s; say: are you there; wait: 30s", "+15550177")
    bob = join(carrier, "wait: 30s", "+15550178")
    carrier.run(until=2)
    (room,) = client.conferences.list()
    held = client.conferences(room.sid).participants(bob.sid).update(hold=True)
    assert held.hold is True
    carrier.run(until=12)
    assert heard(bob, "+15550177") == []  # she spoke into a room where nobody else listened
    client.conferences(room.sid).participants(bob.sid).update(hold=False)
    assert [e["text"] for e in alice.trace.filter("speech", alice.sid)] == ["are you there"]


def test_create_a_participant_by_calling_out_and_end_the_conference(carrier):
    client = offline_client(carrier)
    carrier.phone("+15550123", script="wait: 2s; say: sorry I am late; wait: 30s")
    alice = join(carrier, "wait: 60s", "+15550177")
    carrier.run(until=2)
    (room,) = client.conferences.list()
    added = client.conferences(room.sid).participants.create(
        from_=LINE, to="+15550123", label="latecomer"
    )
    assert added.call_sid.startswith("CA") and added.status == "queued"
    assert added.label == "latecomer" and added.conference_sid == room.sid
    carrier.run(until=15)
    parts = client.conferences(room.sid).participants.list()
    assert sorted(p.call_sid for p in parts) == sorted([alice.sid, added.call_sid])
    assert heard(alice, "+15550123") == ["sorry I am late"]
    done = client.conferences(room.sid).update(status="completed")
    assert done.status == "completed"
    carrier.run(until=30)
    assert alice.said() == ["You left the standup."]
    assert client.conferences.list(status="in-progress") == []
