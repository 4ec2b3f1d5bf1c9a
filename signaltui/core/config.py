"""Mapping settings the core needs, as plain values (the core never reads env or files)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from signaltui.core.request import DESTINATIONS, Destination

LIVE_BASE_URLS: dict[Destination, str] = {
    "apollo": "https://api.apollo.io",
    "outreach": "https://api.outreach.io",
    "close": "https://api.close.com",
}


#: The gating categories of a destination the consent setting leaves out.
_DEFAULT_GATING = ("marketing",)


def _default_consent() -> dict[Destination, list[str]]:
    return {destination: ["marketing"] for destination in DESTINATIONS}


class CompiledCell:
    """Holds the compiled blueprints of one config: a cache, never part of its equality."""

    __slots__ = ("value",)

    def __init__(self, value: Any = None) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CompiledCell)

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return "CompiledCell()"


class MappingConfig(BaseModel):
    """Everything that changes what the core plans, with the specs' defaults."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    default_region: str = Field(
        "US", description="Region (ISO 3166 alpha-2) for phone numbers without a country code."
    )
    apollo_dedupe: bool = Field(True, description="Send run_dedupe=true so Apollo upserts.")
    close_lead_status_id: str | None = Field(
        None, description="Close lead status (stat_…) for new leads; None uses the org default."
    )
    close_custom_fields: dict[str, str] = Field(
        default_factory=dict,
        description="Close custom field id (cf_…) -> event path, e.g. properties.lead_source.",
    )
    consent: dict[Destination, list[str]] = Field(
        default_factory=_default_consent,
        description="Consent categories that must all be granted before delivering.",
    )
    base_urls: dict[Destination, str] = Field(
        default_factory=lambda: dict(LIVE_BASE_URLS),
        description="Base URL per destination; the live APIs by default.",
    )

    #: The compiled blueprints this config plans with (see core.blueprints.registry).
    _compiled: CompiledCell = PrivateAttr(default_factory=CompiledCell)

    @field_validator("base_urls")
    @classmethod
    def _no_trailing_slash(cls, value: dict[Destination, str]) -> dict[Destination, str]:
        # Stripped once here rather than on every planned request.
        return {destination: url.rstrip("/") for destination, url in value.items()}

    @field_validator("default_region")
    @classmethod
    def _upper_region(cls, value: str) -> str:
        region = value.strip().upper()
        if len(region) != 2 or not region.isalpha():
            raise ValueError(
                f"default_region must be a 2-letter region code like GB, got {value!r}"
            )
        return region

    def consent_categories(self, destination: Destination) -> Sequence[str]:
        """The gating categories for ``destination`` (``marketing`` unless configured)."""
        return self.consent.get(destination, _DEFAULT_GATING)

    def base_url(self, destination: Destination) -> str:
        """The base URL requests for ``destination`` are planned against (no trailing /)."""
        return self.base_urls.get(destination, LIVE_BASE_URLS[destination])
