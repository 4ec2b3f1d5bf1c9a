"""Apollo.io: lead events become contacts (POST /api/v1/contacts, X-Api-Key)."""

from __future__ import annotations

from typing import Any

from signaltui.core.blueprints.base import Blueprint, BuiltBody
from signaltui.core.config import MappingConfig
from signaltui.core.decision import TraceRow
from signaltui.core.fields import PHONE_OMIT_RULE, EventFacts

OPT_IN_LABEL = "Signal - Marketing Opt-in"
_MISSING_NAMES = "missing {}: Apollo rejects contacts without both names"
_NO_EMAIL = "no email: Apollo cannot deduplicate this contact by email"


def build_contact(facts: EventFacts, config: MappingConfig) -> BuiltBody:
    """The contact body, in the field order of the Apollo spec's example.

    Fields are written inline rather than through a helper: this runs for every
    delivered event, and each present field is one body key plus one trace entry.
    """
    body: dict[str, Any] = {}
    trace: list[TraceRow] = []
    warnings: list[str] = []
    add = trace.append
    first, last = facts.first, facts.last
    if first is not None:
        body["first_name"] = first
        add(("first_name", facts.first_source, "trim", False))
    if last is not None:
        body["last_name"] = last
        add(("last_name", facts.last_source, "trim", False))
    if first is None or last is None:
        missing = [
            name for name, value in (("first_name", first), ("last_name", last)) if not value
        ]
        warnings.append(_MISSING_NAMES.format(" and ".join(missing)))
    email = facts.email
    if email is not None:
        body["email"] = email
        add(("email", facts.email_source, "trim + lowercase", False))
    else:
        if facts.email_warning is not None:
            add(("email", facts.email_source, "not a valid email address", True))
            warnings.append(facts.email_warning)
        warnings.append(_NO_EMAIL)
    if facts.company is not None:
        body["organization_name"] = facts.company
        add(("organization_name", facts.company_source, "company name", False))
    if facts.title is not None:
        body["title"] = facts.title
        add(("title", facts.title_source, "trim", False))
    phone, phone_error = facts.phone(config.default_region)
    if phone is not None:
        body["mobile_phone"] = phone
        add(("mobile_phone", facts.phone_source, "e164", False))
    elif phone_error is not None:
        add(("mobile_phone", facts.phone_source, PHONE_OMIT_RULE, True))
        warnings.append(f"{phone_error}; mobile_phone was left out")
    if facts.website is not None:
        body["website_url"] = facts.website
        add(("website_url", facts.website_source, "trim", False))

    labels: list[str] = []
    if facts.marketing:
        labels.append(OPT_IN_LABEL)
        add(("label_names[]", "context.consent.marketing", _OPT_IN_RULE, False))
    for (value, path), rule in (
        (facts.lead_source, "lead source label"),
        (facts.signup_method, "sign-up method label"),
    ):
        if value is not None and value not in labels:
            labels.append(value)
            add(("label_names[]", path, rule, False))
    if labels:
        body["label_names"] = labels
    if config.apollo_dedupe:
        body["run_dedupe"] = True
        add(("run_dedupe", "config.apollo_dedupe", "deduplicate contacts on", False))
    else:
        add(("run_dedupe", "config.apollo_dedupe", "deduplication is off", True))
    return BuiltBody(body, trace, warnings)


_OPT_IN_RULE = "opt-in label when marketing consent"

APOLLO = Blueprint(
    destination="apollo",
    mapped_events=("Lead Generated", "Demo Requested", "Signed Up"),
    method="POST",
    path="/api/v1/contacts",
    auth="api_key_header",
    headers={"Content-Type": "application/json", "Accept": "application/json"},
    build=build_contact,
)
