"""Plivo XML on the simulated carrier: the interpreter (`interpreter`) and its front door
(`app`)."""
