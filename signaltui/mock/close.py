"""Mock Close: ``POST /api/v1/lead/`` and ``GET /api/v1/lead/{id}/``.

Every POST creates a new lead (Close documents no dedupe on create). Answers follow the
Close OpenAPI and real recorded responses: 200 with the Lead object, 400 with
``errors``/``field-errors``, 401 ``{"error": ...}``, and the RFC-style ``RateLimit``
header on every answer (a 429 carries no body since Close's 2024 change).
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from signaltui.mock.ids import iso_micros_offset
from signaltui.mock.phones import e164, international, parse_phone, region
from signaltui.mock.routing import Flavor
from signaltui.mock.state import MockState

UNAUTHORIZED = (
    "The server could not verify that you are authorized to access the URL requested.  "
    "You either supplied the wrong credentials (e.g. a bad password), or your browser "
    "doesn't understand how to supply the credentials required."
)
APP_URL = "https://app.close.com"
# The mock org and its one user (fixed, like a real API key's org).
ORG_ID = "orga_mockOrganizationForSignaltuiLocalTestingOnly0"
USER_ID = "user_mockUserForSignaltuiLocalTestingOnly00000000"
USER_NAME = "Mock User"
_STATUS_ID = re.compile(r"^stat_[A-Za-z0-9]+$")


def _offered_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.startswith("Basic "):
        try:
            user, _, _ = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return None
        return user or None
    if auth.startswith("Bearer "):
        return auth[7:].strip() or None
    return None


def _field_errors(errors: dict[str, Any]) -> Response:
    return JSONResponse({"errors": [], "field-errors": errors}, status_code=400)


def _status(state: MockState, body: dict[str, Any]) -> tuple[str, str] | Response:
    status_id, label = body.get("status_id"), body.get("status")
    if status_id and label:
        return _field_errors({"status": "Provide either status or status_id, not both."})
    if status_id:
        if not isinstance(status_id, str) or not _STATUS_ID.match(status_id):
            return _field_errors({"status_id": "Not a valid choice."})
        # A well-formed id the mock has not seen is taken as one of the org's custom
        # statuses, so a status id configured for the real org works against the mock.
        return status_id, state.close_statuses.setdefault(status_id, "Custom Status")
    if label:
        for known_id, known_label in state.close_statuses.items():
            if isinstance(label, str) and known_label.lower() == label.strip().lower():
                return known_id, known_label
        return _field_errors(
            {"status": "Not a valid choice. Please go to Customizations to add a new status."}
        )
    first_id = next(iter(state.close_statuses))
    return first_id, state.close_statuses[first_id]


def _phones(state: MockState, phones: Any, where: str) -> list[dict[str, Any]] | Response:
    result = []
    for n, item in enumerate(phones or []):
        raw = item.get("phone") if isinstance(item, dict) else None
        parsed = parse_phone(str(raw), state.settings.close_default_country) if raw else None
        if parsed is None:
            return _field_errors({f"{where}.phones.{n}.phone": "Invalid phone number."})
        kind = item.get("type") or "office"
        result.append(
            {
                "phone": e164(parsed),
                "phone_formatted": international(parsed),
                "type": kind,
                "country": region(parsed),
            }
        )
    return result


def _contact(
    state: MockState, raw: Any, n: int, lead_id: str, now: str
) -> dict[str, Any] | Response:
    where = f"contacts.{n}"
    if not isinstance(raw, dict):
        return _field_errors({where: "Must be an object."})
    emails = []
    for m, item in enumerate(raw.get("emails") or []):
        if not isinstance(item, dict) or not item.get("email"):
            return _field_errors({f"{where}.emails.{m}.email": "This field is required."})
        kind = item.get("type") or "office"
        emails.append({"email": item["email"], "type": kind, "is_unsubscribed": False})
    phones = _phones(state, raw.get("phones"), where)
    if isinstance(phones, Response):
        return phones
    name = raw.get("name") or ""
    return {
        "id": state.ids.close("cont"),
        "lead_id": lead_id,
        "organization_id": ORG_ID,
        "name": name,
        "display_name": name or (emails[0]["email"] if emails else ""),
        "title": raw.get("title") or "",
        "emails": emails,
        "phones": phones,
        "urls": list(raw.get("urls") or []),
        "date_created": now,
        "date_updated": now,
        "created_by": USER_ID,
        "updated_by": USER_ID,
    }


def create_lead(state: MockState, request: Request, raw: bytes) -> Response:
    """``POST /api/v1/lead/``."""
    if not state.accepts("close_api_key", _offered_key(request)):
        return JSONResponse({"error": UNAUTHORIZED}, status_code=401)
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return JSONResponse({"errors": ["Invalid JSON body."], "field-errors": {}}, 400)
    if not isinstance(body, dict):
        return JSONResponse({"errors": ["Expected a JSON object."], "field-errors": {}}, 400)
    name = body.get("name")
    if state.settings.close_require_name and not (isinstance(name, str) and name.strip()):
        return _field_errors({"name": "This field is required."})
    status = _status(state, body)
    if isinstance(status, Response):
        return status
    lead_id, now = state.ids.close("lead"), iso_micros_offset(state.now())
    contacts = []
    for n, item in enumerate(body.get("contacts") or []):
        contact = _contact(state, item, n, lead_id, now)
        if isinstance(contact, Response):
            return contact
        contacts.append(contact)
    lead = _lead(body, lead_id, status, contacts, now)
    state.close_leads[lead_id] = lead
    return JSONResponse(lead)


def _lead(
    body: dict[str, Any], lead_id: str, status: tuple[str, str], contacts: list[Any], now: str
) -> dict[str, Any]:
    emails = [e for c in contacts for e in c["emails"]]
    phones = [p for c in contacts for p in c["phones"]]
    name = body.get("name") or ""
    return {
        "id": lead_id,
        "name": name,
        "display_name": name or (contacts[0]["display_name"] if contacts else ""),
        "status_id": status[0],
        "status_label": status[1],
        "description": body.get("description") or "",
        "url": body.get("url"),
        "organization_id": ORG_ID,
        "created_by": USER_ID,
        "updated_by": USER_ID,
        "created_by_name": USER_NAME,
        "updated_by_name": USER_NAME,
        "date_created": now,
        "date_updated": now,
        "html_url": f"{APP_URL}/lead/{lead_id}/",
        "contact_ids": [c["id"] for c in contacts],
        "contacts": contacts,
        "addresses": list(body.get("addresses") or []),
        "opportunities": [],
        "tasks": [],
        "integration_links": [],
        "primary_email": {"email": emails[0]["email"], "type": emails[0]["type"]}
        if emails
        else None,
        "primary_phone": {"phone": phones[0]["phone"], "type": phones[0]["type"]}
        if phones
        else None,
        "custom": {},
        **{k: v for k, v in body.items() if k.startswith("custom.cf_")},
    }


def get_lead(state: MockState, request: Request, raw: bytes) -> Response:
    """``GET /api/v1/lead/{id}/``."""
    if not state.accepts("close_api_key", _offered_key(request)):
        return JSONResponse({"error": UNAUTHORIZED}, status_code=401)
    lead = state.close_leads.get(request.path_params["lead_id"])
    if lead is None:
        return JSONResponse({"error": "Empty query: Lead matching query does not exist."}, 404)
    return JSONResponse(lead)


def _count(state: MockState) -> bool:
    window = state.windows["close"]
    return window.hit(state.now()) > window.limit


def _decorate(state: MockState, response: Response) -> None:
    window, now = state.windows["close"], state.now()
    remaining, reset = window.remaining(now), window.reset_in(now)
    response.headers["ratelimit"] = f"limit={window.limit}, remaining={remaining}, reset={reset}"


def _too_many(state: MockState) -> Response:
    window, retry = state.windows["close"], state.settings.retry_after
    headers = {
        "ratelimit": f"limit={window.limit}, remaining=0, reset={retry}",
        "retry-after": str(retry),
    }
    return Response(status_code=429, headers=headers)


FLAVOR = Flavor("close", count=_count, decorate=_decorate, too_many=_too_many)
