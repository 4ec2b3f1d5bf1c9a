"""map(event, config) -> Decision: the gates (event, consent, identity) and the blueprint."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from signaltui.core.blueprints import BLUEPRINTS
from signaltui.core.config import MappingConfig
from signaltui.core.consent import decide_consent
from signaltui.core.decision import DROP_REASONS, Decision
from signaltui.core.events import ResolvedEvent
from signaltui.core.fields import FieldBuilder
from signaltui.core.request import Destination, OutboundRequest


def plan(resolved: ResolvedEvent, destination: Destination, config: MappingConfig) -> Decision:
    """Decide what ``destination`` gets for ``resolved``: a request, or a reasoned drop.

    Gates run in the order a person debugging would ask: is the event mapped at all,
    did the user consent, is there an identity the CRM needs; then the body is built.
    """
    blueprint = BLUEPRINTS[destination]
    event = resolved.event
    name = event.name
    if event.type == "identify":
        return _drop(destination, name, "identify_only", DROP_REASONS["identify_only"])
    if name not in blueprint.mapped_events:
        mapped = ", ".join(blueprint.mapped_events)
        detail = f"{name!r} is not mapped for {destination} ({mapped})"
        return _drop(destination, name, "event_not_mapped", detail)
    consent = decide_consent(resolved.consent, config.consent_categories(destination))
    if not consent.granted:
        missing = ", ".join(consent.missing)
        detail = f"consent not granted for: {missing} (context.consent.{consent.missing[0]})"
        return _drop(destination, name, "consent_not_granted", detail)
    fields = FieldBuilder(resolved, config)
    built = blueprint.build(fields)
    if built.body is None:
        reason = built.drop_reason or "missing_email"
        detail = built.drop_detail or DROP_REASONS[reason]
        return _drop(destination, name, reason, detail, fields.warnings)
    request = OutboundRequest(
        blueprint.method,
        config.base_url(destination) + blueprint.path,
        blueprint.auth,
        built.body,
        dict(blueprint.headers),
    )
    return Decision(
        destination, name, "deliver", request=request, warnings=fields.warnings, trace=fields.trace
    )


def _drop(
    destination: str, name: str, reason: str, detail: str, warnings: list[str] | None = None
) -> Decision:
    return Decision(destination, name, "drop", reason, detail, warnings=warnings or [])


def plan_all(
    stream: Iterable[ResolvedEvent], destinations: Iterable[Destination], config: MappingConfig
) -> Iterator[tuple[ResolvedEvent, Decision]]:
    """Every (event, destination) decision of a resolved stream, in order."""
    targets = tuple(destinations)
    for resolved in stream:
        for destination in targets:
            yield resolved, plan(resolved, destination, config)
