"""Close: lead events become leads with a nested contact (POST /api/v1/lead/, Basic)."""

from __future__ import annotations

from typing import Any

from signaltui.core.blueprints.base import Blueprint, BuiltBody
from signaltui.core.fields import FieldBuilder
from signaltui.core.normalize import clean_text


def build_lead(fields: FieldBuilder) -> BuiltBody:
    """The lead body, in the field order of the Close spec's example."""
    email = fields.email("contacts[0].emails[0].email")
    if email is None:
        return BuiltBody(
            body=None,
            drop_reason="missing_email",
            drop_detail="Close leads are only created for identified users with an email",
        )
    email_source = fields.text_trait("email")[1]
    body: dict[str, Any] = {}
    company, company_source = fields.company()
    last, last_source = fields.text_trait("lastName")
    # A lead is never created nameless: company, then last name, then email.
    for value, source, rule in (
        (company, company_source, "lead name from company"),
        (last, last_source, "lead name falls back to last name (no company)"),
        (email, email_source, "lead name falls back to email (no company or last name)"),
    ):
        if value:
            fields.put(body, "name", value, source, rule)
            break
    status_id = fields.config.close_lead_status_id
    if status_id:
        fields.put(body, "status_id", status_id, "config.close_lead_status_id", "configured")
    fields.put(body, "url", fields.resolved.event.page_url(), "context.page.url", "page URL")
    description, description_source = fields.prop("lead_type", "leadType")
    fields.put(body, "description", description, description_source, "lead type")

    contact: dict[str, Any] = {}
    prefix = "contacts[0]."
    name, name_source, name_rule = fields.person_name()
    fields.put(contact, "name", name, name_source, name_rule, trace_as=prefix + "name")
    title, title_source = fields.text_trait("title")
    fields.put(contact, "title", title, title_source, "trim", trace_as=prefix + "title")
    fields.put(
        contact,
        "emails",
        [{"email": email}],
        email_source,
        "trim + lowercase",
        trace_as=prefix + "emails[0].email",
    )
    phone, phone_source = fields.phone(prefix + "phones[0].phone")
    fields.put(
        contact,
        "phones",
        [{"phone": phone}] if phone else None,
        phone_source,
        "e164",
        trace_as=prefix + "phones[0].phone",
    )
    body["contacts"] = [contact]

    for field_id, path in fields.config.close_custom_fields.items():
        raw = fields.path(path)
        custom_value = raw if isinstance(raw, bool | int | float) else clean_text(raw)
        key = f"custom.{field_id}"
        if custom_value is None:
            fields.omit(key, path, "custom field mapping: no value in the event")
        else:
            fields.put(body, key, custom_value, path, "custom field mapping")
    return BuiltBody(body=body)


CLOSE = Blueprint(
    destination="close",
    mapped_events=("Lead Submitted", "Demo Requested", "Signed Up"),
    method="POST",
    path="/api/v1/lead/",
    auth="basic",
    headers={"Content-Type": "application/json", "Accept": "application/json"},
    build=build_lead,
)
