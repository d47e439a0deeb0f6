"""The session carrier the magics act on: the Carrier created last, unless told otherwise.

Plain functions, so the magics stay thin and tests can call these directly.
"""

from __future__ import annotations

from typing import Any


def carrier() -> Any:
    """The current session carrier (created on first use with seed 0)."""
    from ..sim.carrier import Carrier, current

    c = current()
    return c if c is not None else Carrier(seed=0)


def use(obj: Any) -> Any:
    from ..sim.carrier import Carrier, make_current

    if not isinstance(obj, Carrier):
        raise TypeError(f"%tel use needs a telenb.Carrier, got {type(obj).__name__}")
    make_current(obj)
    return obj


def configure(seed: int | None = None, fidelity: str | None = None) -> Any:
    """Without arguments: describe the session carrier.  With them: start a fresh one."""
    from ..sim.carrier import Carrier

    if seed is None and fidelity is None:
        return carrier()
    current = carrier()
    return Carrier(
        seed=current.seed if seed is None else seed,
        fidelity=current.fidelity if fidelity is None else fidelity,
    )


def call(number: str, caller: str | None = None, from_: str | None = None) -> Any:
    return carrier().call(number, caller=caller, from_=from_)


def trace(sid: str) -> Any:
    c = carrier()
    matches = [leg for leg in c.legs if leg.sid.startswith(sid)]
    if len(matches) != 1:
        raise KeyError(
            f"{'no call' if not matches else 'several calls'} with a SID starting {sid!r}; "
            "`%tel calls` lists them"
        )
    from ..sim.results import CallResult  # lazy: %load_ext must not import the simulator

    return CallResult(c, matches[0])


def send_sms(body: str, to: str, from_: str | None = None) -> Any:
    """`%%sms`: text `to` on the session carrier.

    To a number that answers texts (a flow or Tropo app, or an `on_message` handler) a person
    at `from_` (default +15550199) texts it and the conversation shows, replies included.  To
    any other number the message goes out from `from_` (default the carrier's own number) and
    shows once it is delivered or has failed.
    """
    c = carrier()
    to_n = c.sms.address(to, "To")
    if to_n in c.sms.handlers or getattr(c.apps.get(to_n), "kind", None) in ("python", "tropo"):
        return c.text(to_n, body, from_=from_)
    msg = c.send_message(body, to=to_n, from_=from_)
    c.run_until(lambda: msg.final)
    return msg
