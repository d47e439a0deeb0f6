"""IPython magics: a thin skin over the plain API (each one parses, then calls a function).

%load_ext telenb
%%flow +15550100          (cell body = the flow; `call` is the current call)
%%tropo +15550101         (cell body = a Tropo script, run unmodified)
%tel call +15550100 --caller "say: red"
%tel calls | %tel trace SID | %tel config --seed 7 | %tel help
%tel phone +15550100 | %tel log | %inspect file.wav   (widgets)
"""

from __future__ import annotations

import html
import os
import shlex
import textwrap
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from . import session

HELP = """telenb magics
  %%flow NUMBER [--name N]        register the cell as a flow answering NUMBER (`call` in scope)
  %%tropo NUMBER                  register the cell as a Tropo script answering NUMBER
  %%twiml NUMBER                  register the cell's TwiML as the app answering NUMBER
  %tel call NUMBER [--caller S] [--from N]   place a simulated call and show what happened
  %tel calls                      the call detail records so far
  %tel messages                   every text message so far, with segment and price totals
  %tel threads                    the text conversations as chat threads
  %tel trace SID                  the trace of one call
  %tel phone NUMBER [--from N] [--speed X]   a live Phone widget dialling NUMBER (real time)
  %tel log [--limit N]            the Call log widget: sortable, click a call for its timeline
  %tel config [--seed N] [--fidelity text|audio]   show or start a fresh session carrier
  %tel use VARIABLE               make a Carrier from your namespace the session carrier
  %tel voices                     the voice registry (Tropo and Twilio names)
  %tel twiml NUMBER               the TwiML a flow produces, step by step
  %tel help                       this list
  %say TEXT [--voice V] [--rate R]   speak TEXT (or the %%say cell) and play it
  %transcribe PATH [--choices C] [--engine E]   recognise speech in an audio file
  %inspect PATH [--static] [--no-dtmf]   interactive inspector of an audio file: waveform,
                                  spectrogram, DTMF and speech marked, select and play
  %%sms TO [--from N]             text the cell to TO (an app's number: a text session starts)
Caller scripts: 'say: red; press: 12#; silence; wait: 2s; hangup' (see telenb.Caller)."""


@magics_class
class TelenbMagics(Magics):
    @property
    def _user_ns(self) -> dict[str, Any]:
        """The notebook's variables (a magic always runs in a shell)."""
        if self.shell is None:
            raise UsageError("telenb's magics need an IPython shell: use %load_ext telenb")
        return self.shell.user_ns

    # -- %tel -----------------------------------------------------------------------------------
    @line_magic
    def tel(self, line: str) -> Any:
        """Telephony commands: `%tel help` lists them."""
        words = shlex.split(line)
        if not words or words[0] in ("help", "-h", "--help"):
            return Help()
        command, rest = words[0], line.split(None, 1)[1] if len(words) > 1 else ""
        handler = getattr(self, f"_tel_{command.replace('-', '_')}", None)
        if handler is None:
            raise UsageError(f"unknown %tel command {command!r}; `%tel help` lists them")
        return handler(rest)

    @magic_arguments()
    @argument("number", help="the number to call")
    @argument("--caller", "-c", default=None, help="caller script, e.g. 'say: red; press: 1'")
    @argument("--from", dest="from_", default=None, help="the caller's number")
    def _tel_call(self, rest: str) -> Any:
        args = _parse(self._tel_call, rest)
        return session.call(args.number, caller=args.caller, from_=args.from_)

    def _tel_calls(self, rest: str) -> Any:
        return session.carrier().calls

    def _tel_messages(self, rest: str) -> Any:
        return session.carrier().messages

    def _tel_threads(self, rest: str) -> Any:
        return session.carrier().messages.threads()

    @magic_arguments()
    @argument("number", nargs="?", default="", help="the number the phone dials")
    @argument("--from", dest="from_", default=None, help="the phone's own number")
    @argument("--speed", type=float, default=1.0, help="simulated seconds per real second")
    def _tel_phone(self, rest: str) -> Any:
        args = _parse(self._tel_phone, rest)
        from .phone import Phone

        return Phone(args.number, session.carrier(), from_=args.from_, speed=args.speed)

    @magic_arguments()
    @argument("--limit", type=int, default=500, help="show the newest N call legs")
    def _tel_log(self, rest: str) -> Any:
        args = _parse(self._tel_log, rest)
        from .calllog import CallLogWidget

        return CallLogWidget(session.carrier(), limit=args.limit)

    @magic_arguments()
    @argument("sid", help="a call SID (a unique prefix is enough)")
    def _tel_trace(self, rest: str) -> Any:
        args = _parse(self._tel_trace, rest)
        return session.trace(args.sid)

    @magic_arguments()
    @argument("--seed", type=int, default=None)
    @argument("--fidelity", choices=("text", "audio"), default=None)
    def _tel_config(self, rest: str) -> Any:
        args = _parse(self._tel_config, rest)
        return session.configure(seed=args.seed, fidelity=args.fidelity)

    def _tel_use(self, rest: str) -> Any:
        name = rest.strip()
        if not name or name not in self._user_ns:
            raise UsageError(f"%tel use needs the name of a Carrier variable, got {name!r}")
        return session.use(self._user_ns[name])

    def _tel_voices(self, rest: str) -> Any:
        from ..speech import voices  # lazy: %load_ext must not import speech

        return voices()

    def _tel_twiml(self, rest: str) -> Any:
        from ..providers.twilio.backend.export import flow_twiml

        return flow_twiml(session.carrier(), rest.strip())

    # -- cell magics ---------------------------------------------------------------------------
    @magic_arguments()
    @argument("number", help="the number the flow answers")
    @argument("--name", default=None, help="a name for the flow (shown in traces)")
    @cell_magic
    def flow(self, line: str, cell: str) -> Any:
        """Register the cell as a flow: the body runs with `call` bound to the current call."""
        args = _parse(self.flow, line)
        fn = compile_flow_cell(cell, self._user_ns, args.name or "cell_flow")
        return session.carrier().app(args.number, fn, name=args.name)

    @magic_arguments()
    @argument("number", help="the number the script answers")
    @argument(
        "--lang",
        default="python",
        help="the script's language: python (the default), js, groovy, ruby or php",
    )
    @cell_magic
    def tropo(self, line: str, cell: str) -> Any:
        """Register the cell as a Tropo scripting-API script (run as written, in any of
        Tropo's languages: `%%tropo +15550100 --lang groovy`)."""
        args = _parse(self.tropo, line)
        return session.carrier().app(args.number, script=cell, lang=args.lang)

    @magic_arguments()
    @argument("number", help="the number the TwiML answers")
    @cell_magic
    def twiml(self, line: str, cell: str) -> Any:
        """Register the cell's TwiML document as the app answering the number."""
        args = _parse(self.twiml, line)
        return session.carrier().app(args.number, twiml=cell)

    @magic_arguments()
    @argument("to", help="the destination number")
    @argument("--from", dest="from_", default=None, help="the sender's number")
    @cell_magic
    def sms(self, line: str, cell: str) -> Any:
        """Text the cell body to TO on the session carrier (see `session.send_sms`)."""
        args = _parse(self.sms, line)
        return session.send_sms(cell.strip("\n"), to=args.to, from_=args.from_)

    @magic_arguments()
    @argument("text", nargs="*", help="what to say (or the cell, for %%say)")
    @argument("--voice", "-v", default=None, help="a Tropo, Twilio or local voice name")
    @argument("--rate", type=int, default=8000, help="sample rate (8000: the phone line)")
    @line_cell_magic
    def say(self, line: str, cell: str | None = None) -> Any:
        """Speak text with a voice and play it: `%say Hello --voice Kate`."""
        args = _parse(self.say, line, free_text=True)
        text = cell.strip() if cell else " ".join(args.text)
        if not text:
            raise UsageError("%say needs text, e.g. %say Hello there --voice Kate")
        from .speaking import say_audio  # lazy: speech and numpy only when used

        return say_audio(text, voice=args.voice, rate=args.rate)

    @magic_arguments()
    @argument("path", help="an audio file (WAV, FLAC, OGG)")
    @argument("--choices", "-c", default=None, help="Tropo choices, e.g. 'yes, no'")
    @argument("--engine", "-e", default=None, help="pocketsphinx, vosk or whisper")
    @line_magic
    def transcribe(self, line: str) -> Any:
        """Recognise speech in an audio file: `%transcribe file.wav --choices "yes, no"`
        (with choices: a `Recognition` against them; without: a `Transcript`)."""
        args = _parse(self.transcribe, line)
        from .speaking import transcribe_file  # lazy: speech engines only when used

        return transcribe_file(os.path.expanduser(args.path), args.choices, args.engine)

    @magic_arguments()
    @argument("path", help="an audio file (WAV, FLAC, OGG)")
    @argument("--static", action="store_true", help="a static figure instead of the widget")
    @argument("--no-dtmf", dest="dtmf", action="store_false", help="skip DTMF detection")
    @line_magic
    def inspect(self, line: str) -> Any:
        """Look at an audio file: waveform, spectrogram, DTMF, speech segments, levels."""
        args = _parse(self.inspect, line)
        path = os.path.expanduser(args.path)
        if args.static:
            from ..audio import inspect

            return inspect(path, dtmf=args.dtmf)
        from .inspector import AudioInspector

        return AudioInspector(path, dtmf=args.dtmf)


class Help:
    """What `%tel help` returns: the list of magics (text and HTML)."""

    def __repr__(self) -> str:
        return HELP

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(HELP)}</pre>"


def _parse(magic: Any, line: str, free_text: bool = False) -> Any:
    """Parse magic arguments POSIX-style, so quoted values lose their quotes.  With
    `free_text` an unbalanced quote is just a character (`%say Don't worry`)."""
    try:
        argv = shlex.split(line)
    except ValueError as exc:
        if not free_text:
            raise UsageError(f"cannot read the arguments: {exc}") from None
        argv = line.split()
    return magic.parser.parse_args(argv)


def compile_flow_cell(cell: str, namespace: dict[str, Any], name: str) -> Any:
    """Turn a cell body into `def name(call): <body>` evaluated in the user's namespace."""
    body = textwrap.indent(textwrap.dedent(cell) or "pass", "    ")
    source = f"def {name}(call):\n{body}\n"
    code = compile(source, f"<%%flow {name}>", "exec")
    scope: dict[str, Any] = {}
    exec(code, namespace, scope)
    fn = scope[name]
    return fn


def load_ipython_extension(ipython: Any) -> None:
    ipython.register_magics(TelenbMagics)


def unload_ipython_extension(ipython: Any) -> None:
    """IPython has no public 'unregister'; re-loading the extension simply re-registers."""
