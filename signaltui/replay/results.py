"""Per-exchange replay results and the running summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from signaltui.replay.diff import Difference

Status = Literal["pass", "fail", "skip", "error"]


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
        return data


@dataclass
class ReplaySummary:
    """Counts by status (and per destination) for a whole replay."""

    mode: str
    counts: Counter[str] = field(default_factory=Counter)
    by_destination: dict[str, Counter[str]] = field(default_factory=dict)
    changes: Counter[str] = field(default_factory=Counter)
    resumed_skips: int = 0
    updated: int = 0
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
        return self.counts["fail"] == 0 and self.counts["error"] == 0

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
            "updated": self.updated,
            "by_destination": {d: dict(c) for d, c in sorted(self.by_destination.items())},
            "changes": dict(self.changes),
            "not_yet_due": self.not_due,
            "next_due": self.next_due,
        }
