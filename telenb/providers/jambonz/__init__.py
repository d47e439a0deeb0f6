"""jambonz for telenb: JSON verb applications on the simulated carrier, with jambonz's
webhooks, call status hooks and ``Jambonz-Signature`` signed requests.

Laid out like `telenb.providers.vonage`: `verbs` (documents: normalise and validate)
and `signing`.  Names load lazily.
"""

from __future__ import annotations

from ..._lazy import lazy_exports

_EXPORTS = {
    "jambonz_application": ".application",
    "JambonzApplication": ".application",
    "jambonz_flow": ".sim.app",
    "parse_app": ".verbs.parse",
    "JambonzError": ".verbs.parse",
    "sign": ".signing",
    "verify": ".signing",
    "is_valid": ".signing",
    "SignatureError": ".signing",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
