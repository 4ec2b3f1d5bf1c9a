"""The bare side of ``bench_mapping.py``: a hand-written mapper doing only the work any
mapper must do for the same three CRMs.

Per line: ``json.loads``; the identify -> track trait merge by user; trim the text
traits, lowercase and check the email; the phone parsed, checked and formatted in E.164
once; the gates (event mapped, marketing consent, an email where the CRM needs one);
then the three bodies built and ``json.dumps``-ed. No traces, warnings or provenance:
that is what signaltui adds on top.
"""

from __future__ import annotations

import json
from typing import Any

import phonenumbers

_APOLLO = {"Lead Generated", "Demo Requested", "Signed Up"}
_OUTREACH = {
    "Lead Submitted": "lead",
    "Form Submitted": "form",
    "Signed Up": "signup",
    "Demo Requested": "demo-request",
}
_CLOSE = {"Lead Submitted", "Demo Requested", "Signed Up"}
_E164 = phonenumbers.PhoneNumberFormat.E164


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return " ".join(value.split()) or None
    return None


def _phone(raw: Any, region: str) -> str | None:
    text = _text(raw)
    if text is None:
        return None
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, _E164)


def map_lines(lines: list[str], region: str = "US") -> tuple[int, int]:
    """Map every line for the three CRMs; returns (requests, bytes encoded)."""
    people: dict[str, dict[str, Any]] = {}
    requests = size = 0
    dumps = json.dumps
    for line in lines:
        event = json.loads(line)
        user = event.get("userId")
        traits = {**people.get(user, {}), **event.get("traits", {})} if user else event["traits"]
        if user:
            people[user] = traits
        if event.get("type") != "track":
            continue
        name = event.get("event")
        consent = event.get("context", {}).get("consent", {})
        if consent.get("marketing") is not True:
            continue
        email = (_text(traits.get("email")) or "").replace(" ", "").lower()
        local, at, domain = email.partition("@")
        email = email if at and local and "." in domain else None
        first = _text(traits.get("firstName") or traits.get("first_name"))
        last = _text(traits.get("lastName") or traits.get("last_name"))
        title = _text(traits.get("title"))
        company_raw = traits.get("company")
        company = _text(company_raw.get("name") if isinstance(company_raw, dict) else company_raw)
        phone = _phone(traits.get("phone"), region)
        full = f"{first} {last}" if first and last else first or last
        url = event.get("context", {}).get("page", {}).get("url")
        lead_type = _text(event.get("properties", {}).get("lead_type"))
        lead_source = _text(event.get("properties", {}).get("lead_source"))
        if name in _APOLLO:
            body: dict[str, Any] = {"first_name": first, "last_name": last}
            if email:
                body["email"] = email
            body.update(
                organization_name=company,
                title=title,
                mobile_phone=phone,
                label_names=["Signal - Marketing Opt-in", lead_source],
                run_dedupe=True,
            )
            size += len(dumps(body))
            requests += 1
        if name in _OUTREACH and email:
            attributes = {
                "emails": [email],
                "firstName": first,
                "lastName": last,
                "name": full,
                "title": title,
                "occupation": title,
                "company": company,
                "mobilePhones": [phone],
                "tags": ["Signal", _OUTREACH[name]],
            }
            size += len(dumps({"data": {"type": "prospect", "attributes": attributes}}))
            requests += 1
        if name in _CLOSE and email:
            contact = {
                "name": full,
                "title": title,
                "emails": [{"email": email}],
                "phones": [{"phone": phone}],
            }
            lead = {
                "name": company or last or email,
                "url": url,
                "description": lead_type,
                "contacts": [contact],
            }
            size += len(dumps(lead))
            requests += 1
    return requests, size
