"""The `telenb` command.

telenb run examples/dress_shop.py --to +15550100 --caller "say: red"
telenb run old_tropo_app.py --to +15550100 --caller "press: 1"     (Tropo scripts too)
telenb erlang --trunks 10 --erlangs 7
telenb sweep erlang --trunks 6,10,14 --erlangs 6,9,12 --workers 2     (or --dask ADDRESS)
telenb sip serve examples/dress_shop.py --listen 127.0.0.1:5070     (real SIP calls)
"""

from __future__ import annotations

import argparse
import runpy
import sys
import traceback
from pathlib import Path
from typing import Any

from .errors import ConfigurationError, TelenbError
from .sim.erlang import blocking_experiment, erlang_b, trunks_for
from .speech import voices
from .speech.models import main as models_main

PACKAGE = Path(__file__).resolve().parent

TROPO_NAMES = {
    "answer",
    "say",
    "ask",
    "transfer",
    "hangup",
    "record",
    "currentCall",
    "wait",
    "message",
    "reject",
    "redirect",
    "log",
    "prompt",
    "conference",
    "call",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if argv[:1] == ["models"]:  # its own parser, help included
            return models_main(argv[1:])
        return _main(argv)
    except BrokenPipeError:  # `telenb voices | head`: the reader left, nothing is wrong
        sys.stderr.close()
        return 0


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="telenb", description="Jupyter as a telephony workbench")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run a call flow file on the simulated carrier")
    run.add_argument("path", help="a Python file with flows (or a Tropo script)")
    run.add_argument("--to", required=True, help="the number to call, e.g. +15550100")
    run.add_argument("--caller", default="", help="caller script, e.g. 'say: red; press: 1'")
    run.add_argument("--from", dest="from_", default=None, help="the caller's number")
    run.add_argument(
        "--seed", type=int, default=0, help="seed for a carrier the file does not make"
    )
    run.add_argument("--tropo", action="store_true", help="treat the file as a Tropo script")
    run.add_argument(
        "--lang",
        default=None,
        help="the Tropo script's language when its extension does not say: "
        "python, js, groovy, ruby or php (.js .groovy .rb .php are Tropo scripts already)",
    )
    run.add_argument(
        "--fidelity",
        choices=("text", "audio"),
        default=None,
        help="text (fast, the default) or audio: real TTS, channel, DTMF and speech recognition",
    )
    run.add_argument(
        "--asr",
        choices=("whisper", "pocketsphinx", "vosk"),
        default=None,
        help="the speech recogniser of --fidelity audio (implies it): whisper (the default) "
        "or the lighter pocketsphinx, which cannot reject words outside the choices",
    )
    run.add_argument("--json", metavar="PATH", help="also write the trace as JSON")

    erl = sub.add_parser("erlang", help="Erlang B blocking, or trunks needed for a target")
    erl.add_argument("--erlangs", type=float, required=True)
    erl.add_argument("--trunks", type=int)
    erl.add_argument("--blocking", type=float, help="target blocking, e.g. 0.01")
    erl.add_argument("--simulate", action="store_true", help="also check it by simulation")

    sw = sub.add_parser(
        "sweep",
        help="many independent experiments over a grid, in-process, on local processes or Dask",
    )
    sw.add_argument("experiment", choices=("erlang", "engset", "flow"))
    sw.add_argument("--trunks", default="", help="erlang, engset: trunk counts, e.g. 6,10,14")
    sw.add_argument("--erlangs", default="", help="erlang: offered loads, e.g. 6,9,12")
    sw.add_argument("--sources", default="", help="engset: numbers of callers, e.g. 12,20,40")
    sw.add_argument("--per-idle", default="", help="engset: Erlang offered per idle caller")
    sw.add_argument("--flow", help="flow: FILE.py:function to call")
    sw.add_argument(
        "--caller", action="append", default=[], help="flow: a caller script (repeatable)"
    )
    sw.add_argument("--callers", help="flow: a file with one caller script per line")
    sw.add_argument("--replications", type=int, default=10)
    sw.add_argument("--calls", type=int, default=4_000, help="calls per replication")
    sw.add_argument("--seed", type=int, default=0)
    sw.add_argument("--retries", type=int, default=0, help="tries more for a failed task")
    where_ = sw.add_mutually_exclusive_group()
    where_.add_argument("--workers", type=int, help="run on this many local processes")
    where_.add_argument(
        "--dask", metavar="ADDRESS", help="a Dask scheduler (tcp://host:8786), or 'local'"
    )
    sw.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    sip = sub.add_parser("sip", help="real SIP calls (needs the sip extra)")
    sip_sub = sip.add_subparsers(dest="sip_command", required=True)
    srv = sip_sub.add_parser("serve", help="answer SIP calls with a flow until Ctrl-C/SIGTERM")
    srv.add_argument("path", help="a Python file with one flow function")
    srv.add_argument("--listen", default="127.0.0.1:5070", help="IP:PORT to take calls on (UDP)")
    srv.add_argument("--user", default="*", help="answer only this Request-URI user (default: any)")
    srv.add_argument("--register", metavar="URI", help="an AOR to REGISTER, e.g. sip:1001@host")
    srv.add_argument("--password-env", metavar="VAR", help="the variable holding its password")
    srv.add_argument(
        "--allow",
        nargs="+",
        action="extend",
        default=[],
        metavar="PATTERN",
        help="SIP URIs the flow may call out to, e.g. 'sip:*@127.0.0.1:5080'",
    )

    sub.add_parser("voices", help="list the voice registry")
    sub.add_parser("models", help="speech models: list, path ENGINE, download NAME (see --help)")

    args = parser.parse_args(argv)
    try:
        commands = {"run": _run, "erlang": _erlang, "sweep": _sweep, "voices": _voices, "sip": _sip}
        return commands[args.command](args)
    except Exception as exc:  # a person at a shell: a clear line, not a traceback
        if isinstance(exc, TelenbError):
            print(f"telenb: {exc}", file=sys.stderr)
            return 2
        raise


class UserCodeFailed(Exception):
    """The user's file raised while it was imported: shown as Python shows a script's error."""

    def __init__(self, exc: BaseException):
        super().__init__(str(exc))
        self.exc = exc


def _user_frames(te: traceback.TracebackException) -> None:
    """Drop telenb's and runpy's frames, all the way down the chain of causes: what is left
    is the user's code (and any library it called), as a traceback of a script shows it."""
    seen: set[int] = set()
    while te is not None and id(te) not in seen:
        seen.add(id(te))
        keep = [f for f in te.stack if _is_user_frame(f.filename)]
        te.stack = traceback.StackSummary.from_list(keep)
        if te.__cause__ is not None:
            _user_frames(te.__cause__)
        te = te.__context__  # type: ignore[assignment]


def _is_user_frame(filename: str) -> bool:
    if filename.startswith("<frozen ") or Path(filename).name == "runpy.py":
        return False
    try:
        return not Path(filename).resolve().is_relative_to(PACKAGE)
    except (OSError, ValueError):  # "<string>" and the like: code the user made
        return True


def user_traceback(exc: BaseException) -> str:
    """The traceback of `exc` with only the user's frames, ending in the message."""
    te = traceback.TracebackException.from_exception(exc)
    _user_frames(te)
    return "".join(te.format())


def where(exc: BaseException) -> str:
    """' at FILE:LINE in FUNC' for the user's innermost frame, or ''."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _is_user_frame(f.filename)]
    if not frames:
        return ""
    f = frames[-1]
    return f" at {f.filename}:{f.lineno} in {f.name}"


def _check_output(path: str) -> Path:
    """Refuse a --json path that cannot be written before the call runs."""

    out = Path(path)
    folder = out.parent
    if out.is_dir():
        raise ConfigurationError(
            f"--json {path} is a folder: give a file name, e.g. {out}/trace.json"
        )
    if not folder.is_dir():
        raise ConfigurationError(
            f"--json {path}: the folder {folder} does not exist (make it first: mkdir -p {folder})"
        )
    return out


def _run(args: argparse.Namespace) -> int:
    try:
        return _run_file(args)
    except UserCodeFailed as failed:
        print(user_traceback(failed.exc), end="", file=sys.stderr)
        return 1


def _run_file(args: argparse.Namespace) -> int:
    from .flow.tropo_bridge import language_of
    from .sim.carrier import Carrier

    path = Path(args.path)
    if args.asr is not None and args.fidelity == "text":
        raise ConfigurationError(
            "--asr picks the speech recogniser of --fidelity audio; text fidelity recognises "
            "nothing (leave --fidelity out, or give --fidelity audio)"
        )
    if not path.exists():
        raise ConfigurationError(f"no such file: {path}")
    if path.is_dir():
        raise ConfigurationError(
            f"{args.path or '.'} is a folder: give the Python file with your flows, "
            f"e.g. telenb run {path / 'app.py'} --to {args.to}"
        )
    json_out = _check_output(args.json) if args.json else None
    carrier: Any = None
    if args.lang or language_of(path):  # JavaScript, Groovy, Ruby, PHP: never run as Python
        args.tropo = True
    if not args.tropo:
        try:
            namespace = runpy.run_path(str(path), run_name="__telenb__")
        except NameError as exc:
            if exc.name not in TROPO_NAMES:
                raise UserCodeFailed(exc) from None
            args.tropo = True
        except SyntaxError:  # Jython-era Python 2: let the Tropo runner convert it, or say why
            args.tropo = True
        except Exception as exc:  # the user's module failed: their frames, not telenb's
            raise UserCodeFailed(exc) from None
        else:
            carriers = [v for v in namespace.values() if isinstance(v, Carrier)]
            carrier = carriers[-1] if carriers else None
            if carrier is not None and args.asr is not None:
                carrier.set_fidelity("audio", recognizer=args.asr)
            elif carrier is not None and args.fidelity not in (None, carrier.fidelity):
                carrier.set_fidelity(args.fidelity)
            if carrier is None:
                flow = _one_flow(namespace, f"{path} defines no Carrier and", ", or make a "
                                 "telenb.Carrier and its apps")  # fmt: skip
                carrier = _new_carrier(args)
                carrier.app(args.to, flow)
    if args.tropo:
        carrier = _new_carrier(args)
        carrier.app(args.to, script=path, lang=args.lang)
    result = carrier.call(args.to, caller=args.caller, from_=args.from_)
    print(result)
    for msg in result.messages:
        print(f"  message {msg.sid} to {msg.to} [{msg.status}]: {msg.body}")
    if json_out is not None:
        try:
            result.trace.save_json(str(json_out))
        except OSError as exc:
            raise ConfigurationError(
                f"--json {args.json}: cannot write it ({exc.strerror or exc})"
            ) from None
    if result.error is not None:
        err = result.error
        said = (
            f": {err}" if str(err) and "\n" not in str(err) else ""
        )  # else: it ends the traceback
        print(f"\nthe flow raised {type(err).__name__}{where(err)}{said}", file=sys.stderr)
        print(user_traceback(err), end="", file=sys.stderr)
        return 1
    return 0 if result.status == "completed" else 1


def _new_carrier(args: argparse.Namespace) -> Any:
    """The carrier of a file that makes none: --fidelity (text by default), --asr."""
    from .sim.carrier import Carrier

    if args.asr is not None:
        return Carrier(seed=args.seed, fidelity="audio", recognizer=args.asr)
    return Carrier(seed=args.seed, fidelity=args.fidelity or "text")


def _one_flow(namespace: dict[str, Any], says: str, otherwise: str = "") -> Any:
    """The one flow function the user's file defines (its own, not one it imported)."""
    flows = [
        v
        for k, v in namespace.items()
        if callable(v) and not k.startswith("_") and getattr(v, "__module__", None) == "__telenb__"
    ]
    if len(flows) != 1:
        names = ", ".join(getattr(f, "__name__", "?") for f in flows)
        found = f"{len(flows)} flow functions ({names})" if flows else "no function"
        raise ConfigurationError(f"{says} {found}: give it exactly one flow function{otherwise}")
    return flows[0]


def _sip(args: argparse.Namespace) -> int:
    """`telenb sip serve`: checks first, then the user's file, then the real network."""
    from .flow.tropo_bridge import language_of
    from .providers.sip.serve import preflight, serve

    preflight(args.listen, args.register, args.password_env)
    path = Path(args.path)
    if not path.is_file():
        raise ConfigurationError(
            f"{path} is a folder: give the Python file with your flow"
            if path.is_dir()
            else f"no such file: {path}"
        )
    if language_of(path) or path.suffix != ".py":
        raise ConfigurationError(f"telenb sip serve runs a Python flow file (.py), not {path}")
    try:
        namespace = runpy.run_path(str(path), run_name="__telenb__")
    except Exception as exc:  # the user's module failed: their frames, not telenb's
        print(user_traceback(exc), end="", file=sys.stderr)
        return 1
    flow = _one_flow(namespace, f"{path} defines")
    return serve(flow, listen=args.listen, user=args.user, register=args.register,
                 password_env=args.password_env, allow=args.allow)  # fmt: skip


def _erlang(args: argparse.Namespace) -> int:

    if args.trunks is None and args.blocking is None:
        raise ConfigurationError(
            "give --trunks N (blocking for N trunks) or --blocking B (trunks needed)"
        )
    if args.blocking is not None:
        print(
            f"{trunks_for(args.erlangs, args.blocking)} trunks keep blocking at or below "
            f"{args.blocking:g} for {args.erlangs:g} Erlang"
        )
    if args.trunks is not None:
        print(
            f"Erlang B: {erlang_b(args.trunks, args.erlangs):.6f} blocking with {args.trunks} "
            f"trunks at {args.erlangs:g} Erlang"
        )
        if args.simulate:
            print(blocking_experiment(args.trunks, args.erlangs))
    return 0


def _numbers(text: str, kind: type, option: str) -> list[Any]:
    try:
        values = [kind(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ConfigurationError(
            f"{option} takes numbers separated by commas, not {text!r}"
        ) from None
    if not values:
        raise ConfigurationError(f"this experiment needs {option}, e.g. {option} 6,10,14")
    return values


def _sweep(args: argparse.Namespace) -> int:
    import functools
    from concurrent.futures import Executor, ProcessPoolExecutor
    from contextlib import ExitStack

    from .sim import experiments
    from .sim.sweeps import grid, sweep

    size = {"replications": args.replications, "calls": args.calls}
    fn: Any
    if args.experiment == "erlang":
        fn = functools.partial(experiments.erlang_point, **size)
        tasks: Any = grid(
            trunks=_numbers(args.trunks, int, "--trunks"),
            erlangs=_numbers(args.erlangs, float, "--erlangs"),
        )
    elif args.experiment == "engset":
        fn = functools.partial(experiments.engset_point, **size)
        tasks = grid(
            sources=_numbers(args.sources, int, "--sources"),
            trunks=_numbers(args.trunks, int, "--trunks"),
            per_idle=_numbers(args.per_idle, float, "--per-idle"),
        )
    else:
        if not args.flow:
            raise ConfigurationError("telenb sweep flow needs --flow FILE.py:function")
        path, _, name = args.flow.rpartition(":")
        flow = f"{Path(path).resolve()}:{name}"  # workers may start elsewhere
        fn = functools.partial(experiments.flow_point, flow=flow)
        tasks = list(args.caller)
        if args.callers:
            lines = Path(args.callers).read_text(encoding="utf-8").splitlines()
            tasks += [line for line in lines if line.strip()]
        if not tasks:
            raise ConfigurationError("give caller scripts with --caller or --callers FILE")
    with ExitStack() as stack:
        executor: Executor | None = None
        if args.workers:
            executor = stack.enter_context(ProcessPoolExecutor(args.workers))
        elif args.dask:
            try:
                import distributed
            except ImportError:
                raise ConfigurationError('--dask needs Dask: pip install "telenb[sweep]"') from None
            target: Any = args.dask
            if args.dask == "local":
                target = stack.enter_context(
                    distributed.LocalCluster(host="127.0.0.1", dashboard_address=None)
                )
            executor = stack.enter_context(distributed.Client(target)).get_executor()
        results = sweep(
            fn,
            tasks,
            executor=executor,
            seed=args.seed,
            progress=not args.no_progress,
            retries=args.retries,
        )
    print(results)
    for failure in results.failures:
        print(f"task {failure.key} failed: {failure.error}", file=sys.stderr)
    return 0 if results.ok else 1


def _voices(args: argparse.Namespace) -> int:

    print(voices())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
