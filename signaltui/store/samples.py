"""Deterministic sample rows for tests, benchmarks and demos of the store.

``sample_item(n)`` varies lead, destination, outcome and time with ``n`` so a large
batch (``record_many(sample_item(i) for i in range(1_000_000))``) looks like traffic.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from signaltui.delivery.outcomes import (
    AttemptRecord,
    DeliveryResult,
    Outcome,
    RecordedRequest,
    RecordedResponse,
)
from signaltui.store.models import StoreItem
from signaltui.store.times import format_utc

_START = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
_PATHS = {"apollo": "/api/v1/contacts", "outreach": "/api/v2/prospects", "close": "/api/v1/lead/"}
_STATUS: dict[str, int] = {
    "delivered": 200,
    "rejected": 422,
    "failed": 401,
    "dead_lettered": 503,
    "deferred": 429,
}


def stamp(seconds: float) -> str:
    """The store's timestamp ``seconds`` after 2026-11-22T10:00:00Z."""
    return format_utc(_START + timedelta(seconds=seconds))


def sample_event(
    first: str = "Jane",
    last: str = "Doe",
    email: str = "jane.doe@acme.com",
    company: str | dict[str, str] = "Acme Inc",
    event: str = "Demo Requested",
    message_id: str = "msg-1",
) -> dict[str, Any]:
    """A contract-1 track event with traits on it."""
    return {
        "type": "track",
        "event": event,
        "userId": f"user-{message_id}",
        "anonymousId": f"anon-{message_id}",
        "traits": {"firstName": first, "lastName": last, "email": email, "company": company},
        "properties": {"lead_source": "Website demo form"},
        "context": {"consent": {"marketing": True}},
        "messageId": message_id,
        "timestamp": "2026-11-22T10:00:00Z",
    }


def sample_request(
    destination: str = "close", headers: dict[str, str] | None = None
) -> RecordedRequest:
    """A request as the delivery layer records it (already masked unless told otherwise)."""
    return RecordedRequest(
        method="POST",
        url="http://127.0.0.1:8765" + _PATHS.get(destination, "/"),
        headers=headers if headers is not None else {"Content-Type": "application/json"},
        body={"name": "Acme Inc", "contacts": [{"emails": [{"email": "jane.doe@acme.com"}]}]},
    )


def sample_result(
    destination: str = "close",
    outcome: Outcome = "delivered",
    *,
    target: str = "mock",
    attempts: int = 1,
    started: float = 0.0,
    headers: dict[str, str] | None = None,
    reason: str | None = None,
) -> DeliveryResult:
    """A delivery result; ``dropped`` has no request or attempts, retries answer 503 first."""
    if outcome == "dropped":
        return DeliveryResult(
            destination=destination,
            target=target,
            outcome="dropped",
            reason=reason or "consent_not_granted",
        )
    request = sample_request(destination, headers)
    tries = []
    for number in range(1, attempts + 1):
        final = number == attempts
        status = _STATUS[outcome] if final else 503
        response = RecordedResponse(
            status=status,
            headers={"Content-Type": "application/json"},
            body={"id": "lead_8f2k"} if status < 300 else {"error": "nope"},
            latency_ms=12.5,
        )
        tries.append(
            AttemptRecord(
                number=number,
                started_at=stamp(started + number - 1),
                request=request,
                response=response,
                wait_seconds=None if final else 0.5,
            )
        )
    return DeliveryResult(
        destination=destination,
        target=target,
        outcome=outcome,
        reason=reason,
        hint="check the API key" if outcome == "failed" else None,
        request=request,
        response=tries[-1].response,
        attempts=tries,
    )


def sample_item(n: int) -> StoreItem:
    """The ``n``-th item of a varied, deterministic stream."""
    destination = ("apollo", "outreach", "close")[n % 3]
    outcomes: tuple[Outcome, ...] = ("delivered", "delivered", "dropped", "rejected")
    outcome = outcomes[n % 4]
    event = sample_event(
        first=f"Lead{n}", email=f"lead{n}@example{n % 100}.com", message_id=f"msg-{n}"
    )
    result = sample_result(destination, outcome, started=n)
    action = "drop" if outcome == "dropped" else "deliver"
    return StoreItem(
        event=event,
        merged=event,
        received_at=stamp(n),
        decision={"action": action, "reason": result.reason, "warnings": [], "trace": []},
        result=result,
    )
