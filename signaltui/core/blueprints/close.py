"""Close: lead events become leads with a nested contact (POST /api/v1/lead/, Basic)."""

from __future__ import annotations

from typing import Any

from signaltui.core.blueprints.base import Blueprint, BuiltBody
from signaltui.core.config import MappingConfig
from signaltui.core.decision import TraceEntry
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
    trace: list[TraceEntry] = []
    warnings = []
    add = trace.append
    # A lead is never created nameless: company, then last name, then email.
    if facts.company:
        body["name"] = facts.company
        add(TraceEntry("name", facts.company_source, "lead name from company"))
    elif facts.last:
        body["name"] = facts.last
        add(TraceEntry("name", facts.last_source, _NAME_FROM_LAST))
    else:
        body["name"] = email
        add(TraceEntry("name", email_source, _NAME_FROM_EMAIL))
    status_id = config.close_lead_status_id
    if status_id:
        body["status_id"] = status_id
        add(TraceEntry("status_id", "config.close_lead_status_id", "configured"))
    if facts.page_url is not None:
        body["url"] = facts.page_url
        add(TraceEntry("url", "context.page.url", "page URL"))
    description, description_source = facts.lead_type
    if description is not None:
        body["description"] = description
        add(TraceEntry("description", description_source, "lead type"))

    contact: dict[str, Any] = {}
    if facts.person_name is not None:
        contact["name"] = facts.person_name
        add(TraceEntry("contacts[0].name", facts.person_name_source, facts.person_name_rule))
    if facts.title is not None:
        contact["title"] = facts.title
        add(TraceEntry("contacts[0].title", facts.title_source, "trim"))
    contact["emails"] = [{"email": email}]
    add(TraceEntry(_EMAIL_FIELD, email_source, "trim + lowercase"))
    phone, phone_error = facts.phone(config.default_region)
    if phone is not None:
        contact["phones"] = [{"phone": phone}]
        add(TraceEntry(_PHONE_FIELD, facts.phone_source, "e164"))
    elif phone_error is not None:
        add(TraceEntry(_PHONE_FIELD, facts.phone_source, PHONE_OMIT_RULE, True))
        warnings.append(f"{phone_error}; {_PHONE_FIELD} was left out")
    body["contacts"] = [contact]

    for field_id, path in config.close_custom_fields.items():
        raw = path_value(facts, path)
        custom_value = raw if isinstance(raw, bool | int | float) else clean_text(raw)
        key = f"custom.{field_id}"
        if custom_value is None:
            add(TraceEntry(key, path, "custom field mapping: no value in the event", True))
        else:
            body[key] = custom_value
            add(TraceEntry(key, path, "custom field mapping"))
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
