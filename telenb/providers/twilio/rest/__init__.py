"""Twilio's REST API offline: the twilio SDK's own Client against the simulated carrier,
and the pytest fixture that patches it in."""
