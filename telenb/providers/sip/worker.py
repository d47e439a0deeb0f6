"""The SIP worker process: owns the only pjsua2 `Endpoint`, talks `protocol` on stdin/stdout.

Run as `python -m telenb.providers.sip.worker HOST PORT`.  It lives in its own process because
pjsua2 aborts the process on misuse; the kernel only ever sees lines on a pipe.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from .protocol import ProtocolError, decode, encode

_OUT: Any = None  # the protocol pipe: the original stdout, kept away from pjlib's own prints


def _emit(kind: str, **fields: Any) -> None:
    _OUT.write(encode(kind, **fields))
    _OUT.flush()


def main(host: str, port: int) -> int:
    global _OUT
    _OUT = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # pjlib writes to fd 1 before its log config applies: send that to stderr
    import pjsua2 as pj  # only the worker imports the SIP stack

    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.logConfig.level = 0
    cfg.logConfig.consoleLevel = 0
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    ep.libInit(cfg)
    ep.audDevManager().setNullDev()
    tcfg = pj.TransportConfig()
    tcfg.boundAddress = host
    tcfg.port = port
    ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
    ep.libStart()
    calls: dict[int, object] = {}

    class _Call(pj.Call):
        def onCallState(self, prm) -> None:
            info = self.getInfo()
            _emit("state", call=info.id, state=info.stateText, code=int(info.lastStatusCode))
            if info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
                calls.pop(info.id, None)

    class _Account(pj.Account):
        def onIncomingCall(self, prm) -> None:
            call = _Call(self, prm.callId)
            info = call.getInfo()
            calls[info.id] = call
            ring = pj.CallOpParam()
            ring.statusCode = 180
            call.answer(ring)
            _emit("incoming", call=info.id, **{"from": info.remoteUri, "to": info.localUri})

    acfg = pj.AccountConfig()
    acfg.idUri = f"sip:telenb@{host}:{port}"
    account = _Account()
    account.create(acfg)
    _emit("ready", port=port)
    import select

    try:
        while True:
            ep.libHandleEvents(20)
            ready, _, _ = select.select([sys.stdin], [], [], 0)
            if not ready:
                continue
            line = sys.stdin.buffer.readline()
            if not line:
                break
            try:
                msg = decode(line)
            except ProtocolError as exc:
                _emit("error", message=str(exc))
                continue
            if msg["type"] == "quit":
                break
            call: Any = calls.get(msg.get("call"))  # type: ignore[arg-type]
            if msg["type"] in ("answer", "reject", "hangup") and call is None:
                _emit("error", message=f"no call {msg.get('call')!r}")
                continue
            if msg["type"] in ("answer", "reject"):
                op = pj.CallOpParam()
                op.statusCode = 200 if msg["type"] == "answer" else msg["code"]
                call.answer(op) if msg["type"] == "answer" else call.hangup(op)
                continue
            if msg["type"] == "hangup":
                call.hangup(pj.CallOpParam())
                continue
            _emit("error", message=f"{msg['type']!r} not implemented yet")
    finally:
        calls.clear()
        account.shutdown()
        ep.libDestroy()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
