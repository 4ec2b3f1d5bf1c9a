"""What planning says about a bundle: does its hashed event still give its hashed
request, and which strings of the request do not come from the lead at all."""

from __future__ import annotations

from typing import Any, cast

from pydantic import ValidationError

from signaltui.bundle.places import body_constants
from signaltui.core.config import MappingConfig
from signaltui.core.events import Event, resolve_event
from signaltui.core.plan import plan
from signaltui.core.request import Destination
from signaltui.recordings import Exchange
from signaltui.replay.verify import compare, replan


def request_constants(
    event: Any, hashed_event: Any, destination: str, config: MappingConfig
) -> set[tuple[str, str]]:
    """``(pointer, text)`` of the request body strings that come out the same when the
    hashed event is planned: not the lead's data. Empty when either cannot be planned."""
    bodies = []
    for value in (event, hashed_event):
        try:
            resolved = resolve_event(Event.model_validate(value))
            decision = plan(resolved, cast(Destination, destination), config)
        except ValidationError:
            return set()
        if decision.request is None:
            return set()
        bodies.append(decision.request.body)
    return body_constants(bodies[0], bodies[1])


def self_check(exchange: Exchange, config: MappingConfig) -> dict[str, Any]:
    """Whether the hashed event, mapped with the config in force, gives the hashed request
    (what ``replay BUNDLE.zip`` verifies), with the differences if not."""
    if not exchange.event:
        return {"matches": False, "differences": ["the stored delivery has no event"]}
    try:
        _, decision = replan(exchange, config)
    except ValidationError as error:
        return {"matches": False, "differences": [f"not a valid event: {error.errors()[0]['msg']}"]}
    differences = [difference.describe() for difference in compare(exchange, decision)]
    return {"matches": not differences, "differences": differences}
