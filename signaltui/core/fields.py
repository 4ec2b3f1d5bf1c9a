"""A scratchpad that blueprints use to build a body while writing the field trace."""

from __future__ import annotations

from typing import Any

from signaltui.core.config import MappingConfig
from signaltui.core.decision import TraceEntry
from signaltui.core.events import ResolvedEvent
from signaltui.core.normalize import (
    PhoneError,
    clean_text,
    company_name,
    full_name,
    normalize_email,
    normalize_phone,
)


class FieldBuilder:
    """Reads traits and properties of one resolved event, normalising and tracing each.

    ``text_trait(name)`` gives a trait as clean text with its source path
    (``traits.<name>`` when absent); see :meth:`ResolvedEvent.text`.
    """

    def __init__(self, resolved: ResolvedEvent, config: MappingConfig) -> None:
        self.resolved = resolved
        self.config = config
        self.trace: list[TraceEntry] = []
        self.warnings: list[str] = []
        # Bound once: blueprints read a dozen traits per request through this.
        self.text_trait = resolved.text

    # -- reading -----------------------------------------------------------------------
    def company(self) -> tuple[str | None, str]:
        """``company`` as a string, or from ``company.name``."""
        trait = self.resolved.trait("company")
        if trait is None:
            return None, "traits.company"
        source = trait.source + (".name" if isinstance(trait.value, dict) else "")
        return company_name(trait.value), source

    def address_part(self, part: str) -> tuple[str | None, str]:
        """``city``/``state``/``country`` from the trait itself or from ``address.<part>``."""
        value, source = self.text_trait(part)
        if value is not None:
            return value, source
        address = self.resolved.trait("address")
        if address is not None and isinstance(address.value, dict):
            return clean_text(address.value.get(part)), f"{address.source}.{part}"
        return None, source

    def prop(self, *names: str) -> tuple[str | None, str]:
        """The first present property among ``names`` (aliases), as clean text."""
        properties = self.resolved.event.properties
        for name in names:
            value = clean_text(properties.get(name))
            if value is not None:
                return value, f"properties.{name}"
        return None, f"properties.{names[0]}"

    def email(self, field: str) -> str | None:
        """The email trait trimmed and lowercased; warns when present but unusable."""
        raw, source = self.text_trait("email")
        email = normalize_email(raw)
        if raw is not None and email is None:
            self.omit(field, source, "not a valid email address")
            self.warnings.append(f"email {raw!r} is not a valid address; it was left out")
        return email

    def phone(self, field: str) -> tuple[str | None, str]:
        """The phone trait in E.164; an unusable one is left out with a warning."""
        raw, source = self.text_trait("phone")
        try:
            return normalize_phone(raw, self.config.default_region), source
        except PhoneError as exc:
            self.omit(field, source, "phone could not be normalised to E.164")
            self.warnings.append(f"{exc}; {field} was left out")
            return None, source

    def person_name(self) -> tuple[str | None, str, str]:
        """Full name: the ``name`` trait, else first and last joined; with source and rule."""
        name, source = self.text_trait("name")
        if name is not None:
            return name, source, "copy"
        first, first_source = self.text_trait("firstName")
        last, last_source = self.text_trait("lastName")
        joined = full_name(first, last)
        return joined, f"{first_source} + {last_source}", "join first and last name"

    def path(self, dotted: str) -> Any:
        """A value by dotted path: ``traits.x`` uses merged traits, else the event JSON."""
        head, _, rest = dotted.partition(".")
        if head == "traits":
            trait = self.resolved.trait(rest.split(".")[0])
            value: Any = trait.value if trait is not None else None
            parts = rest.split(".")[1:]
        else:
            value = self.resolved.event.to_json()
            parts = dotted.split(".")
        for part in parts:
            value = value.get(part) if isinstance(value, dict) else None
        return value

    # -- writing -----------------------------------------------------------------------
    def put(
        self,
        body: dict[str, Any],
        field: str,
        value: Any,
        source: str,
        rule: str,
        *,
        trace_as: str | None = None,
    ) -> None:
        """Set ``body[field]`` when ``value`` is present, and trace it (as ``trace_as``)."""
        if value is None or value == []:
            return
        body[field] = value
        self.trace.append(TraceEntry(trace_as or field, source, rule))

    def omit(self, field: str, source: str, why: str) -> None:
        """Trace a field that was deliberately left out."""
        self.trace.append(TraceEntry(field, source, why, True))
