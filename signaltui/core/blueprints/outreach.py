"""Outreach: lead events become prospects (POST /api/v2/prospects, JSON:API, OAuth)."""

from __future__ import annotations

from typing import Any

from signaltui.core.blueprints.base import Blueprint, BuiltBody
from signaltui.core.fields import FieldBuilder

JSON_API = "application/vnd.api+json"

#: Outreach's limit for the short string attributes signaltui sends (names, title, address).
MAX_STRING = 255

#: The Lead Capture preset: event -> the tag that says what kind of lead it was.
EVENT_TAGS = {
    "Lead Submitted": "lead",
    "Form Submitted": "form",
    "Signed Up": "signup",
    "Demo Requested": "demo-request",
}


def build_prospect(fields: FieldBuilder) -> BuiltBody:
    """The JSON:API prospect document, in the field order of the Outreach spec's example."""
    email = fields.email("emails[]")
    if email is None:
        return BuiltBody(
            body=None,
            drop_reason="missing_email",
            drop_detail="Outreach dedupes prospects on email, so an email trait is required",
        )
    attributes: dict[str, Any] = {}
    fields.put(attributes, "emails", [email], fields.text_trait("email")[1], "trim + lowercase")
    first, first_source = fields.text_trait("firstName")
    last, last_source = fields.text_trait("lastName")
    fields.put(attributes, "firstName", _fit(fields, "firstName", first), first_source, "trim")
    fields.put(attributes, "lastName", _fit(fields, "lastName", last), last_source, "trim")
    name, name_source, name_rule = fields.person_name()
    fields.put(attributes, "name", name, name_source, name_rule)
    title, title_source = fields.text_trait("title")
    title = _fit(fields, "title", title)
    fields.put(attributes, "title", title, title_source, "trim")
    fields.put(attributes, "occupation", title, title_source, "job title, copied from title")
    company, company_source = fields.company()
    fields.put(attributes, "company", company, company_source, "company name")
    phone, phone_source = fields.phone("mobilePhones[]")
    fields.put(attributes, "mobilePhones", [phone] if phone else None, phone_source, "e164")
    for part, attribute in (
        ("city", "addressCity"),
        ("state", "addressState"),
        ("country", "addressCountry"),
    ):
        value, source = fields.address_part(part)
        fields.put(attributes, attribute, _fit(fields, attribute, value), source, "trim")
    event_name = fields.resolved.event.name
    fields.put(
        attributes,
        "tags",
        ["Signal", EVENT_TAGS[event_name]],
        "event",
        f"Lead Capture preset tag for {event_name!r}",
    )
    return BuiltBody(body={"data": {"type": "prospect", "attributes": attributes}})


def _fit(fields: FieldBuilder, attribute: str, value: str | None) -> str | None:
    """``value`` cut to Outreach's length limit for ``attribute``, with a warning if cut.

    Outreach answers 422 to the whole prospect when one of these strings is too long;
    delivering a shortened title beats losing the lead, and the warning says so.
    """
    if value is None or len(value) <= MAX_STRING:
        return value
    fields.warnings.append(
        f"{attribute} has {len(value)} characters; Outreach allows {MAX_STRING}, "
        f"so it was cut to the first {MAX_STRING}"
    )
    return value[:MAX_STRING]


OUTREACH = Blueprint(
    destination="outreach",
    mapped_events=tuple(EVENT_TAGS),
    method="POST",
    path="/api/v2/prospects",
    auth="oauth_bearer",
    headers={"Content-Type": JSON_API, "Accept": JSON_API},
    build=build_prospect,
)
