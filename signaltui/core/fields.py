"""The normalised field values of one resolved event, worked out once for every CRM.

One event is planned for each destination, and the blueprints read much the same
values (email, names, title, company, phone, address, page URL, properties). They are
cleaned and normalised here once per event; each blueprint then writes them under its
own field names, with its own trace entries and warnings.
"""

from __future__ import annotations

from typing import Any

from signaltui.core.events import ResolvedEvent, Trait
from signaltui.core.normalize import (
    clean_text,
    company_name,
    email_from_clean_text,
    full_name,
    phone_to_e164,
)

#: The trace rule of a phone that phonenumbers could not turn into E.164.
PHONE_OMIT_RULE = "phone could not be normalised to E.164"


def _text(traits: dict[str, Trait], name: str) -> tuple[str | None, str]:
    """Trait ``name`` as clean text with its source (``traits.<name>`` when absent)."""
    trait = traits.get(name)
    if trait is None:
        return None, f"traits.{name}"
    return clean_text(trait.value), trait.source


def _prop(properties: dict[str, Any], *names: str) -> tuple[str | None, str]:
    """The first present property among ``names`` (aliases), as clean text, with its path."""
    for name in names:
        raw = properties.get(name)
        if raw is not None:  # most aliases are absent: skip clean_text for them
            value = clean_text(raw)
            if value is not None:
                return value, f"properties.{name}"
    return None, f"properties.{names[0]}"


class EventFacts:
    """Every value a blueprint reads from one event, each with its source path.

    Pairs are ``(value, source)``; ``value`` is ``None`` when absent or unusable. The
    phone depends on the configured region, so it is read through :meth:`phone`.
    """

    __slots__ = (
        "address",
        "company",
        "company_source",
        "email",
        "email_source",
        "email_warning",
        "event",
        "first",
        "first_source",
        "last",
        "last_source",
        "lead_source",
        "lead_type",
        "marketing",
        "name",
        "page_url",
        "person_name",
        "person_name_rule",
        "person_name_source",
        "phone_raw",
        "phone_source",
        "signup_method",
        "title",
        "title_source",
        "traits",
        "website",
        "website_source",
    )

    def __init__(self, resolved: ResolvedEvent) -> None:
        traits = resolved.traits
        event = resolved.event
        # The traits and the event, not ``resolved`` itself: it keeps these facts, and a
        # reference back would make a cycle that only the garbage collector frees.
        self.traits = traits
        self.event = event
        self.name = event.name
        raw, self.email_source = _text(traits, "email")
        self.email = email_from_clean_text(raw)
        self.email_warning = (
            f"email {raw!r} is not a valid address; it was left out"
            if raw is not None and self.email is None
            else None
        )
        self.first, self.first_source = first, first_source = _text(traits, "firstName")
        self.last, self.last_source = last, last_source = _text(traits, "lastName")
        name, name_source = _text(traits, "name")
        self.person_name: str | None = name
        if name is not None:
            self.person_name_source, self.person_name_rule = name_source, "copy"
        else:
            self.person_name = full_name(first, last)
            self.person_name_source = f"{first_source} + {last_source}"
            self.person_name_rule = "join first and last name"
        self.title, self.title_source = _text(traits, "title")
        company = traits.get("company")
        if company is None:
            self.company, self.company_source = None, "traits.company"
        else:
            self.company = company_name(company.value)
            is_object = isinstance(company.value, dict)
            self.company_source = company.source + ".name" if is_object else company.source
        self.website, self.website_source = _text(traits, "website")
        self.phone_raw, self.phone_source = _text(traits, "phone")
        self.address = _address(traits)
        self.page_url = event.page_url()
        self.marketing = resolved.consent.get("marketing") is True
        properties = event.properties
        self.lead_source = _prop(properties, "lead_source", "leadSource")
        self.signup_method = _prop(
            properties, "signup_method", "signupMethod", "sign_up_method", "method"
        )
        self.lead_type = _prop(properties, "lead_type", "leadType")

    def phone(self, region: str) -> tuple[str | None, str | None]:
        """``(e164, None)``, ``(None, why)`` when unusable, or ``(None, None)`` when absent."""
        # phone_to_e164 is memoised, so the second and third CRM pay only a lookup.
        raw = self.phone_raw
        return (None, None) if raw is None else phone_to_e164(raw, region)


def _address(traits: dict[str, Trait]) -> dict[str, tuple[str | None, str]]:
    """``city``/``state``/``country``, each from its own trait or from ``address.<part>``."""
    address = traits.get("address")
    nested, prefix = (address.value, address.source) if address is not None else (None, "")
    parts: dict[str, tuple[str | None, str]] = {}
    for part in ("city", "state", "country"):
        value, source = _text(traits, part)
        if value is None and isinstance(nested, dict):
            value, source = clean_text(nested.get(part)), f"{prefix}.{part}"
        parts[part] = value, source
    return parts


def event_facts(resolved: ResolvedEvent) -> EventFacts:
    """The facts of ``resolved``, worked out on the first call and kept on it."""
    facts: EventFacts | None = resolved._facts
    if facts is None:
        facts = resolved._facts = EventFacts(resolved)
    return facts


def path_value(facts: EventFacts, dotted: str) -> Any:
    """A value by dotted path: ``traits.x`` uses merged traits, else the event JSON."""
    head, _, rest = dotted.partition(".")
    if head == "traits":
        trait = facts.traits.get(rest.split(".")[0])
        value: Any = trait.value if trait is not None else None
        parts = rest.split(".")[1:]
    else:
        value = facts.event.to_json()
        parts = dotted.split(".")
    for part in parts:
        value = value.get(part) if isinstance(value, dict) else None
    return value
