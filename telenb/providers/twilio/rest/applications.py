"""TwiML Applications and API Keys, offline.

An Application (AP...) is a set of webhook URLs that numbers (`VoiceApplicationSid`,
`SmsApplicationSid`) and calls (`ApplicationSid` on Calls create) use instead of their own,
as twilio.com/docs/usage/api/applications says. Updating an application re-routes every
number that uses it. Keys (SK...) are standard API keys: the secret is shown once, at
creation; a deleted key fails authentication with 20003, as on Twilio.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..account import API_VERSION, SimAccount
from ..sim.messaging import enable_sms
from .resources import RestError, base, not_found, page
from .state import rest_state

if TYPE_CHECKING:
    from .offline import OfflineHttpClient

APP_FIELDS = {
    "FriendlyName": "friendly_name",
    "VoiceUrl": "voice_url",
    "VoiceMethod": "voice_method",
    "VoiceFallbackUrl": "voice_fallback_url",
    "VoiceFallbackMethod": "voice_fallback_method",
    "StatusCallback": "status_callback",
    "StatusCallbackMethod": "status_callback_method",
    "VoiceCallerIdLookup": "voice_caller_id_lookup",
    "SmsUrl": "sms_url",
    "SmsMethod": "sms_method",
    "SmsFallbackUrl": "sms_fallback_url",
    "SmsFallbackMethod": "sms_fallback_method",
    "SmsStatusCallback": "sms_status_callback",
    "MessageStatusCallback": "message_status_callback",
    "PublicApplicationConnectEnabled": "public_application_connect_enabled",
}


@dataclass
class Application:
    sid: str
    created: float
    updated: float
    friendly_name: str | None = None
    voice_url: str | None = None
    voice_method: str = "POST"
    voice_fallback_url: str | None = None
    voice_fallback_method: str = "POST"
    status_callback: str | None = None
    status_callback_method: str = "POST"
    voice_caller_id_lookup: bool = False
    sms_url: str | None = None
    sms_method: str = "POST"
    sms_fallback_url: str | None = None
    sms_fallback_method: str = "POST"
    sms_status_callback: str | None = None
    message_status_callback: str | None = None
    public_application_connect_enabled: bool = False


@dataclass
class ApiKey:
    sid: str
    friendly_name: str | None
    created: float
    updated: float


def _set(app: Application, form: dict[str, Any]) -> None:
    for key, attr in APP_FIELDS.items():
        if key not in form:
            continue
        value = form[key]
        if attr.endswith("_method"):
            value = str(value).upper()
            if value not in ("GET", "POST"):
                raise RestError(400, 21209)
        elif attr in ("voice_caller_id_lookup", "public_application_connect_enabled"):
            value = str(value).lower() == "true"
        setattr(app, attr, value)


def application_json(acct: SimAccount, app: Application) -> dict[str, Any]:
    return {
        "account_sid": acct.account_sid,
        "api_version": API_VERSION,
        "date_created": acct.rfc2822(app.created),
        "date_updated": acct.rfc2822(app.updated),
        "friendly_name": app.friendly_name,
        "message_status_callback": app.message_status_callback,
        "public_application_connect_enabled": app.public_application_connect_enabled,
        "sid": app.sid,
        "sms_fallback_method": app.sms_fallback_method,
        "sms_fallback_url": app.sms_fallback_url,
        "sms_method": app.sms_method,
        "sms_status_callback": app.sms_status_callback,
        "sms_url": app.sms_url,
        "status_callback": app.status_callback,
        "status_callback_method": app.status_callback_method,
        "uri": f"{base(acct.account_sid)}/Applications/{app.sid}.json",
        "voice_caller_id_lookup": app.voice_caller_id_lookup,
        "voice_fallback_method": app.voice_fallback_method,
        "voice_fallback_url": app.voice_fallback_url,
        "voice_method": app.voice_method,
        "voice_url": app.voice_url,
    }


def find_application(acct: SimAccount, sid: str | None, code: int = 21218) -> Application:
    """The application `sid` names, or Twilio's error `code` (400) for an unknown one."""
    app = rest_state(acct).applications.get(sid or "")
    if app is None:
        raise RestError(400, code, sid=sid)
    return app


def applications(
    client: OfflineHttpClient, method: str, rest: list[str], query: dict, form: dict, path: str
) -> tuple[int, Any]:
    acct, now = client.account, client.carrier.clock.now
    apps = rest_state(acct).applications
    if not rest:
        if method == "POST":
            sid = client.carrier.sids.new("application")
            app = Application(sid, now, now)
            _set(app, form)
            apps[sid] = app
            return 201, application_json(acct, app)
        if method != "GET":
            raise not_found(path)
        wanted = query.get("FriendlyName")
        items = [a for a in apps.values() if wanted is None or a.friendly_name == wanted]
        items.reverse()  # newest first
        return 200, page("applications", [application_json(acct, a) for a in items], path, query)
    found = apps.get(rest[0])
    if found is None or len(rest) > 1:
        raise not_found(path)
    app = found
    if method == "GET":
        return 200, application_json(acct, app)
    if method == "POST":
        _set(app, form)
        app.updated = now
        for entry in acct.numbers.values():
            if app.sid in (entry.voice_application_sid, entry.sms_application_sid):
                route_number(client, entry)
        return 200, application_json(acct, app)
    if method == "DELETE":
        del apps[app.sid]
        for entry in acct.numbers.values():  # Twilio unassigns a deleted application
            if entry.voice_application_sid == app.sid:
                entry.voice_application_sid = None
                route_number(client, entry)
            if entry.sms_application_sid == app.sid:
                entry.sms_application_sid = None
        return 204, None
    raise not_found(path)


# -- Keys -----------------------------------------------------------------------------------------
def key_json(acct: SimAccount, key: ApiKey, secret: str | None = None) -> dict[str, Any]:
    body = {
        "date_created": acct.rfc2822(key.created),
        "date_updated": acct.rfc2822(key.updated),
        "friendly_name": key.friendly_name,
        "sid": key.sid,
    }
    if secret is not None:  # only the creating response shows it
        body["secret"] = secret
    return body


def keys(
    client: OfflineHttpClient, method: str, rest: list[str], query: dict, form: dict, path: str
) -> tuple[int, Any]:
    acct, now = client.account, client.carrier.clock.now
    state = rest_state(acct)
    for sid in acct.api_keys:  # keys given to telenb directly are listed too
        state.keys.setdefault(sid, ApiKey(sid, None, 0.0, 0.0))
    if not rest:
        if method == "POST":
            sid = client.carrier.sids.new("key")
            rnd = random.Random(f"key-secret:{client.carrier.seed}:{sid}")
            secret = f"{rnd.getrandbits(128):032x}"
            key = state.keys[sid] = ApiKey(sid, form.get("FriendlyName"), now, now)
            acct.api_keys[sid] = secret
            return 201, key_json(acct, key, secret)
        if method != "GET":
            raise not_found(path)
        items = [key_json(acct, k) for k in state.keys.values() if k.sid in acct.api_keys]
        return 200, page("keys", items[::-1], path, query)
    known = state.keys.get(rest[0])
    if known is None or known.sid not in acct.api_keys or len(rest) > 1:
        raise not_found(path)
    key = known
    if method == "GET":
        return 200, key_json(acct, key)
    if method == "POST":
        if "FriendlyName" in form:
            key.friendly_name = form["FriendlyName"]
        key.updated = now
        return 200, key_json(acct, key)
    if method == "DELETE":
        del acct.api_keys[key.sid]
        del state.keys[key.sid]
        return 204, None
    raise not_found(path)


def route_number(client: OfflineHttpClient, entry: Any) -> None:
    """Point the carrier's routing at what answers the number: its TwiML Application's
    URLs when one is assigned, else the number's own."""
    carrier, apps = client.carrier, rest_state(client.account).applications
    voice = apps.get(entry.voice_application_sid or "") or entry
    own = {k: v for k, v in vars(entry).items() if k.startswith(("voice_", "status_", "sms_"))}
    if voice.voice_url:
        carrier.apps.pop(entry.phone_number, None)
        carrier.app(
            entry.phone_number,
            twiml=voice.voice_url,
            method=voice.voice_method,
            fallback_url=voice.voice_fallback_url,
            fallback_method=voice.voice_fallback_method,
            status_callback=voice.status_callback,
            status_callback_method=voice.status_callback_method,
        )
        vars(entry).update(own)  # the number keeps its own URLs; the application answers
    sms = apps.get(entry.sms_application_sid or "")
    if entry.sms_url or sms is not None:
        enable_sms(client.account)
