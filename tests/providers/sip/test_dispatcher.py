"""telenb workers behind Kamailio's dispatcher on loopback: SIP's own scale-out.

Kamailio's dispatcher module reads its destinations from a list file (`setid destination`
per line) and `ds_select_dst(set, "4")` picks them round robin (algorithm 4), one new INVITE
after the other; the proxy record-routes, so each dialog's ACK and BYE go through it to the
worker that answered.  Here two telenb backends, each its own pjsua2 worker process, answer
sipp's calls, and sipp only ever sends to Kamailio.
"""

from __future__ import annotations

import time

import pytest

from .conftest import SCENARIOS

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")
CALLS = 6


def short_call(call):
    call.wait(0.3)
    call.hangup()


def test_round_robin_shares_the_calls_between_two_workers(kamailio, sip_backend, sipp_peer):
    workers = [sip_backend(), sip_backend()]
    for w in workers:
        w.answer("*", short_call)
    k = kamailio(dispatch=[w.listen for w in workers])
    assert k.cfg.read_text().count('ds_select_dst("1", "4")') == 1
    caller = sipp_peer(SCENARIOS / "uac_proxy_wait_bye.xml", k.address, service="shop",
                       count=CALLS, extra=("-r", "3"))  # fmt: skip
    assert caller.wait(60) == 0, caller.proc.stderr.read().decode()[-600:]  # 0: no call failed
    answered = []
    for w in workers:
        got = [w.wait(10) for _ in range(CALLS // 2)]
        answered.append(len(got))
        assert all(r.status == "completed" and r.error is None for r in got)
        assert all(r.statuses() == ["ringing", "in-progress", "completed"] for r in got)
        with pytest.raises(TimeoutError):  # round robin: exactly half, no more
            w.wait(0.5)
    assert answered == [CALLS // 2, CALLS // 2]


def test_a_dead_worker_costs_a_retry_not_a_failed_call(kamailio, sip_backend, sipp_peer):
    """A worker that never answers (no provisional reply within tm's fr_timer, 2 s here)
    ends that branch with a local 408; `failure_route` then takes `ds_next_dst()`, the next
    destination the dispatcher kept (flags 2), and the call completes on the live worker."""
    alive, dead = sip_backend(), sip_backend()
    alive.answer("*", short_call)
    k = kamailio(dispatch=[dead.listen, alive.listen])
    dead.close()
    callers = sipp_peer(SCENARIOS / "uac_proxy_wait_bye.xml", k.address, count=2,
                        extra=("-r", "1"))  # fmt: skip
    assert callers.wait(60) == 0, callers.proc.stderr.read().decode()[-600:]
    assert [alive.wait(10).status for _ in range(2)] == ["completed", "completed"]
    assert k.proc.poll() is None


def test_call_load_dispatching_never_gives_a_worker_a_fifth_call(
    kamailio, sip_backend, sipp_peer, tmp_path
):
    """A pjsua2 worker carries 4 calls at once and answers a fifth INVITE 486 itself, which
    round robin would hand on to the caller.  Dispatcher algorithm 10 (call load
    distribution: `duid` and `maxload` attributes, `ds_load_update` on the 200 and the BYE,
    `ds_load_unset` on failure) sends each call to the least loaded worker and, when every
    worker is at its maxload, the script answers 503 itself (RFC 3261 21.5.4: overloaded)."""

    def hold(call):
        call.wait(4.0)
        call.hangup()

    workers = [sip_backend(), sip_backend()]
    for w in workers:
        w.answer("*", hold)
    k = kamailio(dispatch=[w.listen for w in workers], max_load=4)
    assert "duid=0;maxload=4" in (k.workdir / "dispatcher.list").read_text()
    eight = sipp_peer(SCENARIOS / "uac_proxy_wait_bye.xml", k.address, count=8,
                      extra=("-r", "20"))  # fmt: skip
    scenario = tmp_path / "busy.xml"
    scenario.write_text((SCENARIOS / "uac_rejected.xml").read_text().replace("CODE", "503"))
    time.sleep(1.5)  # all eight are up (20 per second): four on each worker
    ninth = sipp_peer(scenario, k.address)
    assert ninth.wait(20) == 0, ninth.proc.stderr.read().decode()[-600:]  # exactly 503
    assert eight.wait(40) == 0, eight.proc.stderr.read().decode()[-600:]
    for w in workers:
        got = [w.wait(10) for _ in range(4)]
        assert [r.status for r in got] == ["completed"] * 4
        with pytest.raises(TimeoutError):
            w.wait(0.5)
