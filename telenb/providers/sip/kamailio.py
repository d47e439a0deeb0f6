"""A Kamailio in front of telenb: a registrar, or a dispatcher over many SIP workers.

SIP scales out with a proxy in front of many media servers.  `Kamailio` writes a minimal
kamailio.cfg and runs Debian's `kamailio` in the foreground as a child process (by PID, with
a start-up timeout, stopped with SIGTERM then SIGKILL of its own process group):

    with Kamailio(users={"1001": "SIP_PASSWORD"}) as k:        # a registrar
        backend.register(f"sip:1001@{k.address}", password_env="SIP_PASSWORD")
    with Kamailio(dispatch=["127.0.0.1:5071", "127.0.0.1:5072"]) as k:   # round robin
        ...                                                    # INVITE sip:shop@{k.address}
    Kamailio(dispatch=[...], max_load=4)     # the least loaded worker, never a fifth call

The registrar keeps its bindings in memory (usrloc `db_mode` 0) and checks RFC 3261 digest
credentials with the auth module's `pv_www_authenticate` against a password Kamailio reads
from its environment (`$env(VAR)`), so the password is never written to the config; a wrong
password gets 403, as the sipp registrar of the tests answers.  A dispatcher relays each new
INVITE to the next destination of its list file (algorithm 4, round robin), and on to the
following one when a worker is silent for two seconds or answers 5xx.  With `max_load` it
uses algorithm 10 instead, call load distribution: each call goes to the worker with the
fewest calls in progress (counted from the 200 to the BYE), none gets more than `max_load`,
and when all are full the caller gets 503 from Kamailio.  A telenb worker needs this: the
pjsua2 wheel carries at most 4 calls at once (pjsua's PJSUA_MAX_CALLS) and answers a fifth
INVITE 486 Busy Here, which round robin would pass on.  Both record-route, so the dialog's
ACK and BYE cross Kamailio too.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from ...errors import ConfigurationError

MODULES = Path("/usr/lib/x86_64-linux-gnu/kamailio/modules")
_USER = re.compile(r"[A-Za-z0-9_.+-]+")
_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HOSTPORT = re.compile(r"[0-9.]+:[0-9]+")


def kamailio_binary() -> str | None:
    """The kamailio executable (Debian installs it in /usr/sbin, not always on PATH)."""
    return shutil.which("kamailio") or shutil.which("kamailio", path="/usr/sbin:/usr/local/sbin")


def free_udp_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def config(
    host: str,
    port: int,
    *,
    users: Mapping[str, str] = {},
    dispatch_list: Path | None = None,
    children: int = 2,
    failover_ms: int = 2000,
    by_load: bool = False,
) -> str:
    """The kamailio.cfg text: a registrar for `users` (user -> password variable) and/or a
    dispatcher over the destinations in `dispatch_list`, round robin or (`by_load`) to the
    least loaded one under its `maxload`, which tries the next one when a worker says
    nothing within `failover_ms` or answers 5xx."""
    mods = ["tm", "sl", "rr", "pv", "maxfwd", "siputils", "textops", "xlog"]
    if users:
        mods += ["usrloc", "registrar", "auth"]
    if dispatch_list is not None:
        mods += ["dispatcher"]
    lines = [
        "#!KAMAILIO",
        "debug=1",
        "log_stderror=yes",
        f"children={int(children)}",
        f"listen=udp:{host}:{port}",
        f'alias="{host}:{port}"',
        "auto_aliases=no",
        "dns=no",
        "rev_dns=no",
        "dns_try_ipv6=no",
        f'mpath="{MODULES}/"',
        *(f'loadmodule "{m}.so"' for m in mods),
        'modparam("rr", "enable_full_lr", 1)',
    ]
    if users:
        lines += ['modparam("usrloc", "db_mode", 0)', 'modparam("registrar", "max_expires", 3600)']
    if dispatch_list is not None:
        lines += [f'modparam("dispatcher", "list_file", "{dispatch_list}")',
                  'modparam("dispatcher", "flags", 2)',  # keep the other workers for failover
                  f'modparam("tm", "fr_timer", {int(failover_ms)})']  # fmt: skip
        if by_load:  # algorithm 10 counts each destination's calls by Call-ID in this table
            lines += ['modparam("dispatcher", "ds_hash_size", 9)']
    algorithm = "10" if by_load else "4"
    lines += [
        "request_route {",
        '    if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }',
        '    if (is_method("OPTIONS") && uri == myself && $rU == $null) {',
        '        sl_send_reply("200", "OK"); exit;',
        "    }",
        "    if (has_totag()) {",  # in-dialog: follow the Route set we recorded
        *(['        if (is_method("BYE")) { ds_load_update(); }'] if by_load else []),
        "        if (loose_route()) { t_relay(); exit; }",
        '        if (is_method("ACK") && t_check_trans()) { t_relay(); }',
        "        exit;",
        "    }",
        '    if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }',
        "    t_check_trans();",  # a retransmission gets the last reply again
    ]
    if users:
        lines += ['    if (is_method("REGISTER")) { route(REGISTRAR); exit; }']
    lines += ['    if (!is_method("INVITE")) { sl_send_reply("405", "Method Not Allowed"); exit; }',
              "    record_route();"]  # fmt: skip
    if users:
        lines += ['    if (lookup("location")) { t_relay(); exit; }']
    if dispatch_list is not None:
        lines += [f'    if (ds_select_dst("1", "{algorithm}")) {{',
                  '        t_on_failure("NEXT_WORKER");',
                  *(['        t_on_reply("LOAD");'] if by_load else []),
                  "        t_relay(); exit;",
                  "    }",  # every worker is at its maxload (or none is listed)
                  '    sl_send_reply("503", "All Workers Busy"); exit;']  # fmt: skip
    lines += ['    sl_send_reply("404", "Not Found");', "}"]
    if dispatch_list is not None:  # a worker silent for fr_timer, or 5xx: the next one
        lines += [
            "failure_route[NEXT_WORKER] {",
            *(["    ds_load_unset();"] if by_load else []),
            "    if (t_is_canceled()) { exit; }",
            "    if ((t_branch_timeout() && !t_branch_replied())",
            '        || t_check_status("5[0-9][0-9]")) {',
            '        if (ds_next_dst()) { t_on_failure("NEXT_WORKER"); t_relay(); exit; }',
            "    }",
            "}",
        ]
    if by_load:  # a call counts against its worker from the 200 until its BYE
        lines += ["onreply_route[LOAD] {",
                  '    if (is_method("INVITE") && t_check_status("200")) { ds_load_update(); }',
                  "}"]  # fmt: skip
    if users:
        lines += [
            "route[REGISTRAR] {",
            '    if (!is_present_hf("Authorization")) { www_challenge("$td", "0"); exit; }',
            "    $var(rc) = -2;",
        ]
        for user, var in users.items():
            lines += [f'    if ($au == "{user}" && $tU == "{user}") {{',
                      f'        $var(rc) = pv_www_authenticate("$td", "$env({var})", "0");',
                      "    }"]  # fmt: skip
        lines += [
            '    if ($var(rc) == -2) { sl_send_reply("403", "Forbidden"); exit; }',
            '    if ($var(rc) < 0) { www_challenge("$td", "0"); exit; }',  # a stale nonce, say
            "    consume_credentials();",
            '    if (!save("location")) { sl_reply_error(); }',
            "}",
        ]
    return "\n".join(lines) + "\n"


class Kamailio:
    """Debian's kamailio on `host` (a free UDP port unless `port`), its config in `workdir`."""

    def __init__(
        self,
        *,
        users: Mapping[str, str] | None = None,
        dispatch: Sequence[str] = (),
        max_load: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        workdir: Path | None = None,
        children: int = 2,
        env: Mapping[str, str] | None = None,
        timeout: float = 15.0,
    ):
        binary = kamailio_binary()
        if binary is None:
            raise ConfigurationError("Debian's kamailio is not installed: apt-get install kamailio")
        users = dict(users or {})
        for user, var in users.items():
            if not _USER.fullmatch(user) or not _VAR.fullmatch(var):
                raise ConfigurationError(f"users maps a SIP user to a variable name, not {user!r}")
        for dest in dispatch:
            if not _HOSTPORT.fullmatch(dest):
                raise ConfigurationError(f"dispatch lists IP:PORT destinations, not {dest!r}")
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise ConfigurationError(f"host is an IPv4 address, not {host!r}") from None
        if not users and not dispatch:
            raise ConfigurationError("Kamailio needs users= (a registrar) or dispatch= (workers)")
        self.host, self.port = host, port or free_udp_port(host)
        self.address = f"{host}:{self.port}"
        self._own_dir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="telenb-kamailio-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        listing = None
        if dispatch:
            listing = self.workdir / "dispatcher.list"
            attrs = "" if max_load is None else " 0 0 duid={n};maxload=" + str(int(max_load))
            listing.write_text("".join(f"1 sip:{d}{attrs.format(n=i)}\n"
                                       for i, d in enumerate(dispatch)))  # fmt: skip
        self.cfg = self.workdir / "kamailio.cfg"
        self.cfg.write_text(config(host, self.port, users=users, dispatch_list=listing,
                                   children=children, by_load=max_load is not None))  # fmt: skip
        self.log = self.workdir / "kamailio.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [binary, "-DD", "-E", "-f", str(self.cfg), "-w", str(self.workdir),
                 "-m", "64", "-M", "8"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                env={**os.environ, **(env or {})},
            )  # fmt: skip
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _wait_ready(self, timeout: float) -> None:
        """Until Kamailio answers an OPTIONS to itself (its UDP receivers are up)."""
        deadline = time.monotonic() + timeout
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((self.host, 0))
            s.settimeout(0.2)
            me = f"{self.host}:{s.getsockname()[1]}"
            n = 0
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise ConfigurationError(f"kamailio exited with {self.proc.returncode}: "
                                             f"{self.log_tail()}")  # fmt: skip
                n += 1
                s.sendto(_options(self.address, me, n), (self.host, self.port))
                try:
                    if s.recv(4096).startswith(b"SIP/2.0 200"):
                        return
                except OSError:
                    continue
        raise ConfigurationError(f"kamailio did not answer within {timeout:g} s: {self.log_tail()}")

    def log_tail(self, chars: int = 800) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM (Kamailio stops its children), then SIGKILL to its process group, then
        wait until no process of its session runs (a killed child may outlive its parent)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # children left by a main process gone first
        code = self.proc.wait(timeout=timeout)
        deadline = time.monotonic() + timeout
        while running_in_session(self.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return code

    def __enter__(self) -> Kamailio:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def running_in_session(sid: int) -> list[int]:
    """The processes of session `sid` that still run (zombies, which hold nothing but their
    pid until whoever adopted them reaps them, do not count), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 3 and int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry))
    return found


def _options(target: str, me: str, n: int) -> bytes:
    return (
        f"OPTIONS sip:{target} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {me};branch=z9hG4bK-telenb-ready-{n}\r\n"
        f"From: <sip:ready@{me}>;tag=ready{n}\r\nTo: <sip:{target}>\r\n"
        f"Call-ID: ready-{n}@{me}\r\nCSeq: {n} OPTIONS\r\nMax-Forwards: 5\r\n"
        "Content-Length: 0\r\n\r\n"
    ).encode()
