"""Mock Apollo reads and updates: ``GET/PATCH /api/v1/contacts/{id}`` and contact search.

``POST /api/v1/contacts/search`` takes ``q_keywords`` (matched against name, email and
company; an email is an exact index look-up) or ``email``, and pages like Apollo's search
endpoints (``page``, ``per_page``, ``pagination``). Updates follow the create rules:
fields sent overwrite, omitted fields stay, empty ones clear.
"""

from __future__ import annotations

import math
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from signaltui.mock import apollo
from signaltui.mock.state import MockState

_SEARCH_FIELDS = ("name", "email", "organization_name", "title")


def _contact(state: MockState, request: Request) -> dict[str, Any] | Response:
    """The contact the URL names, or the answer instead (401 for a refused key, then 404)."""
    if (denied := apollo.refused(state, request)) is not None:
        return denied
    contact = state.apollo_contacts.get(request.path_params["contact_id"])
    if contact is None:
        return JSONResponse({"error": "Contact not found"}, status_code=404)
    return contact


def get_contact(state: MockState, request: Request, raw: bytes) -> Response:
    """``GET /api/v1/contacts/{id}``."""
    contact = _contact(state, request)
    if isinstance(contact, Response):
        return contact
    return JSONResponse(
        {"contact": apollo.public(state, contact), "labels": apollo.labels_of(state, contact)}
    )


def update_contact(state: MockState, request: Request, raw: bytes) -> Response:
    """``PATCH`` (or ``PUT``) ``/api/v1/contacts/{id}``."""
    contact = _contact(state, request)
    if isinstance(contact, Response):
        return contact
    body = apollo.json_object(raw)
    if isinstance(body, Response):
        return body
    if (problem := apollo.validate(state, body, creating=False)) is not None:
        return problem
    apollo.update(state, contact, body)
    return JSONResponse(
        {"contact": apollo.public(state, contact), "labels": apollo.labels_of(state, contact)}
    )


def _matches(contact: dict[str, Any], words: list[str]) -> bool:
    text = " ".join(str(contact.get(f) or "") for f in _SEARCH_FIELDS).lower()
    return all(word in text for word in words)


def _number(value: Any, default: int, ceiling: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(1, number), ceiling)


def search_contacts(state: MockState, request: Request, raw: bytes) -> Response:
    """``POST /api/v1/contacts/search``: ``q_keywords`` or ``email``, paged."""
    if (denied := apollo.refused(state, request)) is not None:
        return denied
    body = apollo.json_object(raw)
    if isinstance(body, Response):
        return body
    params = {**dict(request.query_params), **body}
    keywords = str(params.get("q_keywords") or "").strip().lower()
    email = params.get("email")
    if isinstance(email, str) and email.strip():
        found = apollo.find_by_email(state, email)
    elif "@" in keywords and " " not in keywords:
        found = apollo.find_by_email(state, keywords)
    else:
        words = keywords.split()
        found = [c for c in state.apollo_contacts.values() if _matches(c, words)]
    page = _number(params.get("page"), 1, 500)
    per_page = _number(params.get("per_page"), 25, 100)
    shown = found[(page - 1) * per_page : page * per_page]
    return JSONResponse(
        {
            "contacts": [apollo.public(state, c) for c in shown],
            "breadcrumbs": [],
            "pagination": {
                "page": page,
                "per_page": per_page,
                "total_entries": len(found),
                "total_pages": math.ceil(len(found) / per_page),
            },
        }
    )
