"""Real Plivo: ``telenb.connect("plivo", ...)`` runs telenb flows on Plivo numbers, with the
rails of `providers/live/` and Plivo XML documents from `providers/plivo/export.py`."""
