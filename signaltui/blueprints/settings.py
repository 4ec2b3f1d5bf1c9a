"""The mapping settings of the config file, expressed as overlays on the presets.

``close_lead_status_id``, ``close_custom_fields``, ``apollo_dedupe`` and ``consent`` were
settings before blueprints were data; they keep working, as the first overlay of each
destination (the user's blueprint files come after and win).
"""

from __future__ import annotations

from signaltui.blueprints.convert import Overlay
from signaltui.core.blueprints.spec import FieldSpec, ValueSpec
from signaltui.core.config import MappingConfig
from signaltui.core.request import DESTINATIONS, Destination

SETTINGS_FILE = "config"


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def settings_overlays(config: MappingConfig) -> dict[Destination, Overlay]:
    """One overlay per destination, from ``config``'s mapping settings."""
    overlays = {
        destination: Overlay(
            file=SETTINGS_FILE,
            destination=destination,
            extends=True,
            consent=tuple(config.consent_categories(destination)),
        )
        for destination in DESTINATIONS
    }
    if config.close_lead_status_id:
        overlays["close"].fields.append(
            FieldSpec(
                pointer="/status_id",
                at="config: mapping.close_lead_status_id",
                value=ValueSpec("value", constant=config.close_lead_status_id, rule="configured"),
                trace_source="config.close_lead_status_id",
            )
        )
    for field_id, path in config.close_custom_fields.items():
        overlays["close"].fields.append(
            FieldSpec(
                pointer=f"/custom.{_escape(field_id)}",
                at=f"config: mapping.close_custom_fields.{field_id}",
                value=ValueSpec(
                    "from", sources=(path,), transforms=("scalar",), rule="custom field mapping"
                ),
                label=f"custom.{field_id}",
                trace_source=path,
                empty_rule="custom field mapping: no value in the event",
            )
        )
    if not config.apollo_dedupe:
        overlays["apollo"].fields.append(
            FieldSpec(
                pointer="/run_dedupe",
                at="config: mapping.apollo_dedupe",
                trace_source="config.apollo_dedupe",
                drop_rule="deduplication is off",
            )
        )
    return overlays
