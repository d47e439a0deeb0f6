"""Real SignalWire: ``telenb.connect("signalwire", ...)`` runs telenb flows on SignalWire
numbers with cXML (LaML), through the Twilio backend's TwiML server (cXML is a dialect of
TwiML) checking SignalWire's own signature, with the rails of `providers/live/`."""
