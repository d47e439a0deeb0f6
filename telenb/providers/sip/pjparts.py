"""Small pieces of the SIP worker that talk to pjsua2 objects it hands them: pjsip's message
log as "sip" events, a stream's RTP counters, the whole-call recorders, a WAV file's end.

Only the worker process imports this module (it is given `pj`, never imports it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from .ladder import sip_message

DEBUG = bool(os.environ.get("TELENB_SIP_DEBUG"))  # pjsip's warnings and errors on stderr


def whole(path: str) -> bool:
    """pjmedia takes a recorder out of its bridge asynchronously and writes the WAV header's
    sizes only then: the file is whole once its RIFF size covers it."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
        return len(head) == 8 and int.from_bytes(head[4:8], "little") + 8 == os.path.getsize(path)
    except OSError:
        return False


def sip_log_writer(pj: Any, emit: Callable[..., None]) -> Any:
    class _SipLog(pj.LogWriter):
        def write(self, entry: Any) -> None:
            message = sip_message(str(entry.msg))
            if message is not None:
                emit("sip", **message)
            elif DEBUG and entry.level <= 3:
                print(str(entry.msg).rstrip(), file=sys.stderr)

    return _SipLog()


def rtp_stats(call: Any, index: int) -> dict[str, Any] | None:
    """The stream's RTCP-style counters (RFC 3550 A.8 jitter, loss), or None once it is gone."""
    if index < 0:
        return None
    try:
        stat = call.getStreamStat(index)  # named: SWIG frees a temporary's members while
        rtcp = stat.rtcp  # they are still read
        rx, tx = rtcp.rxStat, rtcp.txStat
    except Exception:  # the stream was destroyed before we asked
        return None
    return {"rx_packets": int(rx.pkt), "rx_lost": int(rx.loss), "rx_jitter_ms":
            round(rx.jitterUsec.mean / 1000, 3), "rx_jitter_max_ms":
            round(rx.jitterUsec.max / 1000, 3), "tx_packets": int(tx.pkt)}  # fmt: skip


def call_taps(ep: Any, pj: Any, m: Any, caller: str, flow: str) -> list[tuple[Any, str]]:
    """The call recording: one recorder on what the caller sends, one fed by every prompt the
    flow plays (`play` connects each player to it too), started in the same bridge cycle so
    the two files are aligned sample for sample.  The bridge writes a recorder only while
    something transmits to it: the null device's silence keeps both files in time (the
    flow's between prompts, the caller's when it sends no RTP)."""
    taps = []
    for path in (caller, flow):
        rec = pj.AudioMediaRecorder()
        rec.createRecorder(path)
        taps.append((rec, path))
    m.audio.startTransmit(taps[0][0])
    silence = ep.audDevManager().getCaptureDevMedia()
    for tap, _ in taps:  # adds zeros: what the call or a prompt sends passes unchanged
        silence.startTransmit(tap)
    return taps
