"""Looking before sending again: did a create whose answer was lost reach the CRM?

None of the three create endpoints takes an idempotency key, so after an *ambiguous*
failure (the request was written but no answer came back, or a gateway answered 502,
503 or 504) a blind re-send can create the lead twice. Each CRM has a read that finds
a record by the contact's email, and that is asked first:

- Close: ``GET /api/v1/lead/?query=email:"…"`` (leads hold contacts with emails);
- Outreach: ``GET /api/v2/prospects?filter[emails]=…`` (JSON:API);
- Apollo: ``POST /api/v1/contacts/search`` with ``q_keywords`` set to the email.

A match is checked here on the returned records (the email must be on the record), so a
fuzzy search answer never counts as "found".
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import httpx

from signaltui.core.request import OutboundRequest
from signaltui.delivery.auth import base_url_of

#: Statuses a gateway or a busy CRM sends when the request may or may not have been applied.
AMBIGUOUS_STATUSES = frozenset({502, 503, 504})

#: The Outreach 422 detail for a prospect whose email exists already.
OUTREACH_DUPLICATE = "email hash has already been taken"


def is_ambiguous_error(exc: BaseException | None) -> bool:
    """Whether a transport failure may have happened after the request was written.

    A connect error or a connect/pool timeout means nothing reached the server; a read
    or write timeout, a read or write error, or the server closing the connection
    without an answer all leave it open whether the create was applied.
    """
    if exc is None:
        return False
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout | httpx.ConnectError):
        return False
    return isinstance(
        exc,
        httpx.ReadTimeout
        | httpx.WriteTimeout
        | httpx.ReadError
        | httpx.WriteError
        | httpx.RemoteProtocolError,
    )


def contact_email(destination: str, body: Any) -> str | None:
    """The lead's email in a planned create body, lowercased; ``None`` when absent."""
    try:
        if destination == "apollo":
            value = body.get("email")
        elif destination == "outreach":
            value = (body["data"]["attributes"].get("emails") or [None])[0]
        elif destination == "close":
            value = next(
                (e.get("email") for c in body.get("contacts") or [] for e in c.get("emails") or []),
                None,
            )
        else:
            return None
    except (AttributeError, KeyError, TypeError, IndexError):
        return None
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def lookup_request(destination: str, create: OutboundRequest) -> OutboundRequest | None:
    """The read that finds what ``create`` would have made, or ``None`` if none can.

    GET look-ups carry their query in the URL and an empty body (not sent).
    """
    email = contact_email(destination, create.body)
    if email is None:
        return None
    base = base_url_of(create.url)
    if destination == "close":
        query = urlencode({"query": f'email:"{email}"'})
        return OutboundRequest("GET", f"{base}/api/v1/lead/?{query}", create.auth, {})
    if destination == "outreach":
        query = urlencode({"filter[emails]": email})
        headers = {"Content-Type": "application/vnd.api+json"}
        return OutboundRequest("GET", f"{base}/api/v2/prospects?{query}", create.auth, {}, headers)
    if destination == "apollo":
        body = {"q_keywords": email, "page": 1, "per_page": 25}
        return OutboundRequest("POST", f"{base}/api/v1/contacts/search", create.auth, body)
    return None


def _emails_of(values: Any) -> set[str]:
    found: set[str] = set()
    for value in values if isinstance(values, list) else []:
        if isinstance(value, dict):
            value = value.get("email")
        if isinstance(value, str):
            found.add(value.strip().lower())
    return found


def found_id(destination: str, email: str, body: Any) -> str | None:
    """The id of the record in a look-up answer whose email is ``email``; else ``None``."""
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return None
    if not isinstance(body, dict):
        return None
    if destination == "close":
        for lead in body.get("data") or []:
            contacts = lead.get("contacts") if isinstance(lead, dict) else None
            for contact in contacts or []:
                if isinstance(contact, dict) and email in _emails_of(contact.get("emails")):
                    return str(lead.get("id"))
    elif destination == "outreach":
        for item in body.get("data") or []:
            attributes = item.get("attributes") if isinstance(item, dict) else None
            if isinstance(attributes, dict) and email in _emails_of(attributes.get("emails")):
                return str(item.get("id"))
    elif destination == "apollo":
        for contact in body.get("contacts") or []:
            if not isinstance(contact, dict):
                continue
            emails = _emails_of([contact.get("email")]) | _emails_of(contact.get("contact_emails"))
            if email in emails:
                return str(contact.get("id"))
    return None


def created_id(destination: str, body: Any) -> str | None:
    """The id of the record a create's 2xx answer carries, or ``None`` when it has none.

    Each spec says the success answer holds the new record with its id (Apollo
    ``contact.id``, Outreach ``data.id``, Close ``id``); an answer that is not JSON, or
    JSON without that id, does not say what was created.
    """
    if not isinstance(body, dict):
        return None
    holder: Any = body
    if destination == "apollo":
        holder = body.get("contact")
    elif destination == "outreach":
        holder = body.get("data")
    value = holder.get("id") if isinstance(holder, dict) else None
    if isinstance(value, bool) or value is None or value == "":
        return None
    return str(value) if isinstance(value, str | int) else None


def is_outreach_duplicate(destination: str, status: int, body: Any) -> bool:
    """An Outreach 422 saying a prospect with this email already exists."""
    if destination != "outreach" or status != 422:
        return False
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors if isinstance(errors, list) else []:
        detail = error.get("detail") if isinstance(error, dict) else None
        if isinstance(detail, str) and OUTREACH_DUPLICATE in detail.lower():
            return True
    return False
