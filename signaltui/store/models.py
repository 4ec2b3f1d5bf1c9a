"""The rows the store hands back, and the item :meth:`Store.record_many` takes.

Rows are plain pydantic models so front ends can print them, dump them as JSON
(``row.model_dump_json()``) or turn a delivery back into a recording exchange.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from signaltui.delivery.outcomes import (
    AttemptRecord,
    DeliveryResult,
    RecordedRequest,
    RecordedResponse,
)

#: Delivery modes the front ends use; the store accepts any non-empty name.
KNOWN_MODES = ("send", "replay-send", "replay-verify", "import")


class EventRow(BaseModel):
    """One received event: the searchable identity columns plus both JSON forms."""

    id: int
    message_id: str | None = None
    type: str | None = None
    event: str | None = None
    user_id: str | None = None
    anonymous_id: str | None = None
    email: str | None = None
    name: str | None = None
    company: str | None = None
    received_at: str
    raw: dict[str, Any] = Field(default_factory=dict, description="The event as received.")
    merged: dict[str, Any] = Field(default_factory=dict, description="Traits merged in.")


class DeliveryRow(BaseModel):
    """One delivery as a list shows it: what, where, how it ended, for whom."""

    id: int
    event_id: int
    created_at: str
    finished_at: str | None = None
    destination: str
    target: str
    mode: str
    action: str
    outcome: str
    reason: str | None = None
    hint: str | None = None
    response_status: int | None = None
    attempt_count: int = 0
    run_id: int | None = None
    replay_of: str | None = None
    exchange_key: str | None = None
    retry_at: str | None = Field(None, description="When a deferred delivery is due (UTC).")
    event: str | None = Field(None, description="The event name (track) of the event.")
    email: str | None = None
    name: str | None = None
    company: str | None = None


class DeliveryDetail(DeliveryRow):
    """A delivery with everything behind it: event, decision, final exchange, attempts."""

    event_row: EventRow
    decision: dict[str, Any] = Field(default_factory=dict)
    request: RecordedRequest | None = None
    response: RecordedResponse | None = None
    attempts: list[AttemptRecord] = Field(default_factory=list)


class RunRow(BaseModel):
    """A replay (or batch send) run, so an interrupted one can be resumed."""

    id: int
    kind: str
    resume_key: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict)
    started_at: str
    finished_at: str | None = None
    summary: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class StoreItem:
    """One event and, optionally, its delivery, for :meth:`Store.record_many`.

    With ``result`` left ``None`` only the event is stored (e.g. a preview).
    """

    event: dict[str, Any]
    merged: dict[str, Any]
    received_at: str
    decision: dict[str, Any] | None = None
    result: DeliveryResult | None = None
    mode: str = "send"
    run_id: int | None = None
    replay_of: str | None = None
    exchange_key: str | None = None
    created_at: str | None = None
    finished_at: str | None = None
