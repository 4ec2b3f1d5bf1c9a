"""Send plans: what a send replay would do, worked out before anything is sent.

A plan takes the exchanges a send replay selects and says, per exchange, what today's
mapping and the runner's skip rules would do with it, and whether the lead it would
create exists already. Two passes:

1. :func:`survey` plans each exchange with today's mapping and the runner's own skip
   rules (captured traffic, already delivered by an earlier run of this replay, deferred
   and not yet due), noting the lead's email and the HTTP calls it would make.
2. :func:`settle` decides, in recorded order, which deliveries meet a lead that exists:
   in the store (delivered earlier to the same target), at the target (an optional
   look-up answer), or created by an earlier exchange of the same run. What that means
   differs per CRM (see :data:`DEDUPE`).

No I/O here: the store is reached through :class:`DeliveredLeads` and look-up answers
come in as a mapping, so the CLI, the TUI and tests share one plan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from pydantic import ValidationError

from signaltui.core.config import MappingConfig
from signaltui.core.request import OutboundRequest
from signaltui.delivery.lookup import contact_email, lookup_request
from signaltui.delivery.ratelimit import pacing_group
from signaltui.recordings import Exchange
from signaltui.replay.runner import not_yet_due
from signaltui.replay.verify import replan

if TYPE_CHECKING:
    from signaltui.replay.plan_time import Estimate

#: Plan outcomes, in the order they are shown. ``create``: a new lead; ``duplicate``: a
#: second lead for an email the CRM already holds; ``update``: Apollo with run_dedupe
#: updates the contact it finds; ``refused``: Outreach answers 422 "email hash has
#: already been taken"; ``found``: a deferred exchange's look-up before re-sending
#: finds the lead, so nothing is sent; ``dropped``: by consent or a mapping rule;
#: ``skipped``: not sent at all (see :data:`SKIP_REASONS`); ``error``: not an event.
OUTCOMES = ("create", "duplicate", "update", "refused", "found", "dropped", "skipped", "error")

#: Why an exchange is skipped, as the run report words it.
SKIP_REASONS = {
    "no_event": "captured exchange without an event: nothing to re-map",
    "already_delivered": "already delivered by an earlier run of this replay",
    "not_yet_due": "deferred: not due yet",
    "duplicate": "skipped as a duplicate: the lead already exists (--skip-duplicates)",
}

#: How each CRM treats a create for an email it already holds (crm-api-facts, per spec):
#: Close never de-duplicates a lead create; Apollo creates a second contact unless the
#: request carries ``run_dedupe: true``, which updates the match in place; Outreach
#: keeps one prospect per email and refuses the second with a 422.
DEDUPE = {
    "close": "none: every create is a new lead",
    "apollo": "run_dedupe: updates the match when the request sends it, else a duplicate",
    "outreach": "one prospect per email: a second create is refused (422)",
}

#: Where a lead that exists was seen.
SEEN_IN = ("store", "target", "run")


class DeliveredLeads(Protocol):
    """What the plan asks the store: which of these emails were delivered already."""

    def delivered_emails(
        self, destination: str, target: str, emails: Collection[str]
    ) -> set[str]:  # pragma: no cover - a protocol
        """The ``emails`` (lowercased) delivered to ``destination`` at ``target``."""
        ...


@dataclass(frozen=True)
class PlannedExchange:
    """One exchange of the plan. ``calls`` are the pacing groups of the HTTP requests it
    would make, in order (a deferred exchange looks its lead up before sending)."""

    exchange_id: str
    destination: str
    event: str
    source: str
    outcome: str
    reason: str | None = None
    email: str | None = None
    #: The request body asks Apollo to de-duplicate (``run_dedupe: true``).
    dedupe: bool = False
    #: A deferred exchange: the runner looks the lead up before sending it again.
    looks_first: bool = False
    calls: tuple[str, ...] = ()
    #: Where the lead was found to exist (``store``, ``target``, ``run``), if it was.
    exists_in: str | None = None
    #: For an exchange ``--skip-duplicates`` leaves out: what sending it would have done.
    would_be: str | None = None
    #: Today's create request (for a look-up at the target); not part of the JSON.
    request: OutboundRequest | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, object]:
        """The exchange's line in the JSON plan (no email: plans are shared, PII is not)."""
        data: dict[str, object] = {
            "id": self.exchange_id,
            "destination": self.destination,
            "event": self.event,
            "source": self.source,
            "outcome": self.outcome,
            "reason": self.reason,
            "exists_in": self.exists_in,
            "requests": len(self.calls),
        }
        if self.would_be is not None:
            data["would_be"] = self.would_be
        return data


@dataclass
class SendPlan:
    """A whole plan: the exchanges in recorded order, and where it was checked."""

    target: str
    live: bool
    exchanges: list[PlannedExchange] = field(default_factory=list)
    #: Look-ups made at the target (``None`` without ``--check-target``).
    checked: CheckStats | None = None
    #: Whether leads delivered earlier (per the store) still count at this target.
    store_counts: bool = True
    skip_duplicates: bool = False
    #: How long the run would take (:mod:`signaltui.replay.plan_time`).
    estimate: Estimate | None = None
    #: Sentences about the run as a whole (e.g. that it already ran to the end).
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, Counter[str]]:
        """CRM -> outcome -> exchanges."""
        table: dict[str, Counter[str]] = {}
        for item in self.exchanges:
            table.setdefault(item.destination, Counter())[item.outcome] += 1
        return table

    def reasons(self, outcome: str) -> dict[str, Counter[str]]:
        """CRM -> reason -> exchanges, for ``dropped``/``skipped``/``error``."""
        table: dict[str, Counter[str]] = {}
        for item in self.exchanges:
            if item.outcome == outcome:
                table.setdefault(item.destination, Counter())[item.reason or "?"] += 1
        return table

    def tally(self, outcome: str) -> dict[str, int]:
        """CRM -> exchanges with ``outcome`` (for skipped ones: what they would have been)."""
        found: Counter[str] = Counter()
        for item in self.exchanges:
            if item.outcome == outcome or item.would_be == outcome:
                found[item.destination] += 1
        return dict(found)

    def skipped_duplicates(self) -> dict[str, str]:
        """Exchange id -> reason, for the exchanges ``--skip-duplicates`` leaves out: those
        whose lead exists (the same whether this plan was made skipping them or not)."""
        return {
            item.exchange_id: SKIP_REASONS["duplicate"] + f" (seen in the {item.exists_in})"
            for item in self.exchanges
            if item.exists_in is not None
        }

    def sends(self) -> list[PlannedExchange]:
        """The exchanges that would make HTTP requests, in order."""
        return [item for item in self.exchanges if item.calls]


@dataclass
class CheckStats:
    """What ``--check-target`` did: look-ups made, leads found, emails left unchecked."""

    made: int = 0
    found: int = 0
    unchecked: int = 0
    failed: int = 0
    limit: int = 0


def _name(exchange: Exchange) -> str:
    return str(exchange.event.get("event") or exchange.event.get("type") or "?")


def plan_exchange(
    exchange: Exchange, source: str, config: MappingConfig, *, done: Collection[str], now: datetime
) -> PlannedExchange:
    """Plan one exchange as :func:`signaltui.replay.runner.run_send` would treat it."""
    base = PlannedExchange(exchange.id, exchange.destination, "?", source, "skipped")
    if not exchange.event:
        return replace(base, event="(no event)", reason="no_event")
    base = replace(base, event=_name(exchange))
    if exchange.id in done:
        return replace(base, reason="already_delivered")
    if not_yet_due(exchange, now):
        return replace(base, reason="not_yet_due")
    try:
        _, decision = replan(exchange, config)
    except ValidationError:
        return replace(base, outcome="error", reason="invalid_event")
    request = decision.request
    if decision.action != "deliver" or request is None:
        return replace(base, outcome="dropped", reason=decision.reason)
    calls = [pacing_group(exchange.destination, request.method, request.url)]
    looks_first = exchange.outcome == "deferred"
    lookup = lookup_request(exchange.destination, request) if looks_first else None
    if lookup is not None:
        calls.insert(0, pacing_group(exchange.destination, lookup.method, lookup.url))
    return replace(
        base,
        outcome="create",
        email=contact_email(exchange.destination, request.body),
        dedupe=request.body.get("run_dedupe") is True,
        looks_first=lookup is not None,
        calls=tuple(calls),
        request=request,
    )


def survey(
    exchanges: Iterable[tuple[str, Exchange]],
    config: MappingConfig,
    *,
    done: Collection[str] = (),
    now: datetime,
) -> list[PlannedExchange]:
    """Pass 1: every selected ``(source, exchange)`` planned, before duplicates are known."""
    return [plan_exchange(e, source, config, done=done, now=now) for source, e in exchanges]


def emails_by_crm(planned: Iterable[PlannedExchange]) -> dict[str, set[str]]:
    """CRM -> the emails its deliveries would create leads for."""
    table: dict[str, set[str]] = {}
    for item in planned:
        if item.outcome == "create" and item.email:
            table.setdefault(item.destination, set()).add(item.email)
    return table


def store_hits(
    planned: Iterable[PlannedExchange], store: DeliveredLeads, target: str
) -> set[tuple[str, str]]:
    """``(crm, email)`` pairs of the plan the store has as delivered to ``target``."""
    return {
        (crm, email)
        for crm, emails in emails_by_crm(planned).items()
        for email in store.delivered_emails(crm, target, emails)
    }


def existing_effect(item: PlannedExchange) -> str:
    """What sending ``item`` does when its lead exists (see :data:`DEDUPE`)."""
    if item.looks_first:
        return "found"  # the runner's look-up before re-sending finds it: nothing sent
    if item.destination == "outreach":
        return "refused"
    if item.destination == "apollo" and item.dedupe:
        return "update"
    return "duplicate"


def settle(
    planned: Iterable[PlannedExchange],
    *,
    known: Mapping[str, Collection[tuple[str, str]]],
    skip_duplicates: bool = False,
) -> list[PlannedExchange]:
    """Pass 2: each delivery's outcome once the leads that exist are known.

    ``known`` maps where a lead was seen (``store``, ``target``) to ``(crm, email)``
    pairs; leads the run itself creates are added in recorded order, so the second
    exchange for a new email meets the first one's lead.
    """
    created: set[tuple[str, str]] = set()
    settled: list[PlannedExchange] = []
    for item in planned:
        if item.outcome != "create" or not item.email:
            settled.append(item)
            continue
        key = (item.destination, item.email)
        seen = next((where for where in SEEN_IN if key in known.get(where, ())), None)
        if seen is None and key in created:
            seen = "run"
        created.add(key)
        if seen is None:
            settled.append(item)
            continue
        effect = existing_effect(item)
        if skip_duplicates:
            item = replace(item, outcome="skipped", reason="duplicate", would_be=effect, calls=())
        else:
            item = replace(item, outcome=effect)
            if effect == "found":
                item = replace(item, calls=item.calls[:1])  # the look-up only
        settled.append(replace(item, exists_in=seen))
    return settled
