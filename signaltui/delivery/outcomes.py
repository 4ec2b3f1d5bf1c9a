"""What a delivery ended as, attempt by attempt, in a shape the store and recordings keep.

Every request here is already redacted (secret header values masked): these records are
what gets stored, recorded and shown, so they must never hold a credential.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Outcome = Literal["delivered", "dropped", "rejected", "failed", "dead_lettered"]
OUTCOMES: tuple[Outcome, ...] = ("delivered", "dropped", "rejected", "failed", "dead_lettered")


class RecordedRequest(BaseModel):
    """A request as sent, secrets masked (contract 2/3 ``request`` object)."""

    method: str
    url: str
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None


class RecordedResponse(BaseModel):
    """A response as received (contract 3 ``response`` object) plus its latency."""

    status: int
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    latency_ms: float = 0.0


class AttemptRecord(BaseModel):
    """One try: what went out, what came back (or the transport error), and the wait after."""

    number: int
    started_at: str
    request: RecordedRequest
    response: RecordedResponse | None = None
    error: str | None = None
    wait_seconds: float | None = None


class DeliveryResult(BaseModel):
    """The end of one delivery: its outcome, the last response, and every attempt.

    - ``delivered``: the CRM accepted it (2xx).
    - ``dropped``: the core decided not to send (``reason`` is the drop reason).
    - ``rejected``: the CRM answered with a final 4xx (bad key, validation, duplicate…).
    - ``failed``: it could not be sent and retrying would not help (e.g. the OAuth
      refresh token was refused, a redirect or an unexpected status).
    - ``dead_lettered``: a retryable failure (429, 5xx, timeout, connection) that was
      still failing after the last attempt.
    """

    destination: str
    target: str
    outcome: Outcome
    reason: str | None = None
    hint: str | None = None
    request: RecordedRequest | None = None
    response: RecordedResponse | None = None
    attempts: list[AttemptRecord] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True for outcomes that exit 0 (delivered, or dropped by design)."""
        return self.outcome in ("delivered", "dropped")
