"""NCCO apps on the simulated carrier: the interpreter, its actions, webhooks and events, as
Vonage's Voice API runs them."""

from .app import ncco_flow

__all__ = ["ncco_flow"]
