"""Tropo WebAPI apps on the simulated carrier: documents (`document`), the JSON Tropo sent
(`payloads`), its HTTP side (`client`), the interpreter and its verbs, and the entry points
(`app`: the `tropo_webapi` front door and `start_session`)."""
