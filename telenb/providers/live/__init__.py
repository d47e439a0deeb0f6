"""What every real-network backend shares (Twilio, Vonage, Plivo, Telnyx, SignalWire).

`guard` bounds and cleans webhook requests; `secrets` reads credentials from the environment
and masks them; `rails` is the allow-list, the one-time confirmation and the cost estimate;
`http` sends (or, for dry runs and tests, records) a vendor's REST requests through httpx;
`server` runs flows as continuations behind any vendor's webhooks; `backend` is the part of
``telenb.connect(vendor)`` that does not depend on the vendor.  Each vendor's own backend
(`providers/<vendor>/backend/`) adds only its request builder, signature check, credentials
and the meaning of its webhooks.
"""
