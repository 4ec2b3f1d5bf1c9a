"""Mock Close: ``POST /api/v1/lead/`` and the rate limits every Close path shares.

Every POST creates a new lead (Close documents no dedupe on create). Answers follow the
Close OpenAPI and real recorded responses: 200 with the Lead object, 400 with
``errors``/``field-errors``, 401 ``{"error": ...}``, 415 for a body that is not JSON, and
the RFC-style ``RateLimit`` header on every answer, counted per API key and endpoint
group (path and method); a 429 carries no body since Close's 2024 change. Reads,
updates, deletes, ``/me/`` and lead statuses are in :mod:`signaltui.mock.close_reads`.
"""

from __future__ import annotations

import base64
import json
import math
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from signaltui.mock.ids import iso_micros_offset
from signaltui.mock.phones import e164, international, parse_phone, region
from signaltui.mock.routing import Flavor, LimitCheck, unavailable
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


def offered_key(request: Request) -> str | None:
    """The API key a request offers (Basic username, or an OAuth bearer)."""
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


def refused(state: MockState, request: Request) -> Response | None:
    """Close's 401 when the key is not accepted, else ``None``."""
    if state.accepts("close_api_key", offered_key(request)):
        return None
    return JSONResponse({"error": UNAUTHORIZED}, status_code=401)


def json_body(request: Request, raw: bytes) -> dict[str, Any] | Response:
    """The body as a JSON object; 415 when it is not JSON, 400 when not an object."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if media and media != "application/json" and not media.endswith("+json"):
            raise ValueError(media)
        body = json.loads(raw or b"{}")
    except ValueError:
        message = "Unsupported Media Type: the request body must be JSON."
        return JSONResponse({"error": message}, status_code=415)
    if not isinstance(body, dict):
        return JSONResponse({"errors": ["Expected a JSON object."], "field-errors": {}}, 400)
    return body


def check_status(state: MockState, body: dict[str, Any]) -> tuple[str, str] | Response:
    """The ``(status_id, label)`` a lead body asks for, or Close's 400."""
    return _status(state, body)


def build_contacts(
    state: MockState, raw: Any, lead_id: str, now: str
) -> list[dict[str, Any]] | Response:
    """The contacts of a lead body as Close stores them, or Close's 400."""
    contacts = []
    for n, item in enumerate(raw or []):
        contact = _contact(state, item, n, lead_id, now)
        if isinstance(contact, Response):
            return contact
        contacts.append(contact)
    return contacts


def index_lead(state: MockState, lead: dict[str, Any], *, remove: bool = False) -> None:
    """Add (or remove) a lead's contact emails in the email index."""
    change = state.unindex_email if remove else state.index_email
    for contact in lead["contacts"]:
        for item in contact["emails"]:
            change(state.close_by_email, item["email"], lead["id"])


def create_lead(state: MockState, request: Request, raw: bytes) -> Response:
    """``POST /api/v1/lead/``."""
    if (denied := refused(state, request)) is not None:
        return denied
    body = json_body(request, raw)
    if isinstance(body, Response):
        return body
    name = body.get("name")
    if state.settings.close_require_name and not (isinstance(name, str) and name.strip()):
        return _field_errors({"name": "This field is required."})
    status = _status(state, body)
    if isinstance(status, Response):
        return status
    lead_id, now = state.ids.close("lead"), iso_micros_offset(state.now())
    contacts = build_contacts(state, body.get("contacts"), lead_id, now)
    if isinstance(contacts, Response):
        return contacts
    lead = build_lead(body, lead_id, status, contacts, now)
    state.close_leads[lead_id] = lead
    index_lead(state, lead)
    state.counters.bump(state.counters.created, "close")
    return JSONResponse(lead)


def build_lead(
    body: dict[str, Any], lead_id: str, status: tuple[str, str], contacts: list[Any], now: str
) -> dict[str, Any]:
    """The Lead object Close stores and answers with."""
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


def _check(state: MockState, request: Request, group: str) -> LimitCheck | None:
    return _window_check(state, request, group, forced=False)


def _forced(state: MockState, request: Request, group: str) -> LimitCheck:
    return _window_check(state, request, group, forced=True)


def _window_check(state: MockState, request: Request, group: str, *, forced: bool) -> LimitCheck:
    now, limit = state.now(), state.settings.close_limit_per_second
    key = f"{offered_key(request) or '-'} {group}"
    window = state.windows.get("close", key, limit, 1.0)
    used = limit + 1 if forced else window.hit(now)
    # The organization (the mock has one) may make 3x the per-key rate per group.
    org = state.windows.get("close org", group, 3 * limit, 1.0)
    org_used = org.used(now) if forced else org.hit(now)
    check = LimitCheck(key=key)
    if used > limit:
        check.exhausted, check.family = window, "second"
    elif org_used > org.limit:
        check.exhausted, check.family = org, "second"
    remaining, reset = max(0, limit - used), window.reset_in(now)
    check.headers = {"ratelimit": f"limit={limit}, remaining={remaining}, reset={reset}"}
    return check


def _too_many(state: MockState, check: LimitCheck, group: str, retry_after: int) -> Response:
    limit = state.settings.close_limit_per_second
    headers = {
        "ratelimit": f"limit={limit}, remaining=0, reset={retry_after}",
        "retry-after": str(retry_after),
    }
    return Response(status_code=429, headers=headers)


def _maintenance(state: MockState, seconds: float) -> Response:
    # Close documents no maintenance body; its client retries any 503.
    response = unavailable()
    response.headers["retry-after"] = str(max(1, math.ceil(seconds)))
    return response


FLAVOR = Flavor("close", check=_check, forced=_forced, too_many=_too_many, maintenance=_maintenance)
