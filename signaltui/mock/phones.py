"""Phone normalisation as the CRMs do it on their side (E.164 via phonenumbers)."""

from __future__ import annotations

import phonenumbers


def parse_phone(raw: str, default_country: str) -> phonenumbers.PhoneNumber | None:
    """``raw`` parsed against ``default_country``, or ``None`` if it is not a number."""
    try:
        number = phonenumbers.parse(raw, default_country.upper())
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def e164(number: phonenumbers.PhoneNumber) -> str:
    """``+447700900123`` form."""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def international(number: phonenumbers.PhoneNumber) -> str:
    """``+44 7700 900123`` form (Close's ``phone_formatted``)."""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def region(number: phonenumbers.PhoneNumber) -> str | None:
    """The ISO region of ``number`` (``GB``); for numbers outside allocated ranges (test
    numbers such as +44 7700 900xxx) the country code's main region."""
    found = phonenumbers.region_code_for_number(number)
    if found:
        return str(found)
    fallback = phonenumbers.region_code_for_country_code(number.country_code or 0)
    return None if fallback == phonenumbers.UNKNOWN_REGION else str(fallback)
