"""Vendor-neutral webhook plumbing: fetching an app's URL or calling its WSGI/ASGI object
with a deadline and a size limit, and serving webhooks from a real network (waitress)."""
