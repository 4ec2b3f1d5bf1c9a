"""Verify: re-map a recorded event with today's core and compare with what was recorded."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from signaltui.core.config import MappingConfig
from signaltui.core.decision import Decision
from signaltui.core.events import Event, ResolvedEvent, resolve_event
from signaltui.core.plan import plan
from signaltui.core.request import (
    SECRET_HEADER_NAMES,
    OutboundRequest,
    auth_headers,
    redact_headers,
)
from signaltui.delivery.outcomes import RecordedRequest
from signaltui.recordings import Exchange
from signaltui.replay.diff import ABSENT, Difference, diff_json
from signaltui.replay.ignore import without


def replan(exchange: Exchange, config: MappingConfig) -> tuple[ResolvedEvent, Decision]:
    """Today's decision for the recorded event (its traits are already merged).

    Raises :class:`pydantic.ValidationError` when the recorded event is not an event.
    """
    resolved = resolve_event(Event.model_validate(exchange.event))
    return resolved, plan(resolved, exchange.destination, config)


def base_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def aimed_like(request: OutboundRequest, recorded: RecordedRequest) -> OutboundRequest:
    """Today's request aimed at the base URL the recorded one went to."""
    return request.with_base_url(base_of(recorded.url))


def _public_headers(headers: dict[str, str]) -> dict[str, str]:
    # Header names are case-insensitive on the wire; compare them lower-cased.
    return {k.lower(): v for k, v in headers.items() if k.lower() not in SECRET_HEADER_NAMES}


def wire_record(request: OutboundRequest) -> RecordedRequest:
    """How ``request`` is recorded once sent: auth header present but masked."""
    headers = {**request.headers, **auth_headers(request.auth, None)}
    return RecordedRequest(
        method=request.method, url=request.url, headers=redact_headers(headers), body=request.body
    )


def compare(
    exchange: Exchange, decision: Decision, ignore: tuple[str, ...] = ()
) -> list[Difference]:
    """Differences between the recorded exchange and today's decision.

    Compared: the decision's action and reason; the request's method, URL (aimed at the
    recorded base URL), non-secret headers, and body as JSON, less the body places the
    ``ignore`` pointers name.
    """
    differences = diff_json(exchange.decision.action, decision.action, "decision.action")
    differences += diff_json(exchange.decision.reason, decision.reason, "decision.reason")
    recorded = exchange.request
    if recorded is None or decision.request is None:
        if recorded is None and decision.request is None:
            return differences
        old: Any = recorded.model_dump() if recorded is not None else ABSENT
        new: Any = wire_record(decision.request).model_dump() if decision.request else ABSENT
        return [*differences, Difference("request", old, new)]
    today = aimed_like(decision.request, recorded)
    differences += diff_json(recorded.method, today.method, "request.method")
    differences += diff_json(recorded.url, today.url, "request.url")
    differences += diff_json(
        _public_headers(recorded.headers), _public_headers(today.headers), "request.headers"
    )
    differences += diff_json(
        without(recorded.body, ignore), without(today.body, ignore), "request.body"
    )
    return differences


def updated_exchange(exchange: Exchange, decision: Decision) -> Exchange:
    """``exchange`` with its decision and request rewritten to today's (``--update``)."""
    contract = decision.to_contract()
    recorded_decision = exchange.decision.model_copy(
        update={k: contract[k] for k in ("action", "reason", "warnings", "trace")}
    )
    request = None
    if decision.request is not None:
        aimed = (
            aimed_like(decision.request, exchange.request)
            if exchange.request is not None
            else decision.request
        )
        request = wire_record(aimed)
    return exchange.model_copy(update={"decision": recorded_decision, "request": request})
