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

    def drop(reason: str, detail: str, warnings: list[str] | None = None) -> Decision:
        return Decision(
            destination=destination,
            event=name,
            action="drop",
            reason=reason,
            detail=detail,
            warnings=warnings or [],
        )

    if event.type == "identify":
        return drop("identify_only", DROP_REASONS["identify_only"])
    if not blueprint.maps(name):
        mapped = ", ".join(blueprint.mapped_events)
        return drop("event_not_mapped", f"{name!r} is not mapped for {destination} ({mapped})")
    consent = decide_consent(resolved.consent, config.consent_categories(destination))
    if not consent.granted:
        missing = ", ".join(consent.missing)
        return drop(
            "consent_not_granted",
            f"consent not granted for: {missing} (context.consent.{consent.missing[0]})",
        )
    fields = FieldBuilder(resolved, config)
    built = blueprint.build(fields)
    if built.body is None:
        reason = built.drop_reason or "missing_email"
        return drop(reason, built.drop_detail or DROP_REASONS[reason], fields.warnings)
    request = OutboundRequest(
        method=blueprint.method,
        url=config.base_url(destination) + blueprint.path,
        headers=dict(blueprint.headers),
        auth=blueprint.auth,
        body=built.body,
    )
    return Decision(
        destination=destination,
        event=name,
        action="deliver",
        request=request,
        warnings=fields.warnings,
        trace=fields.trace,
    )


def plan_all(
    stream: Iterable[ResolvedEvent], destinations: Iterable[Destination], config: MappingConfig
) -> Iterator[tuple[ResolvedEvent, Decision]]:
    """Every (event, destination) decision of a resolved stream, in order."""
    targets = tuple(destinations)
    for resolved in stream:
        for destination in targets:
            yield resolved, plan(resolved, destination, config)
