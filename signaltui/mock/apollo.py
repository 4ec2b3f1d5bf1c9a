"""Mock Apollo.io: ``POST /api/v1/contacts`` (Create a Contact), as the real API answers.

Shapes follow Apollo's vendor OpenAPI: HTTP 200 ``{contact, labels}``, 24-hex ids, no
dedupe unless ``run_dedupe`` is true, 401 as text/plain, 422/429 as JSON, and the
minute/hourly/daily rate-limit header families on every answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from signaltui.mock.ids import iso_millis_z
from signaltui.mock.phones import e164, parse_phone
from signaltui.mock.routing import Flavor
from signaltui.mock.state import MockState

INVALID_KEY = (
    "Invalid API key. See https://docs.apollo.io/reference/authentication for how to authenticate."
)
RATE_LIMITED = (
    "The maximum number of api calls allowed for api/v1/contacts is 600 times per hour. "
    "Please upgrade your plan from https://app.apollo.io/#/settings/plans/upgrade."
)
# The mock team's one user and default contact stage (fixed, like a real account's).
USER_ID = "5f8a1c2e9b3d4a0017e6c0d1"
DEFAULT_STAGE_ID = "5f8a1c2e9b3d4a0017e6c0d2"

_HEX24 = re.compile(r"^[0-9a-f]{24}$")
_PHONE_TYPES = {
    "direct_phone": "work_direct",
    "corporate_phone": "work_hq",
    "mobile_phone": "mobile",
    "home_phone": "home",
    "other_phone": "other",
}
_PLAIN_FIELDS = (
    "first_name",
    "last_name",
    "organization_name",
    "title",
    "email",
    "website_url",
    "present_raw_address",
    "account_id",
    "contact_stage_id",
)


def _stable_id(kind: str, name: str) -> str:
    # Same organisation name -> same id across contacts, like Apollo's org matching.
    return hashlib.sha1(f"{kind}:{name.strip().lower()}".encode()).hexdigest()[:24]


def _error(message: str, status: int = 422) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def _validate(state: MockState, body: dict[str, Any]) -> Response | None:
    for field in ("account_id", "contact_stage_id"):
        value = body.get(field)
        if value not in (None, "") and not (isinstance(value, str) and _HEX24.match(value)):
            return _error(f"Parameters misconfigured. {value} is not a valid ID")
    labels = body.get("label_names")
    if labels is not None and not (
        isinstance(labels, list) and all(isinstance(x, str) for x in labels)
    ):
        return _error("Parameters misconfigured. label_names must be an array of strings")
    if state.settings.apollo_require_names:
        missing = [f for f in ("first_name", "last_name") if not str(body.get(f) or "").strip()]
        if missing:
            return _error(
                "Parameters misconfigured. A contact needs a first_name and a last_name; "
                f"missing: {', '.join(missing)}"
            )
    return None


def _phones(state: MockState, contact: dict[str, Any]) -> None:
    numbers: list[dict[str, Any]] = []
    for field, kind in _PHONE_TYPES.items():
        raw = contact["_raw_phones"].get(field)
        if not raw:
            continue
        parsed = parse_phone(str(raw), state.settings.apollo_default_country)
        numbers.append(
            {
                "raw_number": raw,
                "sanitized_number": e164(parsed) if parsed else None,
                "type": kind,
                "position": len(numbers),
                "status": "no_status",
                "dnc_status": None,
            }
        )
    contact["phone_numbers"] = numbers
    contact["sanitized_phone"] = next(
        (n["sanitized_number"] for n in numbers if n["sanitized_number"]), None
    )


def _labels(state: MockState, names: list[str], now: str) -> list[dict[str, Any]]:
    found = []
    for name in names:
        key = name.strip().lower()
        label = state.apollo_labels.get(key)
        if label is None:  # Unknown label names are created on the fly.
            label = {
                "id": state.ids.hex24(),
                "modality": "contacts",
                "cached_count": 0,
                "name": name.strip(),
                "created_at": now,
                "updated_at": now,
                "user_id": USER_ID,
            }
            state.apollo_labels[key] = label
        found.append(label)
    return found


def _apply(state: MockState, contact: dict[str, Any], body: dict[str, Any], now: str) -> None:
    """Fields sent overwrite, omitted ones stay, empty ones clear (Apollo's upsert rule)."""
    for field in _PLAIN_FIELDS:
        if field in body:
            contact[field] = body[field] if body[field] not in ("", None) else None
    for field in _PHONE_TYPES:
        if field in body:
            contact["_raw_phones"][field] = body[field] if body[field] not in ("", None) else None
    if "typed_custom_fields" in body and isinstance(body["typed_custom_fields"], dict):
        contact["typed_custom_fields"].update(body["typed_custom_fields"])
    first, last = contact.get("first_name") or "", contact.get("last_name") or ""
    contact["name"] = f"{first} {last}".strip() or None
    org = contact.get("organization_name")
    contact["organization_id"] = _stable_id("org", org) if org else None
    if org and not contact.get("account_id"):
        contact["account_id"] = _stable_id("account", org)
    email = contact.get("email")
    contact["email"] = email.strip().lower() if isinstance(email, str) and email else None
    contact["email_status"] = "verified" if contact["email"] else None
    contact["contact_emails"] = (
        [{"email": contact["email"], "email_status": "verified", "position": 0}]
        if contact["email"]
        else []
    )
    _phones(state, contact)
    labels = _labels(state, body.get("label_names") or [], now)
    for label in labels:
        if label["id"] not in contact["label_ids"]:
            contact["label_ids"].append(label["id"])
            label["cached_count"] += 1
    contact["updated_at"] = now


def _new_contact(state: MockState, now: str) -> dict[str, Any]:
    return {
        **dict.fromkeys(_PLAIN_FIELDS),
        "_raw_phones": {},
        "id": state.ids.hex24(),
        "contact_stage_id": DEFAULT_STAGE_ID,
        "owner_id": USER_ID,
        "creator_id": USER_ID,
        "person_id": None,
        "account_id": None,
        "source": "api",
        "original_source": "api",
        "source_display_name": "Created from API",
        "label_ids": [],
        "typed_custom_fields": {},
        "custom_field_errors": {},
        "emailer_campaign_ids": [],
        "created_at": now,
    }


def _find_by_email(state: MockState, email: Any) -> dict[str, Any] | None:
    if not isinstance(email, str) or not email.strip():
        return None
    wanted = email.strip().lower()
    for contact in state.apollo_contacts.values():
        if wanted in {e["email"] for e in contact["contact_emails"]}:
            return contact
    return None


def create_contact(state: MockState, request: Request, raw: bytes) -> Response:
    """``POST /api/v1/contacts``."""
    auth = request.headers.get("authorization", "")
    offered = request.headers.get("x-api-key") or auth.removeprefix("Bearer ").strip()
    if not state.accepts("apollo_api_key", offered or None):
        return PlainTextResponse(INVALID_KEY, status_code=401)
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return _error("The request body is not valid JSON.", 400)
    if not isinstance(body, dict):
        return _error("The request body must be a JSON object.", 400)
    if (problem := _validate(state, body)) is not None:
        return problem
    now = iso_millis_z(state.now())
    dedupe = body.get("run_dedupe") in (True, "true", "1", 1)
    existing = _find_by_email(state, body.get("email")) if dedupe else None
    contact = existing if existing is not None else _new_contact(state, now)
    _apply(state, contact, body, now)
    state.apollo_contacts[contact["id"]] = contact
    labels = [
        label for label in state.apollo_labels.values() if label["id"] in contact["label_ids"]
    ]
    public = {k: v for k, v in contact.items() if not k.startswith("_")}
    answer: dict[str, Any] = {"contact": public, "labels": labels}
    if existing is not None:
        answer["contact"]["dedupe_result"] = {
            "found_existing": True,
            "match_reason": "email_match",
            "existing_contact_id": existing["id"],
        }
    return JSONResponse(answer, status_code=200)


_FAMILIES = (("minute", "apollo_minute"), ("hourly", "apollo_hourly"), ("daily", "apollo_daily"))


def _rate_headers(state: MockState, exhausted: str | None = None) -> dict[str, str]:
    now = state.now()
    headers = {}
    for family, key in _FAMILIES:
        window = state.windows[key]
        used = window.limit if family == exhausted else window.used(now)
        headers[f"x-rate-limit-{family}"] = str(window.limit)
        headers[f"x-{family}-usage"] = str(used)
        headers[f"x-{family}-requests-left"] = str(max(0, window.limit - used))
    return headers


def _count(state: MockState) -> bool:
    now = state.now()
    # A list, not any(generator): every family counts the request, even past a full one.
    over = [state.windows[key].hit(now) > state.windows[key].limit for _, key in _FAMILIES]
    return any(over)


def _decorate(state: MockState, response: Response) -> None:
    response.headers.update(_rate_headers(state))


def _too_many(state: MockState) -> Response:
    headers = _rate_headers(state, exhausted="hourly")
    headers["retry-after"] = str(state.settings.retry_after)
    return JSONResponse({"message": RATE_LIMITED}, status_code=429, headers=headers)


FLAVOR = Flavor("apollo", count=_count, decorate=_decorate, too_many=_too_many)
