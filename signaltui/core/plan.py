"""map(event, config) -> Decision: the gates (event, consent, identity) and the blueprint."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from signaltui.core.blueprints.registry import blueprints_for
from signaltui.core.config import MappingConfig
from signaltui.core.consent import decide_consent
from signaltui.core.decision import DROP_REASONS, Decision
from signaltui.core.events import ResolvedEvent
from signaltui.core.fields import event_scope
from signaltui.core.request import Destination, OutboundRequest

_IDENTIFY_ONLY = DROP_REASONS["identify_only"]


def plan(resolved: ResolvedEvent, destination: Destination, config: MappingConfig) -> Decision:
    """Decide what ``destination`` gets for ``resolved``: a request, or a reasoned drop.

    Gates run in the order a person debugging would ask: is the event mapped at all,
    did the user consent, is there an identity the CRM needs; then the body is built by
    the destination's compiled blueprint (see :mod:`signaltui.core.blueprints`).
    """
    blueprint = blueprints_for(config)[destination]
    event = resolved.event
    name = event.name
    if event.type == "identify":
        return Decision(destination, name, "drop", "identify_only", _IDENTIFY_ONLY, None, [])
    route = blueprint.routes.get(name) or blueprint.default
    steps = route.steps
    if steps is None:
        detail = route.drop_detail or (
            f"{name!r} is not mapped for {destination} ({blueprint.mapped})"
        )
        return Decision(destination, name, "drop", "event_not_mapped", detail, None, [])
    consent = decide_consent(resolved.consent, blueprint.consent)
    if not consent.granted:
        missing = consent.missing
        detail = f"consent not granted for: {', '.join(missing)} (context.consent.{missing[0]})"
        return Decision(destination, name, "drop", "consent_not_granted", detail, None, [])
    built = blueprint.build(event_scope(resolved), steps)
    if built.body is None:
        reason = built.drop_reason or "missing_email"
        detail = built.drop_detail or DROP_REASONS.get(reason, reason)
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
