"""Real Vonage: ``telenb.connect("vonage", ...)`` runs telenb flows on Vonage numbers, with
the rails of `providers/live/` and NCCOs from `providers/vonage/export.py`."""
