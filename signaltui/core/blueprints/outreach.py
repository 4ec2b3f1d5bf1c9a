"""Outreach: lead events become prospects (POST /api/v2/prospects, JSON:API, OAuth)."""

from __future__ import annotations

from typing import Any

from signaltui.core.blueprints.base import Blueprint, BuiltBody
from signaltui.core.config import MappingConfig
from signaltui.core.decision import TraceRow
from signaltui.core.fields import PHONE_OMIT_RULE, EventFacts

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

_NO_EMAIL = "Outreach dedupes prospects on email, so an email trait is required"
_ADDRESS = (("city", "addressCity"), ("state", "addressState"), ("country", "addressCountry"))


def build_prospect(facts: EventFacts, config: MappingConfig) -> BuiltBody:
    """The JSON:API prospect document, in the field order of the Outreach spec's example.

    Fields are written inline rather than through a helper: this runs for every
    delivered event, and each present field is one attribute plus one trace entry.
    """
    email = facts.email
    if email is None:
        warnings = [] if facts.email_warning is None else [facts.email_warning]
        return BuiltBody(None, [], warnings, "missing_email", _NO_EMAIL)
    trace: list[TraceRow] = []
    warnings = []
    add = trace.append
    attributes: dict[str, Any] = {"emails": [email]}
    add(("emails", facts.email_source, "trim + lowercase", False))
    if facts.first is not None:
        attributes["firstName"] = _fit(warnings, "firstName", facts.first)
        add(("firstName", facts.first_source, "trim", False))
    if facts.last is not None:
        attributes["lastName"] = _fit(warnings, "lastName", facts.last)
        add(("lastName", facts.last_source, "trim", False))
    if facts.person_name is not None:
        attributes["name"] = facts.person_name
        add(("name", facts.person_name_source, facts.person_name_rule, False))
    title = facts.title
    if title is not None:
        title = _fit(warnings, "title", title)
        attributes["title"] = title
        add(("title", facts.title_source, "trim", False))
        attributes["occupation"] = title
        add(("occupation", facts.title_source, "job title, copied from title", False))
    if facts.company is not None:
        attributes["company"] = facts.company
        add(("company", facts.company_source, "company name", False))
    phone, phone_error = facts.phone(config.default_region)
    if phone is not None:
        attributes["mobilePhones"] = [phone]
        add(("mobilePhones", facts.phone_source, "e164", False))
    elif phone_error is not None:
        add(("mobilePhones[]", facts.phone_source, PHONE_OMIT_RULE, True))
        warnings.append(f"{phone_error}; mobilePhones[] was left out")
    address = facts.address
    for part, attribute in _ADDRESS:
        value, source = address[part]
        if value is not None:
            attributes[attribute] = _fit(warnings, attribute, value)
            add((attribute, source, "trim", False))
    event_name = facts.name
    attributes["tags"] = ["Signal", EVENT_TAGS[event_name]]
    add(("tags", "event", f"Lead Capture preset tag for {event_name!r}", False))
    return BuiltBody({"data": {"type": "prospect", "attributes": attributes}}, trace, warnings)


def _fit(warnings: list[str], attribute: str, value: str) -> str:
    """``value`` cut to Outreach's length limit for ``attribute``, with a warning if cut.

    Outreach answers 422 to the whole prospect when one of these strings is too long;
    delivering a shortened title beats losing the lead, and the warning says so.
    """
    if len(value) <= MAX_STRING:
        return value
    warnings.append(
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
