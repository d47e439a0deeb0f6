"""TeXML's own verbs, which TwiML has not: ``<HttpRequest>`` and ``<AIGather>``.

``<HttpRequest>`` (TeXML verb reference, "Sending HTTP requests" tutorial): a ``<Request
url method>`` with ``<Headers>`` (``<Header><Key/><Value/></Header>``) and a ``<Body>`` in
which ``{{Name}}`` is replaced by the call's parameter of that name (dynamic parameters).
With ``async="false"`` (the verb reference's default; the tutorial calls the requests
asynchronous by default) TeXML waits for the answer and, given an ``action``, posts the call
parameters to it with the fields its ``<Response>`` maps: each ``<Field>``'s ``<Name>`` is a
dotted path into the JSON answer, its ``<Value>`` the parameter name it is sent as, when
the answer has the ``<StatusCode>`` named.  TeXML in the action's answer runs next.  The
request goes to the simulated web or to 127.0.0.1 (a WSGI or ASGI app mounted with
``telnyx_account(carrier).web.mount(origin, app)``, or a local server); anything else is
unreachable offline and is a warning, and the call goes on.

``<AIGather>`` (verb reference; the TexmlAiGatherWebhook callback): says its ``<Greeting>``,
listens, and sends the action AccountSid, CallSid, CallSidLegacy, ConnectionId, From, To,
Status and the base64 JSON Base64MessageHistory ([{role, content}]) and Base64Result
({"status", "result"}).  Offline there is no language model: telenb hears one answer and
fills the ``<Parameters>`` JSON Schema from its words (`extract`: numbers for integer and
number, the enum value named, yes/no for boolean, the whole answer for a lone string) or
with ``telnyx_account(carrier).ai_extractor(text, schema) -> dict``.  Status is "valid" when
every required parameter is filled, else "invalid"; there are no follow-up questions.
"""

from __future__ import annotations

import base64
import json
import re
from typing import TYPE_CHECKING, Any

from ...errors import CallEnded
from ..docverbs.prompts import GatherVerb, Item
from ..twilio.sim.outcomes import NEXT
from ..twilio.sim.webhooks import Document
from ..twilio.twiml.parse import Node, TwiMLParseError, parse_twiml
from ..webhooks.web import Unreachable, with_query

if TYPE_CHECKING:
    from ..twilio.sim.interpreter import Interpreter

TIMEOUT = 10.0  # seconds an HttpRequest may take
AI_TIMEOUT = 8.0  # seconds AIGather listens for an answer
_PARAM = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


def _child(node: Node, tag: str) -> Node | None:
    return next((c for c in node.children if c.tag == tag), None)


def _true(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().strip("\"”“'").lower() == "true"


def _substitute(text: str, params: dict[str, str]) -> str:
    return _PARAM.sub(lambda m: params.get(m[1], ""), text)


def _dig(value: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def v_httprequest(interp: Interpreter, node: Node) -> Any:
    request = _child(node, "Request")
    if request is None or not request.attrs.get("url"):
        interp.warn(None, f"HttpRequest at {node.where} has no <Request url=...>; skipped")
        return NEXT
    params = dict(interp.params())
    url = _substitute(request.attrs["url"], params)
    method = (request.attrs.get("method") or "GET").upper()
    headers: dict[str, str] = {}
    for header in (_child(request, "Headers") or Node("Headers")).children:
        key, value = _child(header, "Key"), _child(header, "Value")
        if key is not None and value is not None:
            headers[key.text] = _substitute(value.text, params)
    body_node = _child(request, "Body")
    body = _substitute(body_node.text, params) if body_node is not None else ""
    waits = not _true(node.attrs.get("async"), False)
    response = _send(interp, method, url, headers, body)
    if not waits:
        return NEXT
    action = interp.resolve(node.attrs.get("action"))
    if action is None:
        return NEXT
    extra = _mapped(interp, _child(node, "Response"), response)
    return _action(interp, action, extra, "HttpRequest")


def _send(interp: Interpreter, method: str, url: str, headers: dict, body: str) -> Any:
    account, leg = interp.account, interp.leg
    raw = body.encode("utf-8")
    target = with_query(url, []) if method == "GET" else url
    try:
        response = account.web.request(
            method, target, body=b"" if method == "GET" else raw, headers=headers,
            form=[], timeout=TIMEOUT,
        )  # fmt: skip
    except CallEnded:
        raise
    except Unreachable as exc:
        leg.trace("webhook", method=method, url=url, purpose="HttpRequest", status=None,
                  error=str(exc))  # fmt: skip
        interp.warn(None, f"HttpRequest to {url} failed: {exc}")
        return None
    leg.trace("webhook", method=method, url=url, purpose="HttpRequest", params=body[:2000],
              status=response.status)  # fmt: skip
    return response


def _mapped(interp: Interpreter, spec: Node | None, response: Any) -> list[tuple[str, str]]:
    """The <Response> fields taken from the answer, as (parameter name, value)."""
    if spec is None or response is None:
        return []
    want = _child(spec, "StatusCode")
    if want is not None and want.text.isdigit() and int(want.text) != response.status:
        interp.warn(None, f"HttpRequest: the answer was HTTP {response.status}, not "
                          f"{want.text}; its fields are not sent")  # fmt: skip
        return []
    try:
        data = json.loads(response.text)
    except ValueError:
        interp.warn(None, "HttpRequest: the answer is not JSON; its fields are not sent")
        return []
    out = []
    for field in (_child(spec, "Content") or Node("Content")).children:
        name, value = _child(field, "Name"), _child(field, "Value")
        if name is None or value is None:
            continue
        found = _dig(data, name.text)
        if found is not None:
            text = found if isinstance(found, str) else json.dumps(found)
            out.append((value.text, text))
    return out


def _action(interp: Interpreter, url: str, extra: list[tuple[str, str]], why: str) -> Any:
    """Post to an action URL; TeXML in the answer runs next, else the document goes on."""
    method = interp.app.method
    sid = interp.leg.sid
    response = interp.hooks.callback(method, url, interp.params(extra), sid=sid, event=why)
    if response is None or not 200 <= response.status < 300 or not response.text.strip():
        return NEXT
    try:
        root = parse_twiml(response.text)
    except TwiMLParseError as exc:
        interp.warn(None, f"{why} action answered with invalid TeXML: {exc}")
        return NEXT
    interp.leg.trace("twiml", url=url, twiml=root.to_xml())
    return Document(url, method, root, response.text)


# -- AIGather -------------------------------------------------------------------------------
def extract(text: str, schema: dict[str, Any]) -> dict[str, Any]:
    """telenb's offline stand-in for the model: fill `schema`'s properties from `text`."""
    props = schema.get("properties") or {}
    words = text.lower()
    numbers = re.findall(r"-?\d+(?:\.\d+)?", text)
    out: dict[str, Any] = {}
    strings = [k for k, p in props.items() if p.get("type") == "string" and "enum" not in p]
    for name, prop in props.items():
        kind = prop.get("type")
        if "enum" in prop:
            hit = next((v for v in prop["enum"] if str(v).lower() in words), None)
            if hit is not None:
                out[name] = hit
        elif kind in ("integer", "number") and numbers:
            value = numbers.pop(0)
            out[name] = int(float(value)) if kind == "integer" else float(value)
        elif kind == "boolean":
            if re.search(r"\b(yes|yeah|correct|true)\b", words):
                out[name] = True
            elif re.search(r"\b(no|nope|false)\b", words):
                out[name] = False
        elif kind == "string" and len(strings) == 1 and text.strip():
            out[name] = text.strip()
    return out


def v_aigather(interp: Interpreter, node: Node) -> Any:
    greeting = _child(node, "Greeting")
    said = greeting.all_text() if greeting is not None else ""
    params_node = _child(node, "Parameters")
    try:
        schema = json.loads(params_node.all_text()) if params_node is not None else {}
    except ValueError:
        interp.warn(None, f"AIGather at {node.where}: <Parameters> is not a JSON Schema")
        schema = {}
    if params_node is None:
        interp.warn(None, f"AIGather at {node.where} needs a <Parameters> JSON Schema")
    voice = _child(node, "Voice")
    items = [Item("say", said, voice.text if voice is not None else None)] if said else []
    out = interp.perform(GatherVerb(items, frozenset({"speech"}), AI_TIMEOUT, 0.0))
    if out.kind == "hangup" or interp.over:
        return None
    heard = out.text if out.kind == "input" else ""
    history = ([{"role": "assistant", "content": said}] if said else []) + (
        [{"role": "user", "content": heard}] if heard else []
    )
    custom = getattr(interp.account, "ai_extractor", None)
    result = (custom or extract)(heard, schema) if heard else {}
    required = schema.get("required") or []
    status = "valid" if heard and all(k in result for k in required) else "invalid"
    interp.leg.trace("aigather", heard=heard, result=result, status=status)
    extra = [
        ("Status", status),
        ("Base64MessageHistory", _b64(history)),
        ("Base64Result", _b64({"status": status, "result": result})),
    ]
    action = interp.resolve(node.attrs.get("action"))
    if action is None:
        return NEXT
    return _action(interp, action, extra, "AIGather")


def _b64(value: Any) -> str:
    return base64.b64encode(json.dumps(value, separators=(",", ":")).encode()).decode("ascii")
