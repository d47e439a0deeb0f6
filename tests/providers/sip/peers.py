"""A strict, independent SIP peer for the tests: its own pjsua2 process, driven over a pipe.

sipp replays a scenario without keeping dialog state; this peer is a full pjsip user agent
(RFC 3261 dialogs: To/From tags, CSeq, route set, ACK and BYE matched to the dialog), so a
call it completes proves telenb's worker speaks real SIP.  It shares no code with telenb's
worker and runs pjsua2's defaults (16 kHz bridge, its own codec order); only the sound
device is the null one, since the tests have no sound card.

Run as `python peers.py PORT [--record WAV] [--answer | --reject CODE] [--refuse-refer CODE]`;
it reads JSON lines on stdin (`call`, `play`, `dtmf`, `message`, `hangup`, `refer`, `quit`)
and writes JSON lines on stdout (`ready`, `incoming`, `state`, `media`, `played`, `dtmf`,
`message`, `message_status`, `recorded`, `refer`, `refer_status`, `error`).  A REFER it
receives it accepts (202, then it calls the Refer-To target, which becomes its call) unless
told to refuse it.  The tests start it by
PID and kill it if it outlives them.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import sys
from typing import Any

OUT: Any = None


def emit(kind: str, **fields: Any) -> None:
    OUT.write((json.dumps({"type": kind, **fields}) + "\n").encode())
    OUT.flush()


def headers_of(whole: str) -> dict[str, str]:
    """The header fields of a SIP message's text (RFC 3261 7.3), names as sent."""
    head = whole.replace("\r\n", "\n").split("\n\n", 1)[0].split("\n")[1:]
    found: dict[str, str] = {}
    for line in head:
        name, sep, value = line.partition(":")
        if sep and name.strip():
            found[name.strip()] = value.strip()
    return found


def finished(path: str) -> bool:
    """pjmedia removes a recorder from its bridge asynchronously and writes the WAV header's
    sizes only then: the file is whole once its RIFF size covers the file (its first 8 bytes)."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
        return len(head) == 8 and int.from_bytes(head[4:8], "little") + 8 == os.path.getsize(path)
    except OSError:
        return False


def main(port: int, record: str | None, answer: bool, reject: int = 0,
         refuse_refer: int = 0) -> int:  # fmt: skip
    global OUT
    OUT = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # pjlib prints on fd 1 before its log level applies
    import pjsua2 as pj

    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.logConfig.level = cfg.logConfig.consoleLevel = int(os.environ.get("PEER_LOG", "0"))
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    # pjsua closes an idle sound device after a second, and the null device is the clock of
    # the bridge: without it no frame (nor RFC 4733 event) would be sent once a call is idle
    cfg.medConfig.sndAutoCloseTime = -1
    # with pjmedia's silence detector on, the quiet onset of a word is lost ("shoes, please"
    # was heard as "goo, please"); the peer sends every frame, as a phone with VAD off does
    cfg.medConfig.noVad = True
    ep.libInit(cfg)
    ep.audDevManager().setNullDev()
    tcfg = pj.TransportConfig()
    tcfg.boundAddress, tcfg.port = "127.0.0.1", port
    ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
    ep.libStart()

    kept: list[Any] = []  # calls replaced by a transfer's, still up until their BYE
    state: dict[str, Any] = {"call": None, "audio": None, "player": None, "recorder": None,
                             "eof": False, "closing": None}  # fmt: skip

    def stop_player() -> None:
        if state["player"] is not None:
            if state["audio"] is not None:
                state["player"].stopTransmit(state["audio"])
            state["player"] = None
            state["eof"] = False
            emit("played")

    def stop_recorder() -> None:
        if state["recorder"] is not None:
            state["audio"].stopTransmit(state["recorder"])
            state["recorder"] = None  # the bridge closes the file soon after
            state["closing"] = record

    class Player(pj.AudioMediaPlayer):
        def onEof2(self) -> None:
            state["eof"] = True

    class PeerCall(pj.Call):
        def onCallState(self, prm: Any) -> None:
            info = self.getInfo()
            if info.state == pj.PJSIP_INV_STATE_DISCONNECTED and self is state["call"]:
                stop_player()
                stop_recorder()
                state["audio"] = None
            emit("state", state=info.stateText, code=int(info.lastStatusCode), id=info.id)

        def onCallTransferRequest(self, prm: Any) -> None:
            """A REFER (RFC 3515): accept with 202 and call its Refer-To, or refuse."""
            emit("refer", to=str(prm.dstUri))
            if refuse_refer:
                prm.statusCode = refuse_refer
                return
            new = PeerCall(acc)  # the call to the target becomes the peer's call
            prm.newCall = new
            kept.append(self)  # a pjsua2 Call hangs up when it is deleted: keep the first
            state["call"], state["audio"] = new, None
            stop_player()

        def onCallTransferStatus(self, prm: Any) -> None:
            emit("refer_status", code=int(prm.statusCode), final=bool(prm.finalNotify))

        def onCallMediaState(self, prm: Any) -> None:
            info = self.getInfo()
            for i, mi in enumerate(info.media):
                if mi.type != pj.PJMEDIA_TYPE_AUDIO or mi.status != pj.PJSUA_CALL_MEDIA_ACTIVE:
                    continue
                if state["audio"] is None:
                    state["audio"] = self.getAudioMedia(i)
                    si = self.getStreamInfo(i)
                    if record:
                        rec = pj.AudioMediaRecorder()
                        rec.createRecorder(record)
                        state["audio"].startTransmit(rec)
                        state["recorder"] = rec
                    emit("media", codec=str(si.codecName).upper(),
                         remote_rtp=str(si.remoteRtpAddress))  # fmt: skip

        def onDtmfDigit(self, prm: Any) -> None:
            emit("dtmf", digit=str(prm.digit))

        def onInstantMessage(self, prm: Any) -> None:
            emit("message", text=str(prm.msgBody), content_type=str(prm.contentType),
                 **{"from": str(prm.fromUri)})  # fmt: skip

        def onInstantMessageStatus(self, prm: Any) -> None:
            emit("message_status", code=int(prm.code))

    class Acc(pj.Account):
        def onIncomingCall(self, prm: Any) -> None:
            call = PeerCall(self, prm.callId)
            state["call"] = call
            info = call.getInfo()
            emit("incoming", headers=headers_of(str(prm.rdata.wholeMsg)),
                 **{"from": str(info.remoteUri), "to": str(info.localUri)})  # fmt: skip
            codes = (180, 200) if answer else (180,)  # ring first, as a phone does
            for code in (reject,) if reject else codes:  # a busy phone answers at once
                op = pj.CallOpParam()
                op.statusCode = code
                call.answer(op) if code < 300 else call.hangup(op)

    acfg = pj.AccountConfig()
    acfg.idUri = f"sip:peer@127.0.0.1:{port}"
    acfg.mediaConfig.transportConfig.boundAddress = "127.0.0.1"
    acfg.mediaConfig.transportConfig.port = 0  # any free RTP port
    acc = Acc()
    acc.create(acfg)
    emit("ready", port=port)

    def command(msg: dict[str, Any]) -> None:
        kind = msg["type"]
        call = state["call"]
        if kind == "call":
            call = PeerCall(acc)
            op = pj.CallOpParam(True)
            for name, value in (msg.get("headers") or {}).items():
                h = pj.SipHeader()
                h.hName, h.hValue = name, value
                op.txOption.headers.append(h)
            call.makeCall(msg["uri"], op)
            state["call"] = call
        elif call is None:
            emit("error", message=f"{kind}: no call")
        elif kind == "hangup":
            call.hangup(pj.CallOpParam())
        elif kind == "refer":  # ask the far end to call msg["uri"] (RFC 3515)
            call.xfer(str(msg["uri"]), pj.CallOpParam(True))
        elif kind == "dtmf":  # RFC 4733 telephone-events (pjsua's default DTMF method)
            call.dialDtmf(str(msg["digits"]))
        elif kind == "message":  # RFC 3428 MESSAGE inside the call's dialog
            im = pj.SendInstantMessageParam()
            im.content, im.contentType = str(msg["text"]), "text/plain"
            call.sendInstantMessage(im)
        elif kind == "play":
            stop_player()
            player = Player()
            player.createPlayer(str(msg["path"]), pj.PJMEDIA_FILE_NO_LOOP)
            player.startTransmit(state["audio"])
            state["player"] = player

    pending = bytearray()
    try:
        while True:
            ep.libHandleEvents(10)
            if state["eof"]:
                stop_player()
            if state["closing"] and finished(state["closing"]):
                emit("recorded", path=state["closing"])
                state["closing"] = None
            if select.select([sys.stdin], [], [], 0)[0]:
                chunk = os.read(sys.stdin.fileno(), 65536)
                if not chunk:
                    break
                pending.extend(chunk)
            while b"\n" in pending:  # every line that arrived, not one per wake-up
                end = pending.index(b"\n")
                msg = json.loads(bytes(pending[:end]))
                del pending[: end + 1]
                if msg["type"] == "quit":
                    return 0
                try:
                    command(msg)
                except Exception as exc:
                    emit("error", message=f"{msg['type']}: {getattr(exc, 'reason', None) or exc}")
    finally:
        stop_player()
        stop_recorder()
        state.clear()
        kept.clear()
        acc.shutdown()
        ep.libDestroy()
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("--record")
    p.add_argument("--answer", action="store_true", help="answer incoming calls with 200")
    p.add_argument("--reject", type=int, default=0, help="refuse incoming calls with this code")
    p.add_argument("--refuse-refer", type=int, default=0, help="answer a REFER with this code")
    a = p.parse_args()
    sys.exit(main(a.port, a.record, a.answer, a.reject, a.refuse_refer))
