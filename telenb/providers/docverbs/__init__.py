"""Verb operations every vendor's call-control documents share (TwiML, NCCO, Plivo XML,
jambonz): a gather over several prompts, a dial to several numbers, a conference with a
waiting room, a queue.  They stand on the simulator's operations and know no vendor's
format; each vendor's interpreter maps its own attributes onto them (ARCHITECTURE.md)."""
