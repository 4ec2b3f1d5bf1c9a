"""Mock Close reads and updates: find, get, update and delete leads; ``/me/``; statuses.

``GET /api/v1/lead/?query=…`` understands the parts of Close's search syntax a delivery
client needs: ``email:"a@b.co"`` (an index look-up), ``name:"Acme"``, ``id:lead_…``, and
free words matched against the lead name and its contacts' names and emails. It pages
with ``_limit``/``_skip`` and answers ``{has_more, total_results, data}``.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from signaltui.mock import close
from signaltui.mock.ids import iso_micros_offset
from signaltui.mock.state import MockState

_TERM = re.compile(r"^(email|name|id):(.+)$", re.IGNORECASE)
_UPDATABLE = ("name", "url", "description", "addresses")
NOT_FOUND = "Empty query: Lead matching query does not exist."


def _lead(state: MockState, request: Request) -> dict[str, Any] | Response:
    """The lead the URL names, or the answer instead (401 for a refused key, then 404)."""
    if (denied := close.refused(state, request)) is not None:
        return denied
    lead = state.close_leads.get(request.path_params["lead_id"])
    if lead is None:
        return JSONResponse({"error": NOT_FOUND}, status_code=404)
    return lead


def get_lead(state: MockState, request: Request, raw: bytes) -> Response:
    """``GET /api/v1/lead/{id}/``."""
    lead = _lead(state, request)
    return lead if isinstance(lead, Response) else JSONResponse(lead)


def _words(query: str) -> list[str]:
    try:
        return shlex.split(query)
    except ValueError:  # an unbalanced quote: take the words as they are
        return query.split()


def _text(lead: dict[str, Any]) -> str:
    parts = [lead.get("name") or "", lead.get("display_name") or ""]
    for contact in lead["contacts"]:
        parts.append(contact.get("name") or "")
        parts.extend(item["email"] for item in contact["emails"])
    return " ".join(parts).lower()


def _search(state: MockState, query: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] | None = None
    words: list[str] = []
    for term in _words(query):
        match = _TERM.match(term)
        if match is None:
            words.append(term.lower())
            continue
        field, value = match.group(1).lower(), match.group(2).strip().lower()
        if field == "email":
            ids = state.close_by_email.get(value, [])
            chosen = [state.close_leads[i] for i in ids if i in state.close_leads]
        elif field == "id":
            chosen = [lead for lid, lead in state.close_leads.items() if lid.lower() == value]
        else:
            chosen = [
                lead
                for lead in (found if found is not None else state.close_leads.values())
                if value in (lead.get("name") or "").lower()
            ]
        found = chosen if found is None else [lead for lead in found if lead in chosen]
    pool = found if found is not None else list(state.close_leads.values())
    return [lead for lead in pool if all(word in _text(lead) for word in words)]


def _int(value: str | None, default: int) -> int:
    return int(value) if value is not None and value.isdigit() else default


def list_leads(state: MockState, request: Request, raw: bytes) -> Response:
    """``GET /api/v1/lead/?query=…&_limit=…&_skip=…``."""
    if (denied := close.refused(state, request)) is not None:
        return denied
    params = request.query_params
    found = _search(state, params.get("query", ""))
    skip, limit = _int(params.get("_skip"), 0), min(_int(params.get("_limit"), 100), 200)
    page = found[skip : skip + limit]
    return JSONResponse(
        {"has_more": skip + len(page) < len(found), "total_results": len(found), "data": page}
    )


def update_lead(state: MockState, request: Request, raw: bytes) -> Response:
    """``PUT /api/v1/lead/{id}/``: the fields sent replace the stored ones."""
    lead = _lead(state, request)
    if isinstance(lead, Response):
        return lead
    body = close.json_body(request, raw)
    if isinstance(body, Response):
        return body
    if "status" in body or "status_id" in body:
        status = close.check_status(state, body)
        if isinstance(status, Response):
            return status
        lead["status_id"], lead["status_label"] = status
    for field in _UPDATABLE:
        if field in body:
            lead[field] = body[field]
    lead.update({k: v for k, v in body.items() if k.startswith("custom.cf_")})
    lead["display_name"] = lead["name"] or lead["display_name"]
    lead["date_updated"] = iso_micros_offset(state.now())
    return JSONResponse(lead)


def delete_lead(state: MockState, request: Request, raw: bytes) -> Response:
    """``DELETE /api/v1/lead/{id}/``: answers ``{}``."""
    lead = _lead(state, request)
    if isinstance(lead, Response):
        return lead
    close.index_lead(state, lead, remove=True)
    del state.close_leads[lead["id"]]
    return JSONResponse({})


def me(state: MockState, request: Request, raw: bytes) -> Response:
    """``GET /api/v1/me/``: the key's user and its one organization."""
    if (denied := close.refused(state, request)) is not None:
        return denied
    return JSONResponse(
        {
            "id": close.USER_ID,
            "first_name": "Mock",
            "last_name": "User",
            "display_name": close.USER_NAME,
            "email": "mock.user@example.com",
            "organizations": [
                {"id": close.ORG_ID, "name": "Mock Organization", "display_name": "Mock"}
            ],
            "date_created": iso_micros_offset(0),
            "date_updated": iso_micros_offset(0),
        }
    )


def lead_statuses(state: MockState, request: Request, raw: bytes) -> Response:
    """``GET /api/v1/status/lead/``: the org's lead statuses, first one the default."""
    if (denied := close.refused(state, request)) is not None:
        return denied
    data = [
        {"id": status_id, "label": label, "organization_id": close.ORG_ID}
        for status_id, label in state.close_statuses.items()
    ]
    return JSONResponse({"has_more": False, "data": data})
