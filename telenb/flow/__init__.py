"""Vendor-neutral call flows: verbs, the choices grammar, the flow runtime, Tropo scripts."""
