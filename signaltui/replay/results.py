"""Per-exchange replay results and the running summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from signaltui.replay.diff import Difference

if TYPE_CHECKING:
    from signaltui.delivery.outcomes import DeliveryResult
    from signaltui.recordings import Exchange

Status = Literal["pass", "fail", "skip", "error"]


def model_json(model: Any) -> Any:
    """A recorded request or response (a pydantic model) as JSON data; ``None`` stays."""
    return model.model_dump(mode="json") if model is not None else None


@dataclass
class ExchangeResult:
    """How one recorded exchange fared in a replay."""

    exchange_id: str
    destination: str
    event: str
    status: Status
    source: str
    differences: list[Difference] = field(default_factory=list)
    outcome_before: str | None = None
    outcome_after: str | None = None
    hint: str | None = None
    message: str | None = None
    delivery_id: int | None = None
    #: The recorded exchange, and the request/response the replay made (``{"request": …,
    #: "response": …}``, redacted), for reports that show them (HTML, markdown); neither
    #: is part of the JSON form.
    exchange: Exchange | None = field(default=None, repr=False, compare=False)
    replayed: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    #: A send's result, from which :meth:`replayed_json` builds ``replayed`` the first
    #: time a report asks for it (most results are only counted).
    sent: DeliveryResult | None = field(default=None, repr=False, compare=False)
    #: Mode-specific detail kept in the JSON form under ``"mutation"`` (mutate mode: the
    #: kind, the expected and actual outcome, and whether they match).
    details: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def replayed_json(self) -> dict[str, Any] | None:
        """``replayed``, built from ``sent`` (its request and response as JSON) if unset."""
        if self.replayed is None and self.sent is not None:
            self.replayed = {
                "request": model_json(self.sent.request),
                "response": model_json(self.sent.response),
            }
        return self.replayed

    @property
    def change(self) -> str:
        """``failed → delivered`` style outcome change (send mode)."""
        return f"{self.outcome_before or '?'} → {self.outcome_after or '?'}"

    def to_json(self) -> dict[str, Any]:
        """JSON form for ``--json`` reports."""
        data: dict[str, Any] = {
            "id": self.exchange_id,
            "destination": self.destination,
            "event": self.event,
            "status": self.status,
            "source": self.source,
        }
        if self.differences:
            data["differences"] = [d.to_json() for d in self.differences]
        for key in ("outcome_before", "outcome_after", "hint", "message", "delivery_id"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.details is not None:
            data["mutation"] = self.details
        return data


@dataclass
class ReplaySummary:
    """Counts by status (and per destination) for a whole replay."""

    mode: str
    counts: Counter[str] = field(default_factory=Counter)
    by_destination: dict[str, Counter[str]] = field(default_factory=dict)
    changes: Counter[str] = field(default_factory=Counter)
    resumed_skips: int = 0
    #: Exchanges left out because their lead already exists (``--skip-duplicates``).
    duplicate_skips: int = 0
    updated: int = 0
    #: Recording files ``--update`` rewrote, in the order they were rewritten.
    rewritten: list[str] = field(default_factory=list)
    #: Exchanges skipped because they carry no event (captured traffic, e.g. a HAR import).
    no_event: int = 0
    #: Body pointers (RFC 6901) left out of every comparison (``--ignore``, ``[replay]``).
    ignored: tuple[str, ...] = ()
    #: Deferred exchanges skipped because their ``retry_at`` has not come yet.
    not_due: int = 0
    #: The earliest ``retry_at`` among them (ISO 8601 UTC).
    next_due: str | None = None

    def add_not_due(self, retry_at: str) -> None:
        """Count a deferred exchange left for later, keeping the earliest due time."""
        self.not_due += 1
        if self.next_due is None or retry_at < self.next_due:
            self.next_due = retry_at

    def add(self, result: ExchangeResult) -> None:
        """Count one result."""
        self.counts[result.status] += 1
        self.by_destination.setdefault(result.destination, Counter())[result.status] += 1
        if result.outcome_after is not None:
            self.changes[result.change] += 1

    @property
    def total(self) -> int:
        """Exchanges seen (skips included)."""
        return sum(self.counts.values())

    @property
    def ok(self) -> bool:
        """True when nothing failed or errored (exit code 0)."""
        nothing_checked = self.no_event > 0 and self.total == self.no_event
        return self.counts["fail"] == 0 and self.counts["error"] == 0 and not nothing_checked

    def to_json(self) -> dict[str, Any]:
        """JSON form for ``--json`` reports."""
        return {
            "mode": self.mode,
            "total": self.total,
            "passed": self.counts["pass"],
            "failed": self.counts["fail"],
            "errors": self.counts["error"],
            "skipped": self.counts["skip"],
            "resumed_skips": self.resumed_skips,
            "duplicates_skipped": self.duplicate_skips,
            "updated": self.updated,
            "by_destination": {d: dict(c) for d, c in sorted(self.by_destination.items())},
            "changes": dict(self.changes),
            "no_event": self.no_event,
            "ignored": list(self.ignored),
            "not_yet_due": self.not_due,
            "next_due": self.next_due,
        }
