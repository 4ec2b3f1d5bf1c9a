"""The Outreach ``prospect`` attribute catalogue (from Outreach's vendor OpenAPI).

Shared by the Outreach mock, which validates each attribute it is sent against it (an
unknown or read-only one is a 422), and ``blueprints check``, which warns of a rule
writing such an attribute before anything is sent. Pure data and checks, no I/O.
"""

from __future__ import annotations

from typing import Any

#: Array-of-string attributes.
ARRAYS = frozenset(
    {"emails", "homePhones", "mobilePhones", "otherPhones", "voipPhones", "workPhones", "tags"}
)
BOOLEANS = frozenset({"callOptedOut", "emailOptedOut", "optedOut"})
NUMBERS = frozenset({"linkedInConnections", "score"})
_STRINGS_255 = [
    "addedAt",
    "addressCity",
    "addressCountry",
    "addressState",
    "addressStreet",
    "addressStreet2",
    "addressZip",
    "angelListUrl",
    "availableAt",
    "callsOptStatus",
    "campaignName",
    "dateOfBirth",
    "degree",
    "emailsOptStatus",
    "eventName",
    "externalId",
    "externalOwner",
    "externalSource",
    "facebookUrl",
    "firstName",
    "gender",
    "githubUsername",
    "googlePlusUrl",
    "graduationDate",
    "jobStartDate",
    "lastName",
    "linkedInId",
    "middleName",
    "nickname",
    "occupation",
    "preferredContact",
    "quoraUrl",
    "region",
    "school",
    "sharingTeamId",
    "source",
    "stackOverflowId",
    "timeZone",
    "title",
    "trashedAt",
    "twitterUsername",
]
#: String attribute -> maximum length (``None``: unlimited).
STRINGS: dict[str, int | None] = {
    **dict.fromkeys(_STRINGS_255, 255),
    **dict.fromkeys(("githubUrl", "linkedInUrl", "stackOverflowUrl", "twitterUrl"), 1000),
    **dict.fromkeys(("personalNote1", "personalNote2", "specialties"), 65535),
    **dict.fromkeys(("websiteUrl1", "websiteUrl2", "websiteUrl3"), 65535),
    **{f"custom{n}": 32000 for n in range(1, 151)},
    "company": None,
}
WRITABLE = frozenset(ARRAYS | BOOLEANS | NUMBERS | STRINGS.keys())
#: Read-only per the OpenAPI. ``name`` is among them, yet signaltui's Outreach spec sends
#: it; the mock accepts ``name`` (see ``outreach.py``) and refuses the others.
READ_ONLY = frozenset(
    [
        "callsOptedAt",
        "clickCount",
        "contactHistogram",
        "createdAt",
        "emailsOptedAt",
        "engagedAt",
        "engagedScore",
        "linkedInSlug",
        "name",
        "openCount",
        "optedOutAt",
        "replyCount",
        "timeZoneIana",
        "timeZoneInferred",
        "touchedAt",
        "updatedAt",
    ]
)


def _label(attribute: str) -> str:
    # Rails-style humanised attribute name for error details ("Title is too long ...").
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in attribute).strip()
    return words[:1].upper() + words[1:]


def check_attribute(name: str, value: Any) -> str | None:
    """A validation detail when ``value`` is wrong for ``name``, else ``None``."""
    if value is None:
        return None
    if name in ARRAYS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"{_label(name)} must be an array of strings."
        if name == "emails" and any("@" not in v for v in value):
            return "Emails is invalid."
        return None
    if name in BOOLEANS:
        return None if isinstance(value, bool) else f"{_label(name)} must be a boolean."
    if name in NUMBERS:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else f"{_label(name)} must be a number."
    if not isinstance(value, str):
        return f"{_label(name)} must be a string."
    limit = STRINGS.get(name)
    if limit is not None and len(value) > limit:
        return f"{_label(name)} is too long (maximum is {limit} characters)."
    return None


def blank_attributes() -> dict[str, Any]:
    """Every non-custom attribute set to null, as a created prospect carries them."""
    names = (WRITABLE | READ_ONLY) - {f"custom{n}" for n in range(1, 151)}
    return dict.fromkeys(sorted(names))
