"""RFC 4733 telephone-events on the wire as real phones and lossy paths send them: sipp replays
pcap files built here (`rtp_pcap`) at a flow whose `ask` collects every key it is told of."""

from __future__ import annotations

import pytest

from .conftest import SCENARIOS
from .rtp_pcap import event, write_pcap

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")

TS = 160_000  # the events' RTP timestamps start here (any value: RFC 3550 §5.1)


def collect(call):
    """Up to 8 keys, until none for 2 s: every key the flow is told of is counted."""
    call.answer()
    event_ = call.ask(choices="[1-8 DIGITS]", mode="dtmf", timeout=10, interdigit_timeout=2)
    call.log(f"keys {event_.value}")
    call.hangup()


def _keys(tmp_path, sip_backend, sipp_peer, packets, pt: int = 101) -> list[str]:
    pcap = write_pcap(tmp_path / "keys.pcap", packets)
    xml = (SCENARIOS / "uac_pcmu_dtmf.xml").read_text()
    xml = xml.replace("/usr/share/sip-tester/dtmf_2833_1.pcap", str(pcap))
    if pt != 101:
        xml = xml.replace("RTP/AVP 0 101", f"RTP/AVP 0 {pt}")
        xml = xml.replace("rtpmap:101", f"rtpmap:{pt}").replace("fmtp:101", f"fmtp:{pt}")
    scenario = tmp_path / "keys.xml"
    scenario.write_text(xml)
    backend = sip_backend()
    backend.answer("shop", collect)
    peer = sipp_peer(scenario, backend.listen)
    result = backend.wait(40)
    assert peer.wait(30) == 0, peer.proc.stderr.read().decode()[-400:]  # it got our BYE
    assert result.status == "completed" and result.error is None, result.trace.text()
    # sipp sends no audio at all: the call recording still keeps the call's time
    assert abs(result.audio.duration - result.duration) < 0.5
    return [e["value"] for e in result.trace.filter("input")]


def _seq(*events_: list) -> list:
    """Several events in one stream: sequence numbers continue from one to the next."""
    out, seq = [], 1000
    for ev in events_:
        for p in ev:
            p.seq = seq
            seq += 1
        out += ev
    return out


def test_telephone_event_on_the_payload_type_the_caller_offered(tmp_path, sip_backend,
                                                                sipp_peer):  # fmt: skip
    """RFC 4733 §7.1.1: telephone-event has a dynamic payload type, the one the SDP's rtpmap
    names; a caller offering it as 96 (not the common 101) sends its keys with PT 96."""
    packets = _seq(event("4", at=0.0, ts=TS, seq=0, pt=96),
                   event("2", at=0.4, ts=TS + 3200, seq=0, pt=96))  # fmt: skip
    assert _keys(tmp_path, sip_backend, sipp_peer, packets, pt=96) == ["4", "2"]


def test_events_on_a_payload_type_the_sdp_did_not_name_are_not_keys(tmp_path, sip_backend,
                                                                    sipp_peer):  # fmt: skip
    """The converse (RFC 3264 §5.1, RFC 3550 §5.1): the payload type is bound by the SDP; a
    caller that offered telephone-event as 101 and sends PT 96 has sent no key."""
    packets = _seq(event("4", at=0.0, ts=TS, seq=0, pt=96))
    assert _keys(tmp_path, sip_backend, sipp_peer, packets, pt=101) == []


def test_the_end_packet_sent_three_times_is_one_key(tmp_path, sip_backend, sipp_peer):
    """RFC 4733 §2.5.1.4: the final packet of an event is sent three times; the receiver must
    report one key per event.  Two presses of the same key (two events, new timestamps) are
    two keys."""
    packets = _seq(event("7", at=0.0, ts=TS, seq=0, ends=3),
                   event("7", at=0.4, ts=TS + 3200, seq=0, ends=3))  # fmt: skip
    assert _keys(tmp_path, sip_backend, sipp_peer, packets) == ["7", "7"]


def test_an_event_whose_start_was_lost_is_still_one_key(tmp_path, sip_backend, sipp_peer):
    """RFC 4733 §2.5.1.3 / §3.1: packets may be lost; an event known only from its end
    packets is still a key (reported once, not once per end packet)."""
    packets = _seq(event("1", at=0.0, ts=TS, seq=0),
                   event("9", at=0.4, ts=TS + 3200, seq=0, start=False))  # fmt: skip
    assert _keys(tmp_path, sip_backend, sipp_peer, packets) == ["1", "9"]


def test_a_long_key_with_many_updates_is_one_key(tmp_path, sip_backend, sipp_peer):
    """RFC 4733 §2.5.1.2: a key held down is one event refreshed every 50 ms with a growing
    duration (here 2 s: 40 updates, then the end packets): one key."""
    packets = _seq(event("8", at=0.0, ts=TS, seq=0, length=2.0))
    assert _keys(tmp_path, sip_backend, sipp_peer, packets) == ["8"]
