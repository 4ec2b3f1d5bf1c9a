"""Normalisation of identifiers: email, phone (E.164 with phonenumbers), names, text."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import phonenumbers


def clean_text(value: Any) -> str | None:
    """A trimmed string, or ``None`` for missing, blank or non-scalar values.

    Numbers are accepted and turned into text (a form may send a numeric title or zip).
    """
    if type(value) is str:  # the common case first: this runs for every field read
        text = " ".join(value.split())
        return text or None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            value = str(value)
        except ValueError:
            # Python refuses to print integers of more than 4,300 digits; no CRM field
            # wants one either, so it counts as no usable text.
            return None
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def normalize_email(value: Any) -> str | None:
    """Email trimmed and lowercased; ``None`` unless it looks like ``local@domain``."""
    return email_from_clean_text(clean_text(value))


def email_from_clean_text(text: str | None) -> str | None:
    """:func:`normalize_email` of text :func:`clean_text` already produced."""
    if text is None:
        return None
    email = text.replace(" ", "").lower()
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or "@" in domain:
        return None
    return email


class PhoneError(ValueError):
    """A phone trait that phonenumbers cannot turn into a valid number."""


def normalize_phone(value: Any, default_region: str) -> str | None:
    """The phone in E.164, or ``None`` when absent; :class:`PhoneError` when unusable.

    Numbers without a country code are read in ``default_region``.
    """
    text = clean_text(value)
    if text is None:
        return None
    e164, error = phone_to_e164(text, default_region)
    if error is not None:
        raise PhoneError(error)
    return e164


@lru_cache(maxsize=4096)
def phone_to_e164(text: str, region: str) -> tuple[str | None, str | None]:
    """``(e164, None)`` or ``(None, why)`` for clean phone text read in ``region``.

    Memoised because parsing dominates the cost of planning and a replay meets the same
    numbers again and again.
    """
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        return None, f"cannot parse phone {text!r}: {exc}"
    if not phonenumbers.is_possible_number(parsed):
        return None, f"phone {text!r} is not a possible number in region {region}"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), None


def company_name(value: Any) -> str | None:
    """``company`` given as a string or as an object with ``name``."""
    if isinstance(value, dict):
        return clean_text(value.get("name"))
    return clean_text(value)
