"""Mock Outreach prospects: create, find by email, get and update (JSON:API).

``POST /api/v2/prospects`` insists on JSON:API (415 otherwise), validates attributes
against the OpenAPI catalogue, rejects an email another prospect holds with 422 ("email
hash has already been taken") and answers 201. ``GET /api/v2/prospects?filter[emails]=``
finds by email through an index; ``GET/PATCH /api/v2/prospects/{id}`` read and update.
Every answer to a valid token carries ``X-RateLimit-*`` for that token's user (10,000 an
hour). The OAuth side is in :mod:`signaltui.mock.outreach_oauth`.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from signaltui import outreach_attributes as schema
from signaltui.mock.ids import iso_millis_z
from signaltui.mock.outreach_oauth import bearer_claims, token, use_bearer
from signaltui.mock.routing import Flavor, LimitCheck
from signaltui.mock.state import MockState

__all__ = ["FLAVOR", "create_prospect", "find_prospects", "get_prospect", "token"]

JSONAPI = "application/vnd.api+json"
BASE = "https://api.outreach.io/api/v2"
DUPLICATE = "Contacts email hash has already been taken."
EXCLUDED = "Contacts contact is using an excluded email address."
NO_CHANGE = "A Contact with this email_hash already exists."


def _api_error(status: int, id_: str, title: str, detail: str, pointer: str | None) -> Response:
    error: dict[str, Any] = {"id": id_, "title": title, "detail": detail}
    if pointer is not None:
        error["source"] = {"pointer": pointer}
    return JSONResponse({"errors": [error]}, status_code=status, media_type=JSONAPI)


def _invalid(detail: str, pointer: str) -> Response:
    return _api_error(422, "validationError", "Validation Error", detail, pointer)


def _unauthorized() -> Response:
    response = _api_error(
        401, "unauthorized", "Unauthorized", "The access token is invalid or has expired.", None
    )
    response.headers["www-authenticate"] = 'Bearer realm="Doorkeeper", error="invalid_token"'
    return response


def _not_found(prospect_id: Any) -> Response:
    detail = f"Could not find 'prospect' with ID '{prospect_id}'."
    return _api_error(404, "resourceNotFound", "Resource Not Found", detail, None)


def _checked_data(request: Request, raw: bytes) -> Response | dict[str, Any]:
    """The checked ``data`` object of a request's JSON:API body, or the 415/400/422
    answer to send instead."""
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
    return _validate(document)


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


def _emails(attributes: dict[str, Any]) -> list[str]:
    return [e.strip().lower() for e in attributes.get("emails") or []]


def _email_problem(state: MockState, emails: list[str], own_id: int | None) -> Response | None:
    domains = {e.rsplit("@", 1)[-1] for e in emails}
    if domains & {d.lower() for d in state.settings.outreach_excluded_domains}:
        return _invalid(EXCLUDED, "/data")
    if any(state.outreach_by_email.get(e, own_id) != own_id for e in emails):
        return _invalid(DUPLICATE, "/data")
    return None


def create_prospect(state: MockState, request: Request, raw: bytes) -> Response:
    """``POST /api/v2/prospects``."""
    if not use_bearer(state, request):
        return _unauthorized()
    checked = _checked_data(request, raw)
    if isinstance(checked, Response):
        return checked
    attributes = dict(checked.get("attributes") or {})
    emails = _emails(attributes)
    if (problem := _email_problem(state, emails, None)) is not None:
        return problem
    state.counters.bump(state.counters.created, "outreach")
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
    for email in emails:
        state.outreach_by_email[email] = prospect_id
    return JSONResponse({"data": resource}, status_code=201, media_type=JSONAPI)


def find_prospects(state: MockState, request: Request, raw: bytes) -> Response:
    """``GET /api/v2/prospects?filter[emails]=a@x.com,b@y.com`` (other filters: all)."""
    if not use_bearer(state, request):
        return _unauthorized()
    wanted = request.query_params.get("filter[emails]")
    if wanted is None:
        ids = list(state.outreach_prospects)
    else:
        emails = [e.strip().lower() for e in wanted.split(",") if e.strip()]
        ids = sorted({state.outreach_by_email[e] for e in emails if e in state.outreach_by_email})
    size = request.query_params.get("page[size]", "50")
    shown = ids[: int(size) if size.isdigit() and int(size) > 0 else 50]
    data = [state.outreach_prospects[i]["resource"] for i in shown]
    return JSONResponse(
        {"data": data, "meta": {"count": len(ids)}, "links": {"first": f"{BASE}/prospects"}},
        media_type=JSONAPI,
    )


def _prospect(state: MockState, request: Request) -> dict[str, Any] | Response:
    raw_id = request.path_params["prospect_id"]
    record = state.outreach_prospects.get(int(raw_id)) if raw_id.isdigit() else None
    return record if record is not None else _not_found(raw_id)


def get_prospect(state: MockState, request: Request, raw: bytes) -> Response:
    """``GET /api/v2/prospects/{id}``."""
    if not use_bearer(state, request):
        return _unauthorized()
    record = _prospect(state, request)
    if isinstance(record, Response):
        return record
    return JSONResponse({"data": record["resource"]}, media_type=JSONAPI)


def update_prospect(state: MockState, request: Request, raw: bytes) -> Response:
    """``PATCH /api/v2/prospects/{id}``: attributes sent replace the stored ones."""
    if not use_bearer(state, request):
        return _unauthorized()
    record = _prospect(state, request)
    if isinstance(record, Response):
        return record
    checked = _checked_data(request, raw)
    if isinstance(checked, Response):
        return checked
    resource = record["resource"]
    if str(checked.get("id", resource["id"])) != str(resource["id"]):
        return _invalid("The id in the body does not match the URL.", "/data/id")
    attributes = dict(checked.get("attributes") or {})
    current = resource["attributes"]
    if attributes and all(current.get(k) == v for k, v in attributes.items()):
        # Outreach answers a PATCH that changes nothing with this 422 (seen by JF).
        return _api_error(
            422, "validationDuplicateValueError", "Validation Duplicate Value Error",
            NO_CHANGE, "/data",
        )  # fmt: skip
    if "emails" in attributes:
        emails = _emails(attributes)
        if (problem := _email_problem(state, emails, resource["id"])) is not None:
            return problem
        for email in record["_emails"]:
            state.outreach_by_email.pop(email, None)
        for email in emails:
            state.outreach_by_email[email] = resource["id"]
        record["_emails"] = emails
    current.update(attributes, updatedAt=iso_millis_z(state.now()))
    return JSONResponse({"data": resource}, media_type=JSONAPI)


def _check(state: MockState, request: Request, group: str) -> LimitCheck | None:
    claims = bearer_claims(state, request)
    if claims is None:
        return None  # no user to count against; the 401 says so
    return _window_check(state, claims.client, forced=False)


def _window_check(state: MockState, user: str, *, forced: bool) -> LimitCheck:
    now, limit = state.now(), state.settings.outreach_limit_per_hour
    window = state.windows.get("outreach", user, limit, 3600.0)
    used = limit + 1 if forced else window.hit(now)
    check = LimitCheck(key=user)
    if used > limit:
        check.exhausted, check.family = window, "hour"
    check.headers = {
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": str(max(0, limit - used)),
        "x-ratelimit-reset": str(math.ceil(window.reset_at(now))),
    }
    return check


def _forced(state: MockState, request: Request, group: str) -> LimitCheck:
    claims = bearer_claims(state, request)
    return _window_check(state, claims.client if claims else "-", forced=True)


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _too_many(state: MockState, check: LimitCheck, group: str, retry_after: int) -> Response:
    now, limit = state.now(), state.settings.outreach_limit_per_hour
    detail = (
        f"You have exceeded your permitted rate limit of {limit:,}; "
        f"please try again at {_iso(now + retry_after)}."
    )
    response = _api_error(429, "rateLimitExceeded", "Rate Limit Exceeded", detail, None)
    response.headers.update(
        {**check.headers, "x-ratelimit-reset": str(math.ceil(now + retry_after))}
    )
    response.headers["retry-after"] = str(retry_after)
    return response


def _maintenance(state: MockState, seconds: float) -> Response:
    until = _iso(state.now() + max(1.0, seconds))
    detail = f"The API is down for scheduled maintenance; please try again at {until}."
    response = _api_error(
        503, "scheduledServerMaintenance", "Scheduled Server Maintenance", detail, None
    )
    response.headers["retry-after"] = until + "Z"
    return response


FLAVOR = Flavor(
    "outreach", check=_check, forced=_forced, too_many=_too_many, maintenance=_maintenance
)
