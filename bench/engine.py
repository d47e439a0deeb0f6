"""Engine benchmark (issue 2): prints ratios measured in this run; nothing is asserted.

(a) the dress-shop flow at text fidelity: virtual seconds simulated per wall second;
(b) signalling-only load: 100,000 short calls through one carrier: calls per wall second and
    peak memory (tracemalloc, Python allocations).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import telenb


def dress_shop(call):
    call.say("Hello, how are you today?", voice="Daniel")
    r = call.ask(
        "What color dress do you want? Choose from black, red, blue or green.",
        choices="black, red, blue, green",
        timeout=10,
        attempts=3,
        on_bad_choice=lambda e: call.say("I didn't understand."),
    )
    if r.name == "choice":
        call.say(f"Then you should get a {r.value} dress! I'll text you a link.")
        call.message(f"Your {r.value} dress: https://shop.example/{r.value}", to=call.caller_id)
    call.hangup()


def bench_flows(calls: int) -> tuple[float, float, float]:
    """Many dress-shop calls, concurrently arriving, in one carrier."""
    carrier = telenb.Carrier(seed=1)
    carrier.app("+15550100", dress_shop)
    start = time.perf_counter()
    results = [
        carrier.call(
            "+15550100", caller="say: purple; say: red", from_=f"+1555{2000000 + i}", run=False
        )
        for i in range(calls)
    ]
    carrier.run()
    wall = time.perf_counter() - start
    assert all(r.status == "completed" for r in results)
    virtual = sum(r.duration for r in results)
    return virtual, wall, carrier.clock.now


def _signalling_run(calls: int) -> telenb.Carrier:
    carrier = telenb.Carrier(seed=2)
    carrier.trunk_group("pstn", 2000, "+1555*")
    carrier.traffic("+15550123", rate=50.0, holding=20.0, calls=calls)
    carrier.run()
    assert len(carrier.legs) == calls
    return carrier


def bench_signalling(calls: int) -> tuple[float, int]:
    """Timed on its own; memory measured in a second, identical run (tracemalloc slows it)."""
    start = time.perf_counter()
    _signalling_run(calls)
    wall = time.perf_counter() - start
    tracemalloc.start()
    _signalling_run(calls)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return wall, peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--flows", type=int, default=2000)
    ap.add_argument("--signalling", type=int, default=100_000)
    args = ap.parse_args()
    virtual, wall, _span = bench_flows(args.flows)
    print(
        f"(a) dress shop, text fidelity: {args.flows} calls, {virtual:,.0f} virtual call-seconds "
        f"in {wall:.3f} s wall -> {virtual / wall:,.0f}x real time "
        f"({wall / args.flows * 1e3:.3f} ms per call; target >= 10,000x)"
    )
    wall, peak = bench_signalling(args.signalling)
    print(
        f"(b) signalling only: {args.signalling:,} calls in {wall:.3f} s -> "
        f"{args.signalling / wall:,.0f} calls/s (target >= 50,000/s); "
        f"peak Python memory {peak / 2**20:.1f} MiB ({peak / args.signalling:.0f} B/call)"
    )


if __name__ == "__main__":
    main()
