"""The `telenb` command.

telenb run examples/dress_shop.py --to +15550100 --caller "say: red"
telenb run old_tropo_app.py --to +15550100 --caller "press: 1"     (Tropo scripts too)
telenb erlang --trunks 10 --erlangs 7
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path
from typing import Any

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
            from .speech.models import main as models_main

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
    run.add_argument("--json", metavar="PATH", help="also write the trace as JSON")

    erl = sub.add_parser("erlang", help="Erlang B blocking, or trunks needed for a target")
    erl.add_argument("--erlangs", type=float, required=True)
    erl.add_argument("--trunks", type=int)
    erl.add_argument("--blocking", type=float, help="target blocking, e.g. 0.01")
    erl.add_argument("--simulate", action="store_true", help="also check it by simulation")

    sub.add_parser("voices", help="list the voice registry")
    sub.add_parser("models", help="speech models: list, path ENGINE, download NAME (see --help)")

    args = parser.parse_args(argv)
    try:
        return {"run": _run, "erlang": _erlang, "voices": _voices}[args.command](args)
    except Exception as exc:  # a person at a shell: a clear line, not a traceback
        from .errors import TelenbError

        if isinstance(exc, TelenbError | FileNotFoundError | KeyError):
            print(f"telenb: {exc}", file=sys.stderr)
            return 2
        raise


def _run(args: argparse.Namespace) -> int:
    from .flow.tropo_bridge import language_of
    from .sim.carrier import Carrier

    path = Path(args.path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    carrier: Any = None
    if args.lang or language_of(path):  # JavaScript, Groovy, Ruby, PHP: never run as Python
        args.tropo = True
    if not args.tropo:
        try:
            namespace = runpy.run_path(str(path), run_name="__telenb__")
        except NameError as exc:
            if exc.name not in TROPO_NAMES:
                raise
            args.tropo = True
        except SyntaxError:  # Jython-era Python 2: let the Tropo runner convert it, or say why
            args.tropo = True
        else:
            carriers = [v for v in namespace.values() if isinstance(v, Carrier)]
            carrier = carriers[-1] if carriers else None
            if carrier is not None and args.fidelity not in (None, carrier.fidelity):
                carrier.set_fidelity(args.fidelity)
            if carrier is None:
                flows = [
                    v
                    for k, v in namespace.items()
                    if callable(v)
                    and not k.startswith("_")
                    and getattr(v, "__module__", None) == "__telenb__"
                ]
                if len(flows) != 1:
                    raise KeyError(f"{path} defines no Carrier and not exactly one flow function")
                carrier = Carrier(seed=args.seed, fidelity=args.fidelity or "text")
                carrier.app(args.to, flows[0])
    if args.tropo:
        carrier = Carrier(seed=args.seed, fidelity=args.fidelity or "text")
        carrier.app(args.to, script=path, lang=args.lang)
    result = carrier.call(args.to, caller=args.caller, from_=args.from_)
    print(result)
    for msg in result.messages:
        print(f"  message {msg.sid} to {msg.to} [{msg.status}]: {msg.body}")
    if args.json:
        result.trace.save_json(args.json)
    if result.error is not None:
        print(f"\nthe flow raised {type(result.error).__name__}: {result.error}", file=sys.stderr)
        return 1
    return 0 if result.status == "completed" else 1


def _erlang(args: argparse.Namespace) -> int:
    from .sim.erlang import blocking_experiment, erlang_b, trunks_for

    if args.trunks is None and args.blocking is None:
        raise KeyError("give --trunks N (blocking for N trunks) or --blocking B (trunks needed)")
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


def _voices(args: argparse.Namespace) -> int:
    from .speech import voices

    print(voices())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
