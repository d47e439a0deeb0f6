"""The SIP worker process: owns the only pjsua2 `Endpoint`, talks `protocol` on stdin/stdout.

Run as `python -m telenb.providers.sip.worker HOST PORT [--codecs PCMU,PCMA]`.  It lives in
its own process because pjsua2 aborts the process on misuse; the kernel only ever sees lines
on a pipe.  The conference bridge runs at 8 kHz with no echo canceller or VAD, so a prompt the
kernel quantised with telenb's G.711 reaches pjmedia's encoder as exact G.711 values and
leaves as the same codewords; a null sound device clocks the bridge.
"""

from __future__ import annotations

import argparse
import os
import select
import sys
import time
from typing import Any

from .headers import parse_headers
from .pjparts import call_taps, rtp_stats, sip_log_writer, whole
from .protocol import MAX_LINE, ProtocolError, decode, encode

_OUT: Any = None  # the protocol pipe: the original stdout, kept away from pjlib's own prints
STATS_EVERY = 1.0  # seconds between polls of each stream's RTP counters
CODECS = {"PCMU": "PCMU/8000", "PCMA": "PCMA/8000"}


def _emit(kind: str, **fields: Any) -> None:
    _OUT.write(encode(kind, **fields))
    _OUT.flush()


def _endpoint(pj: Any, host: str, port: int, codecs: list[str]) -> Any:
    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    # pjsip logs each SIP message it sends or receives at level 4: that log, and nothing else,
    # reaches the kernel as "sip" events (the call's ladder diagram)
    cfg.logConfig.level = cfg.logConfig.consoleLevel = 4
    cfg.logConfig.msgLogging = True
    cfg.logConfig.decor = 0
    ep.sip_log = sip_log_writer(pj, _emit)  # pjsua2 holds a raw pointer: keep the writer alive
    cfg.logConfig.writer = ep.sip_log
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True  # every callback runs in libHandleEvents, on this thread
    med = cfg.medConfig
    med.clockRate = med.sndClockRate = 8000  # no resampling between the kernel's audio and G.711
    med.channelCount = 1
    med.audioFramePtime = med.ptime = 20
    med.noVad = True
    med.ecTailLen = 0
    # pjsua closes a sound device idle for a second, and the null device is what clocks the
    # bridge: closed, no RTP frame and no RFC 4733 event would leave while the flow waits
    med.sndAutoCloseTime = -1
    ep.libInit(cfg)
    ep.audDevManager().setNullDev()
    tcfg = pj.TransportConfig()
    tcfg.boundAddress = host
    tcfg.port = port
    tid = ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
    ep.bound_port = int(str(ep.transportGetInfo(tid).localName).rsplit(":", 1)[1])
    for info in ep.codecEnum2():  # only the G.711 laws asked for, in the order asked
        ep.codecSetPriority(info.codecId, 0)
    for rank, name in enumerate(codecs):
        ep.codecSetPriority(CODECS[name], 250 - rank)
    ep.libStart()
    return ep


class _Media:
    """One call's prompt player and caller recorder (pjsua2 objects kept alive here)."""

    def __init__(self) -> None:
        self.audio: Any = None  # the call's AudioMedia once the stream is up
        self.player: Any = None
        self.recorder: Any = None
        self.record_path: str | None = None
        self.eof = False  # the player reached its end (its callback may not destroy it)
        self.messages: list[str] = []  # refs of the SIP MESSAGEs awaiting their answer
        self.stats: dict[str, Any] | None = None  # its RTP counters at the last poll
        self.index = -1  # the audio stream's media index, for its RTP statistics
        self.rx_packets = -1  # RTP packets received when last looked at
        self.rx_at = 0.0  # when that count last grew
        self.bridged: int | None = None  # the call whose audio this one's is connected to
        self.taps: list[tuple[Any, str]] = []  # the whole-call recorders (`tap`): caller, flow


def main(host: str, port: int, codecs: list[str], rtp_timeout: float = 0.0) -> int:
    global _OUT
    _OUT = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # pjlib writes to fd 1 before its log config applies: send that to stderr
    import pjsua2 as pj  # only the worker imports the SIP stack

    ep = _endpoint(pj, host, port, codecs)
    calls: dict[int, Any] = {}
    media: dict[int, _Media] = {}
    closing: list[tuple[int, str, float]] = []  # (call, WAV path, give up at) being closed
    tapped: set[str] = set()  # which of those are call recordings ("tapped", not "recorded")

    def stop_play(cid: int) -> None:
        m = media.get(cid)
        if m is not None and m.player is not None:
            if m.audio is not None:
                m.player.stopTransmit(m.audio)
            m.player = None  # destroys the player
            m.eof = False
            _emit("played", call=cid)

    def stop_taps(cid: int) -> None:
        m = media.get(cid)
        if m is not None:
            for _, path in m.taps:  # destroyed: the players and the call stop feeding them
                tapped.add(path)
                closing.append((cid, path, time.monotonic() + 3.0))
            m.taps = []

    def stop_record(cid: int) -> None:
        m = media.get(cid)
        if m is not None and m.recorder is not None:
            if m.audio is not None:
                m.audio.stopTransmit(m.recorder)
            m.recorder = None  # the bridge closes the file soon after: "recorded" then
            closing.append((cid, str(m.record_path), time.monotonic() + 3.0))

    def bridge(a: int, b: int) -> None:
        """Connect two calls' audio both ways in the conference bridge (a B2BUA's transfer)."""
        ma, mb = media.get(a), media.get(b)
        if ma is None or mb is None or ma.audio is None or mb.audio is None:
            _emit("error", message=f"bridge: calls {a} and {b} need audio streams", call=a)
            return
        stop_play(a)
        stop_play(b)
        ma.audio.startTransmit(mb.audio)
        mb.audio.startTransmit(ma.audio)
        ma.bridged, mb.bridged = b, a

    def unbridge(a: int) -> None:
        ma = media.get(a)
        mb = media.get(ma.bridged) if ma is not None and ma.bridged is not None else None
        if ma is None or mb is None:
            return
        for src, dst in ((ma, mb), (mb, ma)):
            if src.audio is not None and dst.audio is not None:
                src.audio.stopTransmit(dst.audio)
        ma.bridged = mb.bridged = None

    def check_media(now: float) -> None:
        """RFC 3550 gives no keepalive for a dead stream: a call whose peer has sent no RTP
        for `rtp_timeout` seconds lost its media (a crashed phone, a cut network) and ends."""
        for cid, m in list(media.items()):
            call = calls.get(cid)
            if call is None or m.audio is None or m.index < 0:
                continue
            try:
                stat = call.getStreamStat(m.index)  # named: SWIG frees a temporary's
                got = int(stat.rtcp.rxStat.pkt)  # members while they are still read
                info = call.getInfo()
                held = info.media[m.index].status != pj.PJSUA_CALL_MEDIA_ACTIVE
            except Exception:  # the stream is being torn down
                continue
            if got != m.rx_packets or held:  # a call on hold sends no RTP, rightly
                m.rx_packets, m.rx_at = got, now
            elif now - m.rx_at > rtp_timeout:
                quiet = round(now - m.rx_at, 1)
                _emit("media_timeout", call=cid, seconds=quiet, packets=got)
                m.index = -1  # reported once
                call.hangup(pj.CallOpParam())

    class _Player(pj.AudioMediaPlayer):
        def __init__(self, m: _Media) -> None:
            super().__init__()
            self.m = m

        def onEof2(self) -> None:
            self.m.eof = True  # stopped from the main loop, outside pjmedia's callback

    class _Call(pj.Call):
        def onCallState(self, prm: Any) -> None:
            info = self.getInfo()
            if info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
                m = media.get(info.id)
                if m is not None and m.audio is not None:  # the stream's counters, once
                    stats = rtp_stats(self, m.index) or m.stats
                    if stats is not None:
                        _emit("rtp", call=info.id, **stats)
                stop_play(info.id)
                stop_record(info.id)
                unbridge(info.id)
                stop_taps(info.id)
                media.pop(info.id, None)
            _emit("state", call=info.id, state=info.stateText, code=int(info.lastStatusCode),
                  reason=str(info.lastReason))  # fmt: skip
            if info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
                gone.append(calls.pop(info.id, None))

        def onCallMediaState(self, prm: Any) -> None:
            info = self.getInfo()
            for i, mi in enumerate(info.media):
                if mi.type == pj.PJMEDIA_TYPE_AUDIO and mi.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                    m = media.setdefault(info.id, _Media())
                    if m.audio is None:
                        m.audio = self.getAudioMedia(i)
                        m.index, m.rx_at = i, time.monotonic()
                        si = self.getStreamInfo(i)
                        _emit("media", call=info.id, codec=str(si.codecName).upper(),
                              remote=str(si.remoteRtpAddress))  # fmt: skip

        def onStreamDestroyed(self, prm: Any) -> None:
            m = media.get(self.getId())  # the last moment the stream exists
            if m is not None:
                m.stats = rtp_stats(self, int(prm.streamIdx)) or m.stats

        def onInstantMessage(self, prm: Any) -> None:
            _emit("message", call=self.getId(), text=str(prm.msgBody),
                  content_type=str(prm.contentType))  # fmt: skip

        def onInstantMessageStatus(self, prm: Any) -> None:
            m = media.get(self.getId())
            ref = m.messages.pop(0) if m is not None and m.messages else ""
            _emit("message_status", call=self.getId(), ref=ref, code=int(prm.code),
                  reason=str(prm.reason))  # fmt: skip

        def onDtmfDigit(self, prm: Any) -> None:
            _emit("dtmf", call=self.getId(), digit=str(prm.digit))

        def onCallTransferRequest(self, prm: Any) -> None:
            # a REFER from the far end would have us INVITE whatever its Refer-To names,
            # past the kernel's allow-list: an open relay.  603 Decline (RFC 3515 2.4.2)
            prm.statusCode = 603

        def onCallTransferStatus(self, prm: Any) -> None:
            # our REFER's fate: its own final response if refused, else each NOTIFY's
            # message/sipfrag status line (RFC 3515 2.4.4-2.4.5)
            _emit("refer_status", call=self.getId(), code=int(prm.statusCode),
                  reason=str(prm.reason), final=bool(prm.finalNotify))  # fmt: skip

    class _Account(pj.Account):
        def onIncomingCall(self, prm: Any) -> None:
            call = _Call(self, prm.callId)
            info = call.getInfo()
            calls[info.id] = call
            ring = pj.CallOpParam()
            ring.statusCode = 180
            call.answer(ring)
            _emit("incoming", call=info.id, callid=info.callIdString,
                  headers=parse_headers(str(prm.rdata.wholeMsg)),
                  **{"from": info.remoteUri, "to": info.localUri})  # fmt: skip

    class _Registration(_Account):
        """An account REGISTERed at a registrar: its calls arrive here, its states go up."""

        def __init__(self, ref: str) -> None:
            super().__init__()
            self.ref = ref

        def onRegState(self, prm: Any) -> None:
            _emit("registration", ref=self.ref, code=int(prm.code), reason=str(prm.reason),
                  active=bool(self.getInfo().regIsActive), expires=int(prm.expiration))  # fmt: skip

    regs: dict[str, _Registration] = {}

    def register(msg: dict[str, Any]) -> None:
        ref = str(msg["ref"])
        cfg = pj.AccountConfig()
        cfg.idUri = str(msg["aor"])
        cfg.regConfig.registrarUri = str(msg["registrar"])
        cfg.regConfig.timeoutSec = int(msg["expires"])  # pjsua refreshes before it runs out
        cfg.regConfig.retryIntervalSec = 0  # a refused REGISTER is reported, not retried
        # realm "*": answer the registrar's digest challenge whatever realm it names
        cfg.sipConfig.authCreds.append(
            pj.AuthCredInfo("digest", "*", str(msg["username"]), 0, str(msg["password"]))
        )
        cfg.mediaConfig.transportConfig.boundAddress = host
        cfg.mediaConfig.transportConfig.port = 0
        acc = _Registration(ref)
        try:
            acc.create(cfg)
        except Exception as exc:  # a registrar URI the stack cannot parse
            why = getattr(exc, "reason", None) or str(exc)
            _emit("registration", ref=ref, code=0, reason=str(why), active=False, expires=0)
            return
        regs[ref] = acc

    def unregister(ref: str) -> None:
        acc = regs.get(ref)
        if acc is not None and acc.getInfo().regIsActive:
            acc.setRegistration(False)  # REGISTER with Expires: 0; onRegState reports it
            return
        if acc is not None:
            acc.shutdown()
            del regs[ref]
        _emit("registration", ref=ref, code=0, reason="not registered", active=False, expires=0)

    acfg = pj.AccountConfig()
    acfg.idUri = f"sip:telenb@{host}:{ep.bound_port}"
    acfg.mediaConfig.transportConfig.boundAddress = host
    acfg.mediaConfig.transportConfig.port = 0  # any free RTP port on that address
    account = _Account()
    account.create(acfg)
    gone: list[Any] = []  # ended calls, deleted from the main loop rather than their callback
    _emit("ready", port=ep.bound_port)  # the real port, when asked for port 0

    def command(msg: dict[str, Any]) -> None:
        kind = msg["type"]
        if kind == "register":
            register(msg)
            return
        if kind == "unregister":
            unregister(str(msg["ref"]))
            return
        if kind == "call":
            out = _Call(account)
            op = pj.CallOpParam(True)
            for name, value in (msg.get("headers") or {}).items():  # checked by the kernel
                field = pj.SipHeader()
                field.hName, field.hValue = str(name), str(value)
                op.txOption.headers.append(field)
            out.makeCall(str(msg["uri"]), op)
            calls[out.getId()] = out
            _emit("calling", ref=msg["ref"], call=out.getId(),
                  callid=str(out.getInfo().callIdString))  # fmt: skip
            return
        cid = msg.get("call")
        call: Any = calls.get(cid)  # type: ignore[arg-type]
        if call is None:
            _emit("error", message=f"no call {cid!r}", call=cid)
            return
        m = media.setdefault(cid, _Media())  # type: ignore[arg-type]
        if kind in ("answer", "reject"):
            op = pj.CallOpParam()
            op.statusCode = 200 if kind == "answer" else msg["code"]
            call.answer(op) if kind == "answer" else call.hangup(op)
        elif kind == "hangup":
            call.hangup(pj.CallOpParam())
        elif kind == "send_dtmf":
            call.dialDtmf(str(msg["digits"]))
        elif kind == "send_message":
            im = pj.SendInstantMessageParam()
            im.content, im.contentType = str(msg["text"]), "text/plain"
            call.sendInstantMessage(im)
            m.messages.append(str(msg["ref"]))  # answered in the order sent
        elif kind == "refer":  # blind transfer: REFER with Refer-To in the call's dialog
            call.xfer(str(msg["uri"]), pj.CallOpParam(True))
        elif m.audio is None:
            _emit("error", message=f"call {cid} has no audio stream yet", call=cid)
        elif kind == "play":
            stop_play(cid)  # type: ignore[arg-type]
            player = _Player(m)
            player.createPlayer(str(msg["path"]), pj.PJMEDIA_FILE_NO_LOOP)
            player.startTransmit(m.audio)
            for tap, _ in m.taps[1:]:  # the flow's side of the call recording hears it too
                player.startTransmit(tap)
            m.player = player
        elif kind == "stop_play":
            stop_play(cid)  # type: ignore[arg-type]
        elif kind == "record":
            stop_record(cid)  # type: ignore[arg-type]
            recorder = pj.AudioMediaRecorder()
            recorder.createRecorder(str(msg["path"]))
            m.audio.startTransmit(recorder)
            m.recorder, m.record_path = recorder, str(msg["path"])
        elif kind == "stop_record":
            stop_record(cid)  # type: ignore[arg-type]
        elif kind == "bridge":
            bridge(int(cid), int(msg["other"]))  # type: ignore[arg-type]
        elif kind == "unbridge":
            unbridge(int(cid))  # type: ignore[arg-type]
        elif kind == "tap" and not m.taps:
            m.taps = call_taps(ep, pj, m, str(msg["caller"]), str(msg["flow"]))

    def handle(line: bytes) -> str | None:
        try:
            msg = decode(line)
        except ProtocolError as exc:
            _emit("error", message=str(exc))
            return None
        if msg["type"] == "quit":
            return "quit"
        try:
            command(msg)
        except Exception as exc:  # the stack refused (a bad URI, a call in the wrong state)
            why = getattr(exc, "reason", None) or str(exc)
            _emit("error", message=f"{msg['type']}: {why}", call=msg.get("call"))
        return None

    stdin = sys.stdin.fileno()
    pending = bytearray()  # bytes read from the kernel, not yet a whole line
    polled = checked = time.monotonic()
    try:
        while True:
            ep.libHandleEvents(10)
            now = time.monotonic()
            if rtp_timeout > 0 and now - checked > 0.5:
                checked = now
                check_media(now)
            if time.monotonic() - polled >= STATS_EVERY:
                polled = time.monotonic()
                for cid, m in list(media.items()):
                    if m.audio is not None and cid in calls:
                        m.stats = rtp_stats(calls[cid], m.index) or m.stats
            for cid, m in list(media.items()):
                if m.eof:
                    stop_play(cid)
            gone.clear()
            for item in list(closing):
                if whole(item[1]) or time.monotonic() > item[2]:
                    closing.remove(item)
                    kind = "tapped" if item[1] in tapped else "recorded"
                    tapped.discard(item[1])
                    _emit(kind, call=item[0], path=item[1])
            ready, _, _ = select.select([stdin], [], [], 0)
            if ready:
                chunk = os.read(stdin, 65536)
                if not chunk:
                    break  # the kernel went away
                pending += chunk
            # every whole line that has arrived: two commands written together (record, then
            # play) come in one read, and select() would not wake us for the second
            while (end := pending.find(b"\n")) >= 0:
                line = bytes(pending[: end + 1])
                del pending[: end + 1]
                if handle(line) == "quit":
                    return 0
            if len(pending) > MAX_LINE:
                _emit("error", message=f"a command line longer than {MAX_LINE} bytes was dropped")
                pending.clear()
    finally:
        for cid in list(media):
            stop_play(cid)
            stop_record(cid)
            stop_taps(cid)
        media.clear()
        calls.clear()
        gone.clear()
        for acc in regs.values():
            acc.shutdown()  # unregisters what is still registered
        regs.clear()
        account.shutdown()
        ep.libDestroy()
    return 0


def _args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m telenb.providers.sip.worker")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--codecs", default="PCMU,PCMA", help="G.711 laws to offer, in order")
    p.add_argument("--rtp-timeout", type=float, default=0.0,
                   help="end a call after this many seconds without RTP (0: never)")  # fmt: skip
    ns = p.parse_args(argv)
    ns.codecs = [c.strip().upper() for c in ns.codecs.split(",") if c.strip()]
    if not ns.codecs or any(c not in CODECS for c in ns.codecs):
        p.error(f"--codecs takes {', '.join(CODECS)}")
    return ns


if __name__ == "__main__":
    _ns = _args(sys.argv[1:])
    sys.exit(main(_ns.host, _ns.port, _ns.codecs, _ns.rtp_timeout))
