"""Mock Outreach: ``POST /oauth/token`` (refresh grant, rotating) and ``POST /api/v2/prospects``.

The token endpoint answers like Doorkeeper (the Rails OAuth server Outreach appears to
run): 400 ``invalid_grant`` for unknown or revoked refresh tokens, 401 ``invalid_client``.
The prospects endpoint insists on JSON:API (415 otherwise), validates attributes against
the OpenAPI catalogue, rejects a duplicate email with 422, and answers 201.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from signaltui.mock import outreach_schema as schema
from signaltui.mock.ids import iso_millis_z
from signaltui.mock.routing import Flavor
from signaltui.mock.state import MockState

JSONAPI = "application/vnd.api+json"
BASE = "https://api.outreach.io/api/v2"
SCOPE = "prospects.read prospects.write"
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication "
    "included, or unsupported authentication method."
)
UNSUPPORTED_GRANT = "The authorization grant type is not supported by the authorization server."
DUPLICATE = "Contacts email hash has already been taken."
EXCLUDED = "Contacts contact is using an excluded email address."


def _oauth_error(error: str, description: str, status: int) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def _api_error(status: int, id_: str, title: str, detail: str, pointer: str | None) -> Response:
    error: dict[str, Any] = {"id": id_, "title": title, "detail": detail}
    if pointer is not None:
        error["source"] = {"pointer": pointer}
    return JSONResponse({"errors": [error]}, status_code=status, media_type=JSONAPI)


def _invalid(detail: str, pointer: str) -> Response:
    return _api_error(422, "validationError", "Validation Error", detail, pointer)


def _token_params(request: Request, raw: bytes) -> dict[str, str]:
    # tap-outreach sends a form, Estuary sends JSON: accept both.
    params: dict[str, Any] = {}
    if "json" in request.headers.get("content-type", ""):
        try:
            loaded = json.loads(raw or b"{}")
        except ValueError:
            loaded = {}
        params = loaded if isinstance(loaded, dict) else {}
    else:
        params = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    auth = request.headers.get("authorization", "")
    if auth.startswith("Basic "):  # Doorkeeper also takes client credentials this way.
        try:
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            client_id, secret = "", ""
        params.setdefault("client_id", client_id)
        params.setdefault("client_secret", secret)
    return {k: str(v) for k, v in params.items() if v is not None}


def _refresh_usable(state: MockState, token: str) -> bool:
    known = state.outreach_refresh.get(token)
    if known is not None:
        return known
    # Unknown token: fine only when no refresh token is configured (first sight).
    return bool(token) and state.credential("outreach_refresh_token") is None


def token(state: MockState, request: Request, raw: bytes) -> Response:
    """``POST /oauth/token`` with ``grant_type=refresh_token``."""
    params = _token_params(request, raw)
    client_ok = state.accepts("outreach_client_id", params.get("client_id")) and state.accepts(
        "outreach_client_secret", params.get("client_secret")
    )
    if not client_ok:
        return _oauth_error("invalid_client", INVALID_CLIENT, 401)
    if params.get("grant_type") != "refresh_token":
        return _oauth_error("unsupported_grant_type", UNSUPPORTED_GRANT, 400)
    old = params.get("refresh_token", "")
    if not _refresh_usable(state, old):
        return _oauth_error("invalid_grant", INVALID_GRANT, 400)
    now = state.now()
    access, fresh = state.ids.token(), state.ids.token()
    state.outreach_access[access] = {"issued_at": now, "uses": 0}
    state.outreach_refresh[fresh] = True
    # Rotation: the old token dies at once when strict, else it stays usable.
    state.outreach_refresh[old] = not state.settings.outreach_strict_rotation
    return JSONResponse(
        {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": state.settings.outreach_token_ttl,
            "refresh_token": fresh,
            "scope": SCOPE,
            "created_at": int(now),
        }
    )


def _bearer_ok(state: MockState, request: Request) -> bool:
    auth = request.headers.get("authorization", "")
    if not auth.startswith("Bearer "):
        return False
    token = auth[7:].strip()
    record = state.outreach_access.get(token)
    if record is None:
        return False
    if state.now() - record["issued_at"] >= state.settings.outreach_token_ttl:
        return False
    if state.faults.token_expired(token, record["uses"]):
        return False
    record["uses"] += 1
    return True


def _unauthorized() -> Response:
    response = _api_error(
        401, "unauthorized", "Unauthorized", "The access token is invalid or has expired.", None
    )
    response.headers["www-authenticate"] = 'Bearer realm="Doorkeeper", error="invalid_token"'
    return response


def _validate(document: Any) -> Response | dict[str, Any]:
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict):
        return _invalid("The request must carry a data object.", "/data")
    if data.get("type") != "prospect":
        return _invalid(f"Type must be 'prospect', got {data.get('type')!r}.", "/data/type")
    attributes = data.get("attributes", {})
    if not isinstance(attributes, dict):
        return _invalid("Attributes must be an object.", "/data/attributes")
    for name, value in attributes.items():
        pointer = f"/data/attributes/{name}"
        # `name` is read-only per the OpenAPI, but signaltui's Outreach spec sends the
        # full name; the mock accepts it rather than fail every delivery on it.
        if name in schema.READ_ONLY and name != "name":
            return _invalid(f"Attribute '{name}' is read-only.", pointer)
        if name not in schema.WRITABLE and name != "name":
            return _invalid(f"Unknown attribute '{name}'.", pointer)
        detail = schema.check_attribute(name, value)
        if detail:
            return _invalid(detail, pointer)
    relationships = data.get("relationships", {})
    if not isinstance(relationships, dict):
        return _invalid("Relationships must be an object.", "/data/relationships")
    return data


def create_prospect(state: MockState, request: Request, raw: bytes) -> Response:
    """``POST /api/v2/prospects``."""
    if not _bearer_ok(state, request):
        return _unauthorized()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != JSONAPI:
        body = {
            "errors": [
                {
                    "id": "unsupportedMediaType",
                    "title": "Unsupported Media Type",
                    "details": "Expected Content-Type header to be 'application/vnd.api+json'.",
                }
            ]
        }
        return JSONResponse(body, status_code=415, media_type=JSONAPI)
    try:
        document = json.loads(raw or b"null")
    except ValueError:
        return _api_error(400, "badRequest", "Bad Request", "Body is not valid JSON.", None)
    checked = _validate(document)
    if isinstance(checked, Response):
        return checked
    attributes = dict(checked.get("attributes") or {})
    emails = [e.strip().lower() for e in attributes.get("emails") or []]
    domains = {e.rsplit("@", 1)[-1] for e in emails}
    if domains & {d.lower() for d in state.settings.outreach_excluded_domains}:
        return _invalid(EXCLUDED, "/data")
    taken = {e for p in state.outreach_prospects.values() for e in p["_emails"]}
    if taken & set(emails):
        return _invalid(DUPLICATE, "/data")
    return _created(state, checked, attributes, emails)


def _created(
    state: MockState, data: dict[str, Any], attributes: dict[str, Any], emails: list[str]
) -> Response:
    prospect_id = state.ids.next_int("prospect")
    now = iso_millis_z(state.now())
    full = {**schema.blank_attributes(), **attributes, "createdAt": now, "updatedAt": now}
    if not attributes.get("name"):
        parts = [attributes.get("firstName"), attributes.get("lastName")]
        full["name"] = " ".join(p for p in parts if p) or None
    full.update(clickCount=0, openCount=0, replyCount=0, engagedScore=0.0)
    relationships = {
        "account": {"data": None},
        "owner": {"data": None},
        "stage": {"data": None},
        "creator": {"data": {"type": "user", "id": 1}},
        "updater": {"data": {"type": "user", "id": 1}},
        **(data.get("relationships") or {}),
    }
    resource = {
        "type": "prospect",
        "id": prospect_id,
        "attributes": full,
        "relationships": relationships,
        "links": {"self": f"{BASE}/prospects/{prospect_id}"},
    }
    state.outreach_prospects[prospect_id] = {"_emails": emails, "resource": resource}
    return JSONResponse({"data": resource}, status_code=201, media_type=JSONAPI)


def _count(state: MockState) -> bool:
    window = state.windows["outreach"]
    return window.hit(state.now()) > window.limit


def _decorate(state: MockState, response: Response) -> None:
    window, now = state.windows["outreach"], state.now()
    response.headers["x-ratelimit-limit"] = str(window.limit)
    response.headers["x-ratelimit-remaining"] = str(window.remaining(now))
    response.headers["x-ratelimit-reset"] = str(int(window.reset_at(now)))


def _too_many(state: MockState) -> Response:
    window, now = state.windows["outreach"], state.now()
    retry = state.settings.retry_after
    again = datetime.fromtimestamp(now + retry, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    detail = (
        f"You have exceeded your permitted rate limit of {window.limit:,}; "
        f"please try again at {again}."
    )
    response = _api_error(429, "rateLimitExceeded", "Rate Limit Exceeded", detail, None)
    response.headers.update(
        {
            "x-ratelimit-limit": str(window.limit),
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": str(int(now + retry)),
            "retry-after": str(retry),
        }
    )
    return response


FLAVOR = Flavor("outreach", count=_count, decorate=_decorate, too_many=_too_many)
