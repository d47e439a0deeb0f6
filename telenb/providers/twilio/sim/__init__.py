"""TwiML apps on the simulated carrier: the interpreter, its verbs, webhooks, queues,
recordings and messaging, as Twilio runs them."""

from .app import twiml_flow

__all__ = ["twiml_flow"]
