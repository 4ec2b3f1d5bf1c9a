"""Mutation runs: re-deliver each recorded success against the in-process mock with its
answer turned into each failure the CRM can give, and judge the handling by one table.

Every (exchange, kind) gets a fresh in-process mock CRM, the mutation as ASGI
middleware in front of it (:mod:`signaltui.replay.mutate_faults`), and a
:class:`~signaltui.service.DeliverySession` on the ``mock`` target with no store, so a
mutation run never reaches the network (whatever target the recording names) and
never adds to the delivery history. Time is simulated: the client's sleeps move a clock
that the mock reads too, so an hour-long Retry-After costs nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from signaltui.config import DeliverySettings, Settings
from signaltui.delivery.outcomes import DeliveryResult
from signaltui.mock import create_app, get_mock_state
from signaltui.recordings import Exchange, iter_exchanges, iter_paths
from signaltui.replay.mutate_expect import KINDS, Expected, MutationKind, rows_for
from signaltui.replay.mutate_faults import MutationFault, lead_count
from signaltui.replay.results import ExchangeResult, ReplaySummary
from signaltui.replay.select import Selection
from signaltui.replay.verify import replan
from signaltui.service import DeliverySession
from signaltui.targets import Target


class SimulatedTime:
    """A wall clock and a monotonic clock that only move when the client sleeps."""

    def __init__(self, start: float) -> None:
        self.wall = start
        self.mono = 0.0
        self.slept = 0.0

    def now(self) -> float:
        """Simulated epoch seconds (the mock's clock and the client's wall clock)."""
        return self.wall

    def monotonic(self) -> float:
        """Simulated monotonic seconds (the client's pacing clock)."""
        return self.mono

    async def sleep(self, seconds: float) -> None:
        """Move both clocks on by ``seconds`` at once, yielding to the event loop."""
        seconds = max(0.0, seconds)
        self.wall += seconds
        self.mono += seconds
        self.slept += seconds
        await asyncio.sleep(0)


@dataclass
class MutationResult:
    """One mutation of one recorded exchange: what the table expects, what happened."""

    exchange: Exchange
    source: str
    event: str
    kind: MutationKind
    expected: Expected
    actual: Expected | None = None
    hint: str | None = None
    retry_at: str | None = None
    #: Simulated seconds the delivery waited (Retry-After, backoff).
    waited: float = 0.0
    #: Requests the mutation answered: 0 means it never fired, which never passes.
    hits: int = 0
    #: What the delivery raised instead of ending with an outcome: always a mismatch.
    error: str | None = None

    @property
    def destination(self) -> str:
        return self.exchange.destination

    @property
    def matches(self) -> bool:
        """Whether the delivery did exactly what the table says (deferred: with a due time)."""
        if self.actual is None or self.actual != self.expected or self.hits == 0:
            return False
        return self.actual.outcome != "deferred" or self.retry_at is not None

    def got(self) -> str:
        """What happened, in words."""
        if self.actual is None:
            return f"error: {self.error}"
        if self.hits == 0:
            return f"{self.actual.describe()}, but the mutation never fired"
        return self.actual.describe()

    def to_json(self) -> dict[str, Any]:
        """The row of ``--json`` reports."""
        return {
            "kind": self.kind.name,
            "crm": self.destination,
            "exchange": self.exchange.id,
            "expected": _expected_json(self.expected),
            "actual": _expected_json(self.actual) if self.actual else None,
            "match": self.matches,
            "retry_at": self.retry_at,
            "waited_seconds": round(self.waited, 3),
            "fault_hits": self.hits,
            "error": self.error,
        }

    def to_exchange_result(self) -> ExchangeResult:
        """The row as a replay result, for the shared JUnit/HTML/markdown/JSON writers."""
        return ExchangeResult(
            f"{self.exchange.id}:{self.kind.name}",
            self.destination,
            f"{self.event} [{self.kind.name}]",
            "pass" if self.matches else "fail",
            self.source,
            outcome_before=self.exchange.outcome,
            outcome_after=self.actual.outcome if self.actual else None,
            hint=self.hint,
            message=f"expected {self.expected.describe()}; got {self.got()}",
            exchange=self.exchange,
            details=self.to_json(),
        )


def _expected_json(value: Expected | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "outcome": value.outcome,
        "how": value.how,
        "sends": value.sends,
        "lookups": value.lookups,
        "leads": value.leads,
    }


@dataclass
class MutationSummary:
    """Every mutation's result, and what was read to find the successes."""

    results: list[MutationResult] = field(default_factory=list)
    files: int = 0
    exchanges: int = 0
    successes: int = 0
    #: Successes today's mapping no longer delivers (nothing to mutate), with why.
    unplanned: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Exit 0: something was mutated and every mutation matched the table."""
        return bool(self.results) and all(r.matches for r in self.results)

    def replay_summary(self) -> ReplaySummary:
        """The same counts as a replay summary, for the shared report writers."""
        summary = ReplaySummary(mode="mutate")
        for result in self.results:
            summary.add(result.to_exchange_result())
        return summary


def _successes(
    paths: Sequence[Path], selection: Selection, summary: MutationSummary
) -> list[tuple[str, Exchange]]:
    """The selected exchanges recorded as delivered (with an event to re-plan)."""
    found: list[tuple[str, Exchange]] = []
    for path in iter_paths(list(paths)):
        summary.files += 1
        for line, exchange in iter_exchanges(path):
            summary.exchanges += 1
            if exchange.outcome == "delivered" and exchange.event and selection.takes(exchange):
                found.append((f"{path}:{line}", exchange))
    summary.successes = len(found)
    return found


def _policy(settings: Settings) -> Settings:
    """The user's settings with the default delivery policy the table is written for."""
    return settings.model_copy(update={"delivery": DeliverySettings(rate_limit_per_second=0)})


async def mutate_one(
    exchange: Exchange,
    source: str,
    settings: Settings,
    kind: MutationKind,
    expected: Expected,
    *,
    start: float,
) -> MutationResult:
    """Deliver ``exchange`` once against a fresh mock with ``kind`` put on its first create."""
    resolved, decision = replan(exchange, settings.mapping_config)
    event = str(exchange.event.get("event") or exchange.event.get("type") or "?")
    result = MutationResult(exchange, source, event, kind, expected)
    clock = SimulatedTime(start)
    app = create_app(settings.credentials, limits="off", clock=clock.now)
    state = get_mock_state(app)
    faults: list[MutationFault] = []

    def fault(inner: Any) -> MutationFault:
        # Starlette builds the middleware on the first request; keep it to read its hits.
        made = MutationFault(
            inner,
            kind=kind.name,
            destination=exchange.destination,
            state=state,
            clock=clock.now,
            persists=kind.persists,
        )
        faults.append(made)
        return made

    app.add_middleware(fault)
    options = {"sleep": clock.sleep, "clock": clock.monotonic, "wall_clock": clock.now}
    options["rng"] = lambda: 0.0  # backoff at its floor: the same waits every run
    try:
        async with DeliverySession(
            settings, Target("mock"), mock_app=app, rate_limit=False, client_options=options
        ) as session:
            sent = await session.deliver(resolved, decision, mode="replay-mutate")
    except Exception as exc:  # a crash under a failure is a finding, not an abort
        result.error = f"the delivery raised {type(exc).__name__}: {exc}"
    else:
        _fill(result, sent.result, lead_count(state, exchange.destination), clock.slept)
    result.hits = sum(made.hits for made in faults)
    return result


def _fill(result: MutationResult, delivery: DeliveryResult, leads: int, waited: float) -> None:
    sends = sum(1 for a in delivery.attempts if a.kind == "send")
    lookups = sum(1 for a in delivery.attempts if a.kind == "lookup")
    result.actual = Expected(delivery.outcome, sends=sends, lookups=lookups, leads=leads)
    result.hint = delivery.hint
    result.retry_at = delivery.retry_at
    result.waited = waited


async def run_mutations(
    paths: Sequence[Path],
    settings: Settings,
    selection: Selection,
    on_result: Callable[[MutationResult], None],
    *,
    kinds: Sequence[str] | None = None,
    now: Callable[[], float] = time.time,
) -> MutationSummary:
    """Every kind of mutation (or only ``kinds``) of every selected recorded success.

    A recording that cannot be read raises :class:`~signaltui.errors.InputError` before
    anything runs.
    """
    summary = MutationSummary()
    successes = _successes(paths, selection, summary)
    policy = _policy(settings)
    wanted = set(kinds) if kinds else {kind.name for kind in KINDS}
    for source, exchange in successes:
        try:
            _, decision = replan(exchange, policy.mapping_config)
        except ValidationError as error:
            summary.unplanned.append(f"{source}: not a valid event ({error.errors()[0]['msg']})")
            continue
        if decision.action != "deliver":
            summary.unplanned.append(f"{source}: today's mapping drops it ({decision.reason})")
            continue
        for kind, expected in rows_for(exchange.destination):
            if kind.name not in wanted:
                continue
            result = await mutate_one(exchange, source, policy, kind, expected, start=now())
            summary.results.append(result)
            on_result(result)
    return summary
