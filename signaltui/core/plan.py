"""map(event, config) -> Decision: the gates (event, consent, identity) and the blueprint."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from signaltui.core.blueprints import BLUEPRINTS
from signaltui.core.config import MappingConfig
from signaltui.core.consent import decide_consent
from signaltui.core.decision import DROP_REASONS, Decision
from signaltui.core.events import ResolvedEvent
from signaltui.core.fields import event_facts
from signaltui.core.request import Destination, OutboundRequest

_IDENTIFY_ONLY = DROP_REASONS["identify_only"]
#: Each blueprint's mapped events as one string, for the event_not_mapped detail.
_MAPPED = {name: ", ".join(bp.mapped_events) for name, bp in BLUEPRINTS.items()}


def plan(resolved: ResolvedEvent, destination: Destination, config: MappingConfig) -> Decision:
    """Decide what ``destination`` gets for ``resolved``: a request, or a reasoned drop.

    Gates run in the order a person debugging would ask: is the event mapped at all,
    did the user consent, is there an identity the CRM needs; then the body is built.
    """
    blueprint = BLUEPRINTS[destination]
    event = resolved.event
    name = event.name
    if event.type == "identify":
        return Decision(destination, name, "drop", "identify_only", _IDENTIFY_ONLY, None, [])
    if not blueprint.maps(name):
        detail = f"{name!r} is not mapped for {destination} ({_MAPPED[destination]})"
        return Decision(destination, name, "drop", "event_not_mapped", detail, None, [])
    consent = decide_consent(resolved.consent, config.consent_categories(destination))
    if not consent.granted:
        missing = consent.missing
        detail = f"consent not granted for: {', '.join(missing)} (context.consent.{missing[0]})"
        return Decision(destination, name, "drop", "consent_not_granted", detail, None, [])
    built = blueprint.build(event_facts(resolved), config)
    if built.body is None:
        reason = built.drop_reason or "missing_email"
        detail = built.drop_detail or DROP_REASONS[reason]
        return Decision(destination, name, "drop", reason, detail, None, built.warnings)
    request = OutboundRequest(
        blueprint.method,
        config.base_url(destination) + blueprint.path,
        blueprint.auth,
        built.body,
        dict(blueprint.headers),
    )
    return Decision(destination, name, "deliver", None, None, request, built.warnings, built.trace)


def plan_all(
    stream: Iterable[ResolvedEvent], destinations: Iterable[Destination], config: MappingConfig
) -> Iterator[tuple[ResolvedEvent, Decision]]:
    """Every (event, destination) decision of a resolved stream, in order."""
    targets = tuple(destinations)
    for resolved in stream:
        for destination in targets:
            yield resolved, plan(resolved, destination, config)
