"""map(event, config) -> Decision: the gates (event, consent, identity) and the blueprint."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from signaltui.core.blueprints.registry import blueprints_for
from signaltui.core.blueprints.registry import last as _last  # updated in place
from signaltui.core.config import MappingConfig
from signaltui.core.consent import decide_consent
from signaltui.core.decision import DROP_REASONS, Decision
from signaltui.core.events import ResolvedEvent
from signaltui.core.fields import EventScope
from signaltui.core.request import Destination, OutboundRequest

_IDENTIFY_ONLY = DROP_REASONS["identify_only"]
#: The config planned last and, per destination, the blueprint planned with and the
#: request URL they give (a config is frozen): worked out once, not per request.
_urls: list[Any] = [None, {}]


def _urls_of(config: MappingConfig) -> dict[str, tuple[Any, str]]:
    _urls[:] = [config, {}]
    urls: dict[str, tuple[Any, str]] = _urls[1]
    return urls


def plan(resolved: ResolvedEvent, destination: Destination, config: MappingConfig) -> Decision:
    """Decide what ``destination`` gets for ``resolved``: a request, or a reasoned drop.

    Gates run in the order a person debugging would ask: is the event mapped at all,
    did the user consent, is there an identity the CRM needs; then the body is built by
    the destination's compiled blueprint (see :mod:`signaltui.core.blueprints`).
    """
    # The config planned last and its blueprints: nearly always this one.
    blueprint = (_last[1] if config is _last[0] else blueprints_for(config))[destination]
    event = resolved.event
    if event.type == "identify":
        return Decision(destination, "identify", "drop", "identify_only", _IDENTIFY_ONLY, None, [])
    # What the blueprints read from this event and work out once for every destination.
    scope = resolved._facts
    if scope is None:
        scope = resolved._facts = EventScope(resolved)
    name = scope.name
    route = blueprint.routes.get(name) or blueprint.default
    build = route.build
    if build is None:
        detail = route.drop_detail or (
            f"{name!r} is not mapped for {destination} ({blueprint.mapped or 'it maps no event'})"
        )
        return Decision(destination, name, "drop", "event_not_mapped", detail, None, [])
    granted = scope.consent
    for category in blueprint.consent:  # decide_consent's test, without building an answer
        if granted.get(category) is not True:
            missing = decide_consent(granted, blueprint.consent).missing
            detail = f"consent not granted for: {', '.join(missing)} (context.consent.{missing[0]})"
            return Decision(destination, name, "drop", "consent_not_granted", detail, None, [])
    body, trace, warnings, reason, detail = build(scope)
    if body is None:
        reason = reason or "missing_email"
        detail = detail or DROP_REASONS.get(reason, reason)
        return Decision(destination, name, "drop", reason, detail, None, warnings)
    urls = _urls[1] if config is _urls[0] else _urls_of(config)
    known = urls.get(destination)
    if known is None or known[0] is not blueprint:
        known = urls[destination] = (blueprint, config.base_url(destination) + blueprint.path)
    headers = dict(blueprint.headers)
    request = OutboundRequest(blueprint.method, known[1], blueprint.auth, body, headers)
    return Decision(destination, name, "deliver", None, None, request, warnings, trace)


def plan_all(
    stream: Iterable[ResolvedEvent], destinations: Iterable[Destination], config: MappingConfig
) -> Iterator[tuple[ResolvedEvent, Decision]]:
    """Every (event, destination) decision of a resolved stream, in order."""
    targets = tuple(destinations)
    for resolved in stream:
        for destination in targets:
            yield resolved, plan(resolved, destination, config)
