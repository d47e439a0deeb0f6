"""SIP load on loopback (issue 15 section 6): what this machine sustains with zero failed calls.

sipp (Debian sip-tester) places calls at a stepped rate at telenb's SIP front door, two ways
in one run: straight at one `telenb sip serve` worker, and through Kamailio's dispatcher
(round robin) in front of `--workers` of them.  Each call is real: INVITE, 180, 200, ACK,
then the flow plays a tone prompt over PCMU RTP (20 ms packets) and hangs up (BYE).  The
caller's SDP points at a small RTP peer in this process, which echoes every packet back (audio
both ways, like sipp's -rtp_echo) and measures the stream at the peer, per SSRC: loss from
the sequence numbers and RFC 3550 interarrival jitter (section 6.4.1, computed as in A.8).
A step passes when sipp counts no failed call and every worker reported every call
completed; stepping stops at the first step that does not.  Nothing is asserted on timing.

One pjsua2 worker carries at most 4 calls at once (the wheel's PJSUA_MAX_CALLS; a fifth
INVITE gets 486 from pjsua), so Kamailio dispatches by call load (algorithm 10, maxload 4
per worker) and the workers' CPU time per call (their kernels and pjsua2 processes, from
/proc) says how far the cores themselves would go: cores / CPU seconds per call-second.

    python bench/sip.py                          # rates 0.5 to 8 calls/s, 10 s each
    python bench/sip.py --rates 2,3 --seconds 20 --workers 3
    python bench/sip.py --rates 1 --calls 2      # a smoke run: two calls each way
"""

from __future__ import annotations

import argparse
import csv
import os
import queue
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout's telenb

from telenb.audio.tones import sine
from telenb.providers.sip.kamailio import Kamailio, free_udp_port, kamailio_binary

ROOT = Path(__file__).resolve().parents[1]
PTIME_MS = 20.0
FLOW = """
def bench_call(call):
    call.say({tone!r})
    call.hangup()
"""


# -- the RTP peer ---------------------------------------------------------------------------
@dataclass(slots=True)
class Stream:
    """One SSRC as RFC 3550 A.1 and A.8 track it: extended sequence numbers and jitter."""

    base: int
    max_seq: int
    cycles: int = 0
    received: int = 0
    jitter: float = 0.0  # in timestamp units (1/8000 s)
    transit: float | None = None
    first: float = 0.0
    last: float = 0.0

    def packet(self, seq: int, ts: int, arrival: float) -> None:
        self.received += 1
        if seq < self.max_seq and self.max_seq - seq > 0x8000:
            self.cycles += 1 << 16  # the 16-bit sequence number wrapped
            self.max_seq = seq
        elif seq > self.max_seq:
            self.max_seq = seq
        transit = arrival * 8000.0 - ts
        if self.transit is not None:
            d = abs(transit - self.transit)
            self.jitter += (d - self.jitter) / 16.0
        self.transit = transit
        self.last = arrival

    @property
    def expected(self) -> int:
        return self.cycles + self.max_seq - self.base + 1

    @property
    def lost(self) -> int:
        return max(0, self.expected - self.received)


class RtpPeer:
    """A UDP socket on loopback: every RTP packet is measured, then echoed to its sender."""

    def __init__(self, host: str = "127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind((host, 0))
        self.port = self.sock.getsockname()[1]
        self.streams: dict[int, Stream] = {}
        self.bad = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rtp-peer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        sock, streams, clock = self.sock, self.streams, time.monotonic
        while not self._stop.is_set():
            if not select.select([sock], [], [], 0.1)[0]:
                continue
            data, addr = sock.recvfrom(2048)
            now = clock()
            if len(data) < 12 or data[0] >> 6 != 2:
                self.bad += 1
                continue
            seq, ts, ssrc = struct.unpack_from("!HII", data, 2)
            s = streams.get(ssrc)
            if s is None:
                s = streams[ssrc] = Stream(base=seq, max_seq=seq, first=now)
            s.packet(seq, ts, now)
            echo = data[:8] + struct.pack("!I", ssrc ^ 0xFFFFFFFF) + data[12:]
            sock.sendto(echo, addr)

    def reset(self) -> None:
        self.streams.clear()  # the same dict: the receiving thread holds it

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()

    def summary(self) -> dict[str, float]:
        streams = list(self.streams.values())
        if not streams:
            return {"streams": 0, "packets": 0, "lost": 0, "loss": 0.0, "jitter_mean": 0.0,
                    "jitter_max": 0.0, "concurrent": 0}  # fmt: skip
        jit = [s.jitter / 8.0 for s in streams]  # timestamp units -> ms
        received = sum(s.received for s in streams)
        lost = sum(s.lost for s in streams)
        return {
            "streams": len(streams),
            "packets": received,
            "lost": lost,
            "loss": lost / max(1, lost + received),
            "jitter_mean": sum(jit) / len(jit),
            "jitter_max": max(jit),
            "concurrent": max_overlap([(s.first, s.last) for s in streams]),
        }


def max_overlap(spans: list[tuple[float, float]]) -> int:
    """The most streams carrying audio at one instant (a sweep over starts and ends)."""
    events = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans])
    most = now = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


# -- the callers and the workers ------------------------------------------------------------
def scenario(rtp_port: int) -> str:
    """A PCMU caller whose SDP names the RTP peer; its ACK follows any Record-Route."""
    via = "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]"
    me = 'From: "bench" <sip:bench@[local_ip]:[local_port]>;tag=[pid]Bench[call_number]'
    return f"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="telenb bench caller">
  <send retrans="500"><![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      {via}
      {me}
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: sip:bench@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=bench 1 1 IN IP4 127.0.0.1
      s=telenb bench
      c=IN IP4 127.0.0.1
      t=0 0
      m=audio {rtp_port} RTP/AVP 0
      a=rtpmap:0 PCMU/8000
      a=ptime:20
  ]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true" rrs="true"/>
  <send><![CDATA[
      ACK [next_url] SIP/2.0
      {via}
      {me}
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      [routes]
      Max-Forwards: 70
      Content-Length: 0
  ]]></send>
  <recv request="BYE" timeout="30000"/>
  <send><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
  ]]></send>
</scenario>
"""


class Served:
    """`telenb sip serve` as a child process (by PID), counting its "call ... completed" lines."""

    def __init__(self, flow: Path, timeout: float = 60.0):
        self.listen = f"127.0.0.1:{free_udp_port()}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "telenb.cli", "sip", "serve", str(flow), "--listen",
             self.listen],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        self.completed = self.other = 0
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise RuntimeError(f"telenb sip serve did not start within {timeout:g} s") from None
            if line.startswith("telenb:") and "answers SIP calls" in line:
                return

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("call "):
                if "  completed  " in line:
                    self.completed += 1
                else:
                    self.other += 1
            else:
                self.lines.put(line.rstrip("\n"))

    def cpu(self) -> float:
        """CPU seconds so far of `telenb sip serve` and its pjsua2 worker (Linux /proc)."""
        return sum(_cpu(pid) for pid in [self.proc.pid, *_children(self.proc.pid)])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: serve closes its worker and exits 0
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def sipp_run(scen: Path, target: str, rate: float, calls: int, workdir: Path) -> dict[str, float]:
    """One step: `calls` calls at `rate` per second; sipp's own counts from its stat file."""
    sipp = shutil.which("sipp")
    assert sipp is not None
    stats = workdir / f"stats-{target.replace(':', '_')}-{rate:g}.csv"
    args = [sipp, "-sf", str(scen), "-s", "bench", target, "-i", "127.0.0.1",
            "-p", str(free_udp_port()), "-mi", "127.0.0.1", "-mp", str(free_udp_port()),
            "-r", f"{rate:g}", "-m", str(calls), "-l", str(calls),
            "-trace_stat", "-stf", str(stats), "-timeout", str(int(calls / rate) + 60),
            "-timeout_error"]  # fmt: skip
    start = time.monotonic()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=workdir)  # fmt: skip
    try:
        code = proc.wait(timeout=calls / rate + 90)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait(timeout=5)
    wall = time.monotonic() - start
    row = _last_row(stats)
    ok = int(row.get("SuccessfulCall(C)", 0) or 0)
    failed = int(row.get("FailedCall(C)", 0) or 0)
    failed = max(failed, calls - ok)  # a call sipp never finished is a failure too
    return {"code": code, "ok": ok, "failed": failed, "wall": wall,
            "setup_ms": _ms(row.get("ResponseTime1(C)", ""))}  # fmt: skip


def _last_row(path: Path) -> dict[str, str]:
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f, delimiter=";"))
    except OSError:
        return {}
    return rows[-1] if rows else {}


def _ms(text: str) -> float:
    """sipp's HH:MM:SS:mmmuuu duration as milliseconds."""
    parts = text.strip().split(":")
    if len(parts) != 4:
        return float("nan")
    h, m, s, rest = parts
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000.0 + int(rest) / 1000.0


# -- the run --------------------------------------------------------------------------------
@dataclass
class Door:
    name: str
    target: str
    workers: list[Served]
    rows: list[dict[str, float]] = field(default_factory=list)

    def completed(self) -> int:
        return sum(w.completed for w in self.workers)


def step(door: Door, peer: RtpPeer, scen: Path, rate: float, calls: int, work: Path) -> bool:
    peer.reset()
    before = [w.completed for w in door.workers]
    cpu0 = sum(w.cpu() for w in door.workers)
    got = sipp_run(scen, door.target, rate, calls, work)
    deadline = time.monotonic() + 10  # the last "completed" lines follow sipp's 200 to BYE
    while door.completed() - sum(before) < got["ok"] and time.monotonic() < deadline:
        time.sleep(0.05)
    per_worker = [w.completed - b for w, b in zip(door.workers, before, strict=True)]
    cpu = sum(w.cpu() for w in door.workers) - cpu0
    rtp = peer.summary()
    call_seconds = rtp["packets"] * PTIME_MS / 1000.0  # seconds of audio the peer received
    row = {"rate": rate, "calls": calls, **got, **rtp, "cpu": cpu,
           "cpu_per_call_s": cpu / call_seconds if call_seconds else float("nan")}  # fmt: skip
    row["answered"] = sum(per_worker)
    row["share"] = per_worker  # type: ignore[assignment]
    door.rows.append(row)
    passed = got["failed"] == 0 and got["code"] == 0 and sum(per_worker) == calls
    print(f"{door.name:<22}{rate:>6g}{calls:>7}{got['ok']:>6}{got['failed']:>7}"
          f"{rtp['concurrent']:>6}{got['setup_ms']:>9.1f}{rtp['packets']:>9}{rtp['lost']:>6}"
          f"{rtp['jitter_mean']:>8.2f}{rtp['jitter_max']:>8.2f}"
          f"{1000 * row['cpu_per_call_s']:>9.1f}  {'/'.join(map(str, per_worker))}",
          flush=True)  # fmt: skip
    return passed


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rates", default="0.5,1,1.5,2,3,4,6,8", help="calls per second, steps")
    p.add_argument("--seconds", type=float, default=10.0, help="length of each step")
    p.add_argument("--calls", type=int, help="calls per step (default: rate x seconds)")
    p.add_argument("--hold", type=float, default=2.0, help="seconds of prompt per call")
    p.add_argument("--workers", type=int, default=2, help="telenb workers behind Kamailio")
    a = p.parse_args()
    if shutil.which("sipp") is None:
        print("bench/sip.py needs sipp: apt-get install sip-tester", file=sys.stderr)
        return 2
    rates = [float(r) for r in a.rates.split(",")]
    work = Path(tempfile.mkdtemp(prefix="telenb-bench-sip-"))
    tone = work / "tone.wav"
    sine((440.0, 620.0), a.hold, level_dbfs=-18.0).save(tone, subtype="PCM_16")
    flow = work / "bench_flow.py"
    flow.write_text(FLOW.format(tone=str(tone)))
    peer = RtpPeer()
    scen = work / "bench_uac.xml"
    scen.write_text(scenario(peer.port))
    started: list[Served] = []
    kamailio: Kamailio | None = None
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"SIP load on loopback, {os.cpu_count()} cores (load average {load} at the start): "
        f"sipp calls, each a {a.hold:g} s PCMU prompt from telenb ({PTIME_MS:g} ms packets) "
        "echoed by the peer, BYE from the flow"
    )
    print(f"{'front door':<22}{'cps':>6}{'calls':>7}{'ok':>6}{'failed':>7}{'conc':>6}"
          f"{'setup ms':>9}{'RTP pkts':>9}{'lost':>6}{'jit ms':>8}{'max':>8}{'cpu ms/s':>9}"
          "  per worker")  # fmt: skip
    doors: list[Door] = []
    try:
        direct = Served(flow)
        started.append(direct)
        doors.append(Door("direct (1 worker)", direct.listen, [direct]))
        if kamailio_binary() is not None and a.workers > 0:
            behind = [Served(flow) for _ in range(a.workers)]
            started += behind
            kamailio = Kamailio(dispatch=[w.listen for w in behind], max_load=4,
                                workdir=work / "kamailio")  # fmt: skip
            doors.append(Door(f"kamailio ({a.workers} workers)", kamailio.address, behind))
        else:
            print("(Debian's kamailio is not installed: no dispatcher run)")
        for door in doors:
            for rate in rates:
                calls = a.calls or max(1, round(rate * a.seconds))
                if not step(door, peer, scen, rate, calls, work):
                    break
    finally:
        if kamailio is not None:
            kamailio.stop()
        for w in started:
            w.stop()
        peer.close()
        shutil.rmtree(work, ignore_errors=True)
    print()
    best: dict[str, dict[str, float]] = {}
    for door in doors:
        good = [r for r in door.rows if r["failed"] == 0 and r["answered"] == r["calls"]]
        if good:
            top = max(good, key=lambda r: r["rate"])
            best[door.name] = top
            print(
                f"{door.name}: sustained {top['rate']:g} calls/s with zero failed calls, "
                f"{top['concurrent']} concurrent calls with audio, RTP loss "
                f"{100 * top['loss']:.3f} %, jitter {top['jitter_mean']:.2f} ms mean "
                f"({top['jitter_mean'] / PTIME_MS:.3f} of the {PTIME_MS:g} ms packet time); "
                f"{1000 * top['cpu_per_call_s']:.0f} ms of CPU per second of call, so "
                f"{os.cpu_count()} cores would carry about "
                f"{(os.cpu_count() or 1) / top['cpu_per_call_s']:.0f} calls at once"
            )
        else:
            print(f"{door.name}: no step passed with zero failed calls")
    failed = sum(int(r["failed"]) for d in doors for r in d.rows)
    ratio = ""
    if len(best) == 2:
        one, two = best.values()
        ratio = f"; dispatcher / direct sustained rate: {two['rate'] / one['rate']:.2f}x"
    print(f"failed calls in the passing steps: 0; in all steps: {failed}{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
