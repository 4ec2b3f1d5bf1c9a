"""Mock Apollo.io: ``POST /api/v1/contacts`` (Create a Contact), as the real API answers.

Shapes follow Apollo's vendor OpenAPI: HTTP 200 ``{contact, labels}``, 24-hex ids, no
dedupe unless ``run_dedupe`` is true (then ``dedupe_result`` beside ``contact``), 401 as
text/plain without rate headers, 422/429 as JSON, and the minute, hourly and 24-hour
rate-limit header families on every other answer, counted per endpoint. Reads and
updates live in :mod:`signaltui.mock.apollo_reads`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from signaltui import apollo_fields
from signaltui.mock.ids import iso_millis_z
from signaltui.mock.phones import e164, parse_phone
from signaltui.mock.routing import Flavor, LimitCheck, unavailable
from signaltui.mock.state import DAY, MockState

INVALID_KEY = (
    "Invalid API key. See https://docs.apollo.io/reference/authentication for how to authenticate."
)
RATE_LIMITED = (
    "The maximum number of api calls allowed for {endpoint} is {limit} times per {per}. "
    "Please upgrade your plan from https://app.apollo.io/#/settings/plans/upgrade."
)
# The mock team's one user and default contact stage (fixed, like a real account's).
USER_ID = "5f8a1c2e9b3d4a0017e6c0d1"
DEFAULT_STAGE_ID = "5f8a1c2e9b3d4a0017e6c0d2"

_HEX24 = re.compile(r"^[0-9a-f]{24}$")
_PHONE_TYPES = apollo_fields.PHONE_TYPES
_PLAIN_FIELDS = apollo_fields.PLAIN_FIELDS


def _stable_id(kind: str, name: str) -> str:
    # Same organisation name -> same id across contacts, like Apollo's org matching.
    return hashlib.sha1(f"{kind}:{name.strip().lower()}".encode()).hexdigest()[:24]


def _error(message: str, status: int = 422) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def validate(state: MockState, body: dict[str, Any], *, creating: bool) -> Response | None:
    """Apollo's 422 for a body it would refuse (names are only required on create)."""
    for field in ("account_id", "contact_stage_id"):
        value = body.get(field)
        if value not in (None, "") and not (isinstance(value, str) and _HEX24.match(value)):
            return _error(f"Parameters misconfigured. {value} is not a valid ID")
    labels = body.get("label_names")
    if labels is not None and not (
        isinstance(labels, list) and all(isinstance(x, str) for x in labels)
    ):
        return _error("Parameters misconfigured. label_names must be an array of strings")
    if creating and state.settings.apollo_require_names:
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
    state.unindex_email(state.apollo_by_email, contact.pop("_indexed", None), contact["id"])
    contact["email"] = email.strip().lower() if isinstance(email, str) and email else None
    state.index_email(state.apollo_by_email, contact["email"], contact["id"])
    contact["_indexed"] = contact["email"]
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


def find_by_email(state: MockState, email: Any) -> list[dict[str, Any]]:
    """Contacts whose email is ``email`` (case-insensitive), oldest first (an index look-up)."""
    if not isinstance(email, str) or not email.strip():
        return []
    ids = state.apollo_by_email.get(email.strip().lower(), [])
    return [state.apollo_contacts[i] for i in ids if i in state.apollo_contacts]


def offered_key(request: Request) -> str | None:
    """The API key a request offers (``x-api-key`` or an OAuth bearer)."""
    auth = request.headers.get("authorization", "")
    return request.headers.get("x-api-key") or auth.removeprefix("Bearer ").strip() or None


def refused(state: MockState, request: Request) -> Response | None:
    """Apollo's text/plain 401 when the key is not accepted, else ``None``."""
    if state.accepts("apollo_api_key", offered_key(request)):
        return None
    return PlainTextResponse(INVALID_KEY, status_code=401)


def json_object(raw: bytes) -> dict[str, Any] | Response:
    """The body as a JSON object, or Apollo's 400 saying why it is not one."""
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return _error("The request body is not valid JSON.", 400)
    if not isinstance(body, dict):
        return _error("The request body must be a JSON object.", 400)
    return body


def public(state: MockState, contact: dict[str, Any]) -> dict[str, Any]:
    """A contact as the API shows it (without the mock's bookkeeping fields)."""
    return {k: v for k, v in contact.items() if not k.startswith("_")}


def labels_of(state: MockState, contact: dict[str, Any]) -> list[dict[str, Any]]:
    """The label objects a contact carries."""
    return [label for label in state.apollo_labels.values() if label["id"] in contact["label_ids"]]


def update(state: MockState, contact: dict[str, Any], body: dict[str, Any]) -> None:
    """Apply ``body`` to an existing contact (fields sent overwrite; omitted stay)."""
    _apply(state, contact, body, iso_millis_z(state.now()))


def create_contact(state: MockState, request: Request, raw: bytes) -> Response:
    """``POST /api/v1/contacts``."""
    if (denied := refused(state, request)) is not None:
        return denied
    body = json_object(raw)
    if isinstance(body, Response):
        return body
    if (problem := validate(state, body, creating=True)) is not None:
        return problem
    now = iso_millis_z(state.now())
    dedupe = body.get("run_dedupe") in (True, "true", "1", 1)
    matches = find_by_email(state, body.get("email")) if dedupe else []
    existing = matches[0] if matches else None
    contact = existing if existing is not None else _new_contact(state, now)
    _apply(state, contact, body, now)
    state.apollo_contacts[contact["id"]] = contact
    if existing is None:
        state.counters.bump(state.counters.created, "apollo")
    answer: dict[str, Any] = {
        "contact": public(state, contact),
        "labels": labels_of(state, contact),
    }
    if dedupe:
        # Apollo puts the dedupe verdict beside the contact, not inside it.
        answer["dedupe_result"] = (
            {
                "found_existing": True,
                "match_reason": "email_match",
                "existing_contact_id": existing["id"],
            }
            if existing is not None
            else {"found_existing": False}
        )
    return JSONResponse(answer, status_code=200)


#: (header family, word in the 429 text, real window seconds); limits from the settings.
_FAMILIES = (("minute", "minute", 60.0), ("hourly", "hour", 3600.0), ("24-hour", "day", DAY))


def _endpoint(group: str) -> str:
    # "POST /api/v1/contacts" -> "api/v1/contacts", as Apollo names it in its 429 text.
    return group.split(" ", 1)[-1].strip("/").replace("{contact_id}", "id")


def _limits(state: MockState, request: Request, group: str, *, forced: bool) -> LimitCheck:
    now = state.now()
    check = LimitCheck(key=_endpoint(group))
    for (family, per, seconds), limit in zip(_FAMILIES, state.settings.apollo_limits, strict=True):
        window = state.windows.get(f"apollo {family}", check.key, limit, seconds)
        used = window.used(now) if forced else window.hit(now)
        if forced and family == "hourly":
            used = limit + 1
        if used > limit and (
            check.exhausted is None or window.reset_at(now) > check.exhausted.reset_at(now)
        ):
            check.exhausted, check.family = window, per
        check.headers[f"x-rate-limit-{family}"] = str(limit)
        check.headers[f"x-{family}-usage"] = str(min(used, limit))
        check.headers[f"x-{family}-requests-left"] = str(max(0, limit - used))
    return check


def _check(state: MockState, request: Request, group: str) -> LimitCheck | None:
    # A refused key is answered before any counting, and its 401 carries no rate headers.
    if refused(state, request) is not None:
        return None
    return _limits(state, request, group, forced=False)


def _forced(state: MockState, request: Request, group: str) -> LimitCheck:
    return _limits(state, request, group, forced=True)


def _too_many(state: MockState, check: LimitCheck, group: str, retry_after: int) -> Response:
    limit = check.exhausted.limit if check.exhausted is not None else 0
    message = RATE_LIMITED.format(endpoint=check.key, limit=limit, per=check.family or "hour")
    headers = {**check.headers, "retry-after": str(retry_after)}
    return JSONResponse({"message": message}, status_code=429, headers=headers)


def _maintenance(state: MockState, seconds: float) -> Response:
    # Apollo documents no maintenance answer; a 503 with Retry-After as an edge gives it.
    response = unavailable()
    response.headers["retry-after"] = str(max(1, math.ceil(seconds)))
    return response


FLAVOR = Flavor(
    "apollo", check=_check, forced=_forced, too_many=_too_many, maintenance=_maintenance
)
