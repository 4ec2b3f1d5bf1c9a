"""Settings edits the TUI applies to its session, and the credential status it shows."""

from __future__ import annotations

from pydantic import ValidationError

from signaltui.config import Settings
from signaltui.core.config import MappingConfig
from signaltui.core.request import DESTINATIONS
from signaltui.errors import ConfigError, first_error


def credential_status(settings: Settings) -> list[tuple[str, bool]]:
    """``(destination, configured)`` per CRM — never the secret itself."""
    credentials = settings.credentials
    return [(d, credentials.configured_for(d)) for d in DESTINATIONS]


def parse_categories(text: str) -> list[str]:
    """``marketing, sales`` → ``["marketing", "sales"]`` (blank entries dropped)."""
    return [part.strip() for part in text.split(",") if part.strip()]


def apply_edits(
    settings: Settings,
    *,
    default_region: str,
    apollo_dedupe: bool,
    close_lead_status_id: str,
    consent: dict[str, str],
) -> Settings:
    """``settings`` with the edited mapping options, for this session only.

    Raises :class:`ConfigError` naming the field when a value is invalid.
    """
    mapping = settings.mapping.model_dump()
    mapping["consent"] = {d: parse_categories(consent.get(d, "")) for d in DESTINATIONS}
    mapping["default_region"] = default_region.strip() or "US"
    mapping["apollo_dedupe"] = apollo_dedupe
    mapping["close_lead_status_id"] = close_lead_status_id.strip() or None
    try:
        validated = MappingConfig.model_validate(mapping)
    except ValidationError as exc:
        field, problem = first_error(exc)
        raise ConfigError(
            f"invalid {field}: {problem}", where="Settings tab", hint="fix the value"
        ) from exc
    # The flat shortcuts would override the edited mapping, so they are cleared.
    return settings.model_copy(
        update={
            "mapping": validated,
            "default_region": None,
            "apollo_dedupe": None,
            "close_lead_status_id": None,
        }
    )
