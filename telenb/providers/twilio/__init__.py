"""Twilio: a TwiML interpreter on the simulated carrier, the REST API offline, and a backend
that runs telenb flows on real Twilio phone numbers."""
