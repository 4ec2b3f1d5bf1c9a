"""One recorded exchange: a line of a recording file (docs/recordings.md, version 1).

An :class:`Exchange` holds everything needed to replay or verify one delivery: the event
as mapped (traits merged), the core's decision, the request that went out (secrets
masked), the response that came back, and how the delivery ended. Unknown extra keys are
kept (``extra="allow"``) so a newer minor writer's additions survive a read/write cycle.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from signaltui.core.decision import Decision
from signaltui.core.request import Destination
from signaltui.delivery.outcomes import DeliveryResult, Outcome, RecordedRequest, RecordedResponse

#: The ``format`` marker every version-1 line carries.
FORMAT: Final = "signaltui.recording"
#: The version this code writes; older ones are upgraded on read (see ``upgrade.py``).
CURRENT_VERSION: Final = 1


class RecordedDecision(BaseModel):
    """The core's decision as recorded: ``action`` and ``reason``, optionally more.

    ``warnings`` and ``trace`` are as in previews; other keys (e.g. ``detail``) are kept.
    """

    model_config = ConfigDict(extra="allow")

    action: Literal["deliver", "drop"]
    reason: str | None = None
    warnings: list[str] = Field(default_factory=list)
    trace: list[dict[str, Any]] = Field(default_factory=list)


class Exchange(BaseModel):
    """One recorded delivery of one event to one destination (one JSONL line)."""

    # Cache only key strings while parsing: values (ids, emails, timestamps) are mostly
    # unique, and churning pydantic's value cache made a 100k-line replay ~40% slower
    # per line than a 10k one.
    model_config = ConfigDict(extra="allow", cache_strings="keys")

    format: Literal["signaltui.recording"] = FORMAT
    version: Literal[1] = CURRENT_VERSION
    id: str = Field(min_length=1)
    recorded_at: str
    destination: Destination
    #: ``mock``, ``live`` or the base URL the request was sent to.
    target: str
    event: dict[str, Any]
    decision: RecordedDecision
    request: RecordedRequest | None = None
    response: RecordedResponse | None = None
    outcome: Outcome
    attempts: int = Field(ge=0)
    #: Optional troubleshooting hint for the outcome (from the delivery layer).
    hint: str | None = None
    #: For ``deferred``: when the CRM said to send again (ISO 8601 UTC). Written only when
    #: set, so lines of other outcomes are unchanged and older readers see nothing new.
    retry_at: str | None = None


def new_exchange_id() -> str:
    """A fresh, unique exchange id (random UUID, hex)."""
    return uuid.uuid4().hex


def exchange_key(exchange: Exchange | Mapping[str, Any]) -> str:
    """The stable key used to resume or de-duplicate replays: the exchange's ``id``.

    Upgraded version-0 lines get a deterministic id (see ``upgrade.py``), so the key of a
    line is the same on every read.
    """
    if isinstance(exchange, Exchange):
        return exchange.id
    return str(exchange["id"])


def now_iso() -> str:
    """The current UTC time as ISO 8601 with a ``Z`` suffix (``recorded_at`` style)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def exchange_from_result(
    result: DeliveryResult,
    *,
    event: Mapping[str, Any],
    decision: Decision | Mapping[str, Any],
    exchange_id: str | None = None,
    recorded_at: str | None = None,
) -> Exchange:
    """Build an :class:`Exchange` from a delivery result and the decision behind it.

    ``decision`` may be the core's ``Decision`` (its preview form is used) or a mapping
    with at least ``action``. The result is not yet redacted: writers redact on write.
    """
    raw: Mapping[str, Any] = decision.to_contract() if isinstance(decision, Decision) else decision
    kept = {k: v for k, v in raw.items() if k in ("action", "reason", "warnings", "trace")}
    if raw.get("detail") is not None:
        kept["detail"] = raw["detail"]
    return Exchange(
        id=exchange_id or new_exchange_id(),
        recorded_at=recorded_at or now_iso(),
        destination=result.destination,
        target=result.target,
        event=dict(event),
        decision=RecordedDecision.model_validate(kept),
        request=result.request,
        response=result.response,
        outcome=result.outcome,
        attempts=len(result.attempts),
        hint=result.hint,
        retry_at=result.retry_at,
    )
