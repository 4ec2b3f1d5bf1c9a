"""Close: lead events become leads with a nested contact (POST /api/v1/lead/, Basic)."""

from __future__ import annotations

from typing import Any

from signaltui.core.blueprints.base import Blueprint, BuiltBody
from signaltui.core.config import MappingConfig
from signaltui.core.decision import TraceRow
from signaltui.core.fields import PHONE_OMIT_RULE, EventFacts, path_value
from signaltui.core.normalize import clean_text

_NO_EMAIL = "Close leads are only created for identified users with an email"
_EMAIL_FIELD = "contacts[0].emails[0].email"
_PHONE_FIELD = "contacts[0].phones[0].phone"


def build_lead(facts: EventFacts, config: MappingConfig) -> BuiltBody:
    """The lead body, in the field order of the Close spec's example.

    Fields are written inline rather than through a helper: this runs for every
    delivered event, and each present field is one body key plus one trace entry.
    """
    email = facts.email
    if email is None:
        warnings = [] if facts.email_warning is None else [facts.email_warning]
        return BuiltBody(None, [], warnings, "missing_email", _NO_EMAIL)
    email_source = facts.email_source
    body: dict[str, Any] = {}
    trace: list[TraceRow] = []
    warnings = []
    add = trace.append
    # A lead is never created nameless: company, then last name, then email.
    if facts.company:
        body["name"] = facts.company
        add(("name", facts.company_source, "lead name from company", False))
    elif facts.last:
        body["name"] = facts.last
        add(("name", facts.last_source, _NAME_FROM_LAST, False))
    else:
        body["name"] = email
        add(("name", email_source, _NAME_FROM_EMAIL, False))
    status_id = config.close_lead_status_id
    if status_id:
        body["status_id"] = status_id
        add(("status_id", "config.close_lead_status_id", "configured", False))
    if facts.page_url is not None:
        body["url"] = facts.page_url
        add(("url", "context.page.url", "page URL", False))
    description, description_source = facts.lead_type
    if description is not None:
        body["description"] = description
        add(("description", description_source, "lead type", False))

    contact: dict[str, Any] = {}
    if facts.person_name is not None:
        contact["name"] = facts.person_name
        add(("contacts[0].name", facts.person_name_source, facts.person_name_rule, False))
    if facts.title is not None:
        contact["title"] = facts.title
        add(("contacts[0].title", facts.title_source, "trim", False))
    contact["emails"] = [{"email": email}]
    add((_EMAIL_FIELD, email_source, "trim + lowercase", False))
    phone, phone_error = facts.phone(config.default_region)
    if phone is not None:
        contact["phones"] = [{"phone": phone}]
        add((_PHONE_FIELD, facts.phone_source, "e164", False))
    elif phone_error is not None:
        add((_PHONE_FIELD, facts.phone_source, PHONE_OMIT_RULE, True))
        warnings.append(f"{phone_error}; {_PHONE_FIELD} was left out")
    body["contacts"] = [contact]

    for field_id, path in config.close_custom_fields.items():
        raw = path_value(facts, path)
        custom_value = raw if isinstance(raw, bool | int | float) else clean_text(raw)
        key = f"custom.{field_id}"
        if custom_value is None:
            add((key, path, "custom field mapping: no value in the event", True))
        else:
            body[key] = custom_value
            add((key, path, "custom field mapping", False))
    return BuiltBody(body, trace, warnings)


_NAME_FROM_LAST = "lead name falls back to last name (no company)"
_NAME_FROM_EMAIL = "lead name falls back to email (no company or last name)"

CLOSE = Blueprint(
    destination="close",
    mapped_events=("Lead Submitted", "Demo Requested", "Signed Up"),
    method="POST",
    path="/api/v1/lead/",
    auth="basic",
    headers={"Content-Type": "application/json", "Accept": "application/json"},
    build=build_lead,
)
