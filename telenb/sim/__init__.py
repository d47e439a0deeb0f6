"""The simulated carrier: clock, calls, parties, trace, trunks and traffic."""
