"""Real Twilio: the backend that runs telenb flows on real numbers, its webhook server,
request guard, dry-run recorder and TwiML export."""
