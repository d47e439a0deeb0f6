"""jambonz applications on the simulated carrier: the interpreter, its verbs and webhooks."""
