"""telenb workers behind Kamailio's dispatcher on loopback: SIP's own scale-out.

Kamailio's dispatcher module reads its destinations from a list file (`setid destination`
per line) and `ds_select_dst(set, "4")` picks them round robin (algorithm 4), one new INVITE
after the other; the proxy record-routes, so each dialog's ACK and BYE go through it to the
worker that answered.  Here two telenb backends, each its own pjsua2 worker process, answer
six calls from sipp, which only ever sends to Kamailio.
"""

from __future__ import annotations

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
