"""Real Telnyx: ``telenb.connect("telnyx", ...)`` runs telenb flows on Telnyx numbers with
TeXML, through the Twilio backend's TwiML server (TeXML is a dialect of TwiML) behind
Telnyx's own Ed25519 signature check, with the rails of `providers/live/`."""
