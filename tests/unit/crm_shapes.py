"""Independent checks of each CRM's required request shape, written from the specs.

These validators never call signaltui: they restate what ``apollo.txt``, ``outreach.txt``,
``close.txt`` (and the field lists in ``crm-api-facts.md``) require, so a property test
can hold the core to them. Each returns a list of problems; empty means the shape is right.
"""

from __future__ import annotations

import json
import re
from typing import Any

E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")

#: The events each spec's default blueprint delivers; everything else is dropped.
MAPPED_EVENTS = {
    "apollo": {"Lead Generated", "Demo Requested", "Signed Up"},
    "outreach": {"Lead Submitted", "Form Submitted", "Signed Up", "Demo Requested"},
    "close": {"Lead Submitted", "Demo Requested", "Signed Up"},
}

APOLLO_FIELDS = {
    "first_name", "last_name", "organization_name", "title", "account_id", "email",
    "website_url", "label_names", "contact_stage_id", "present_raw_address", "direct_phone",
    "corporate_phone", "mobile_phone", "home_phone", "other_phone", "typed_custom_fields",
    "run_dedupe",
}  # fmt: skip
OUTREACH_ATTRIBUTES = {
    "emails", "firstName", "lastName", "name", "title", "occupation", "company",
    "mobilePhones", "workPhones", "homePhones", "otherPhones", "voipPhones", "addressCity",
    "addressState", "addressCountry", "tags", "source", "externalId",
}  # fmt: skip
#: String attributes Outreach caps at 255 characters (crm-api-facts.md, vendor OpenAPI).
OUTREACH_MAX_255 = {
    "firstName", "lastName", "title", "occupation", "addressCity", "addressState",
    "addressCountry",
}  # fmt: skip
CLOSE_LEAD_FIELDS = {"name", "url", "description", "status_id", "status", "contacts", "addresses"}
CLOSE_CONTACT_FIELDS = {"name", "title", "emails", "phones", "urls"}


def is_normalised_email(value: Any) -> bool:
    """Trimmed, lowercased, one ``@`` between a non-empty local part and a dotted domain."""
    if not isinstance(value, str) or value != value.lower():
        return False
    if any(char.isspace() for char in value):
        return False
    local, at, domain = value.partition("@")
    return bool(at and local and "." in domain and "@" not in domain)


def is_clean_text(value: Any) -> bool:
    """A non-empty string without surrounding whitespace (the specs say trimmed)."""
    return isinstance(value, str) and bool(value) and value == value.strip()


def _strict_json(body: Any) -> list[str]:
    try:
        round_trip = json.loads(json.dumps(body, allow_nan=False))
    except (TypeError, ValueError) as exc:
        return [f"body is not strict JSON: {exc}"]
    return [] if round_trip == body else ["body does not survive a JSON round trip"]


def _common(
    request: dict[str, Any], path: str, content_type: str, auth: str, scheme: str = ""
) -> list[str]:
    """Method, path, Content-Type, strict JSON, and an ``auth`` header starting ``scheme``."""
    problems = _strict_json(request.get("body"))
    if request.get("method") != "POST":
        problems.append(f"method {request.get('method')!r} is not POST")
    if not str(request.get("url", "")).endswith(path):
        problems.append(f"url {request.get('url')!r} does not end in {path}")
    headers = {k.lower(): v for k, v in request.get("headers", {}).items()}
    if headers.get("content-type") != content_type:
        problems.append(f"Content-Type {headers.get('content-type')!r} is not {content_type}")
    if auth.lower() not in headers or not str(headers[auth.lower()]).startswith(scheme):
        problems.append(f"no {scheme}{auth} header")
    return problems


def apollo_problems(request: dict[str, Any], warnings: list[str]) -> list[str]:
    """Apollo Create a Contact: X-Api-Key, known fields, normalised email and phone."""
    problems = _common(request, "/api/v1/contacts", "application/json", "X-Api-Key")
    body = request["body"]
    problems += [f"unknown Apollo field {k!r}" for k in body if k not in APOLLO_FIELDS]
    for key in ("first_name", "last_name", "organization_name", "title", "website_url"):
        if key in body and not is_clean_text(body[key]):
            problems.append(f"{key} {body[key]!r} is not trimmed non-empty text")
    # The spec says Apollo needs both names; signaltui plans anyway and says so.
    for key in ("first_name", "last_name"):
        if key not in body and not any(key in w for w in warnings):
            problems.append(f"no {key} and no warning about it")
    if "email" in body and not is_normalised_email(body["email"]):
        problems.append(f"email {body['email']!r} is not normalised")
    if "mobile_phone" in body and not E164.match(str(body["mobile_phone"])):
        problems.append(f"mobile_phone {body['mobile_phone']!r} is not E.164")
    labels = body.get("label_names", [])
    if not isinstance(labels, list) or not all(is_clean_text(x) for x in labels):
        problems.append(f"label_names {labels!r} is not a list of names")
    if "run_dedupe" in body and body["run_dedupe"] is not True:
        problems.append("run_dedupe is sent but not true")
    return problems


def outreach_problems(request: dict[str, Any], warnings: list[str]) -> list[str]:
    """Outreach create prospect: JSON:API document, bearer auth, emails list required."""
    problems = _common(
        request, "/api/v2/prospects", "application/vnd.api+json", "Authorization", "Bearer "
    )
    body = request["body"]
    data = body.get("data") if isinstance(body, dict) else None
    if set(body) != {"data"} or not isinstance(data, dict) or data.get("type") != "prospect":
        return [*problems, f"not a JSON:API prospect document: {body!r}"]
    attributes = data.get("attributes")
    if not isinstance(attributes, dict):
        return [*problems, "data.attributes is not an object"]
    problems += [f"unknown attribute {k!r}" for k in attributes if k not in OUTREACH_ATTRIBUTES]
    emails = attributes.get("emails")
    if not isinstance(emails, list) or not emails:
        problems.append("emails is required and must be a non-empty list")
    elif not all(is_normalised_email(e) for e in emails):
        problems.append(f"emails {emails!r} are not normalised")
    for key in ("mobilePhones", "workPhones", "homePhones"):
        if key in attributes and not all(E164.match(str(p)) for p in attributes[key]):
            problems.append(f"{key} {attributes[key]!r} are not E.164")
    tags = attributes.get("tags", [])
    if not isinstance(tags, list) or "Signal" not in tags:
        problems.append(f"tags {tags!r} lack the Signal tag")
    for key, value in attributes.items():
        if key not in ("emails", "mobilePhones", "tags") and not is_clean_text(value):
            problems.append(f"{key} {value!r} is not trimmed non-empty text")
        elif key in OUTREACH_MAX_255 and len(value) > 255:
            problems.append(f"{key} is {len(value)} characters; Outreach allows 255")
    return problems


def close_problems(request: dict[str, Any], warnings: list[str]) -> list[str]:
    """Close create lead: Basic auth, a name, contacts with emails and E.164 phones."""
    problems = _common(request, "/api/v1/lead/", "application/json", "Authorization", "Basic ")
    body = request["body"]
    unknown = [k for k in body if k not in CLOSE_LEAD_FIELDS and not k.startswith("custom.")]
    problems += [f"unknown lead field {k!r}" for k in unknown]
    if not is_clean_text(body.get("name")):
        problems.append(f"lead name {body.get('name')!r} missing (a lead is never nameless)")
    if "status" in body and "status_id" in body:
        problems.append("both status and status_id")
    contacts = body.get("contacts")
    if not isinstance(contacts, list) or not contacts:
        return [*problems, "contacts must be a non-empty list"]
    for contact in contacts:
        problems += [
            f"unknown contact field {k!r}" for k in contact if k not in CLOSE_CONTACT_FIELDS
        ]
        emails = contact.get("emails", [])
        if not emails or not all(
            isinstance(e, dict) and is_normalised_email(e.get("email")) for e in emails
        ):
            problems.append(f"contact emails {emails!r} are not [{{'email': normalised}}]")
        phones = contact.get("phones", [])
        if not all(isinstance(p, dict) and E164.match(str(p.get("phone"))) for p in phones):
            problems.append(f"contact phones {phones!r} are not [{{'phone': E.164}}]")
    for key, value in body.items():
        if key.startswith("custom.") and not isinstance(value, str | int | float | bool):
            problems.append(f"{key} {value!r} is not a scalar")
    return problems


VALIDATORS = {"apollo": apollo_problems, "outreach": outreach_problems, "close": close_problems}
