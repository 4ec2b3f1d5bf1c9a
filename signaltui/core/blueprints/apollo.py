"""Apollo.io: lead events become contacts (POST /api/v1/contacts, X-Api-Key)."""

from __future__ import annotations

from typing import Any

from signaltui.core.blueprints.base import Blueprint, BuiltBody
from signaltui.core.decision import TraceEntry
from signaltui.core.fields import FieldBuilder

OPT_IN_LABEL = "Signal - Marketing Opt-in"


def build_contact(fields: FieldBuilder) -> BuiltBody:
    """The contact body, in the field order of the Apollo spec's example."""
    body: dict[str, Any] = {}
    first, first_source = fields.text_trait("firstName")
    last, last_source = fields.text_trait("lastName")
    fields.put(body, "first_name", first, first_source, "trim")
    fields.put(body, "last_name", last, last_source, "trim")
    missing = [name for name, value in (("first_name", first), ("last_name", last)) if not value]
    if missing:
        fields.warnings.append(
            f"missing {' and '.join(missing)}: Apollo rejects contacts without both names"
        )
    email = fields.email("email")
    fields.put(body, "email", email, fields.text_trait("email")[1], "trim + lowercase")
    if email is None:
        fields.warnings.append("no email: Apollo cannot deduplicate this contact by email")
    company, company_source = fields.company()
    fields.put(body, "organization_name", company, company_source, "company name")
    title, title_source = fields.text_trait("title")
    fields.put(body, "title", title, title_source, "trim")
    phone, phone_source = fields.phone("mobile_phone")
    fields.put(body, "mobile_phone", phone, phone_source, "e164")
    website, website_source = fields.text_trait("website")
    fields.put(body, "website_url", website, website_source, "trim")

    labels: list[str] = []
    if fields.resolved.consent.get("marketing") is True:
        labels.append(OPT_IN_LABEL)
        fields.trace.append(
            _label_entry("context.consent.marketing", "opt-in label when marketing consent")
        )
    lead_source, lead_source_path = fields.prop("lead_source", "leadSource")
    method, method_path = fields.prop("signup_method", "signupMethod", "sign_up_method", "method")
    for value, path, rule in (
        (lead_source, lead_source_path, "lead source label"),
        (method, method_path, "sign-up method label"),
    ):
        if value is not None and value not in labels:
            labels.append(value)
            fields.trace.append(_label_entry(path, rule))
    if labels:
        body["label_names"] = labels
    if fields.config.apollo_dedupe:
        fields.put(body, "run_dedupe", True, "config.apollo_dedupe", "deduplicate contacts on")
    else:
        fields.omit("run_dedupe", "config.apollo_dedupe", "deduplication is off")
    return BuiltBody(body=body)


def _label_entry(source: str, rule: str) -> TraceEntry:
    return TraceEntry(field="label_names[]", source=source, rule=rule)


APOLLO = Blueprint(
    destination="apollo",
    mapped_events=("Lead Generated", "Demo Requested", "Signed Up"),
    method="POST",
    path="/api/v1/contacts",
    auth="api_key_header",
    headers={"Content-Type": "application/json", "Accept": "application/json"},
    build=build_contact,
)
