"""Run a replay over recording files: verify (no network) or send (through a session).

Both modes stream: exchanges are read one line at a time and handed to ``on_result`` as
soon as they are done, so memory stays flat whatever the size of the recordings.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from signaltui.config import Settings
from signaltui.core.blueprints.registry import blueprints_for
from signaltui.core.config import MappingConfig
from signaltui.recordings import Exchange, RecordingWriter, iter_exchanges, iter_paths
from signaltui.replay.ignore import check_pointers
from signaltui.replay.results import ExchangeResult, ReplaySummary, model_json
from signaltui.replay.rules import with_rules
from signaltui.replay.select import Selection
from signaltui.replay.verify import compare, replan, updated_exchange
from signaltui.targets import Target

if TYPE_CHECKING:
    from signaltui.service import DeliverySession
    from signaltui.store import RunRow, Store

OnResult = Callable[[ExchangeResult], None]


@dataclass
class ReplayOptions:
    """What to replay and how. ``fresh`` ignores an interrupted run instead of resuming it;
    ``wait`` waits for an identical send replay running elsewhere instead of refusing,
    telling ``on_wait`` (a line for people) when the wait begins."""

    selection: Selection = field(default_factory=Selection)
    concurrency: int = 4
    update: bool = False
    fresh: bool = False
    wait: bool = False
    on_wait: Callable[[str], None] | None = None
    #: Body pointers (RFC 6901) left out of verify's comparison; listed in every report.
    ignore: tuple[str, ...] = ()
    #: The clock deferred exchanges are compared with (injectable for tests).
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    #: Exchange id -> why it is left out (``--skip-duplicates``: from a send plan).
    skip: dict[str, str] = field(default_factory=dict)


def left_for_later(summary: dict[str, Any] | None) -> bool:
    """Whether a finished send run's ``summary`` left deferred exchanges not yet due."""
    return bool(summary) and int((summary or {}).get("not_yet_due") or 0) > 0


def carries_on(previous: RunRow | None) -> bool:
    """Whether a send replay resumes ``previous`` (its earlier run under the same key).

    An interrupted run is resumed, and so is one that ended leaving deferred exchanges
    for later: running it again sends those (once due), not the rest.
    """
    return previous is not None and (
        previous.finished_at is None or left_for_later(previous.summary)
    )


def resumed_keys(store: Store, key: str, *, fresh: bool) -> set[str]:
    """Exchange keys a send replay under ``key`` would skip as already delivered."""
    previous = None if fresh else store.find_run(key)
    if previous is None or not carries_on(previous):
        return set()
    return store.delivered_exchange_keys(previous.id)


def not_yet_due(exchange: Exchange, now: datetime) -> bool:
    """A deferred exchange whose ``retry_at`` is still ahead (an unreadable one is due)."""
    if exchange.outcome != "deferred" or not exchange.retry_at:
        return False
    try:
        due = datetime.fromisoformat(exchange.retry_at.replace("Z", "+00:00"))
    except ValueError:
        return False
    return (due if due.tzinfo else due.replace(tzinfo=UTC)) > now


def _exchanges(files: Sequence[Path], selection: Selection) -> Iterator[tuple[str, Exchange]]:
    """The selected exchanges of recording ``files`` (already expanded by ``iter_paths``)."""
    for path in files:
        for line, exchange in iter_exchanges(path):
            if selection.takes(exchange):
                yield f"{path}:{line}", exchange


def _event_name(exchange: Exchange) -> str:
    return str(exchange.event.get("event") or exchange.event.get("type") or "?")


def _invalid_event(exchange: Exchange, source: str, error: ValidationError) -> ExchangeResult:
    return ExchangeResult(
        exchange.id,
        exchange.destination,
        _event_name(exchange),
        "error",
        source,
        message=f"recorded event is not a valid event: {error.errors()[0]['msg']}",
    )


def _skipped(skipped: Exchange, source: str, message: str, **extra: Any) -> ExchangeResult:
    """A replay's ``skip`` result for ``skipped``, saying why in ``message``; ``extra``
    are further :class:`ExchangeResult` fields."""
    name = _event_name(skipped) if skipped.event else "(no event)"
    return ExchangeResult(
        skipped.id, skipped.destination, name, "skip", source, message=message, **extra
    )


def _no_event(exchange: Exchange, source: str) -> ExchangeResult:
    """Captured traffic (e.g. imported from a HAR) has no event to re-map: a counted skip."""
    message = "captured exchange without an event: nothing to re-map (mock check uses it)"
    return _skipped(exchange, source, message, exchange=exchange)


def verify_one(
    exchange: Exchange,
    source: str,
    settings: Settings,
    ignore: tuple[str, ...] = (),
    config: MappingConfig | None = None,
) -> tuple[ExchangeResult, Exchange | None]:
    """Verify one exchange; also return the rewritten exchange when it differs.

    ``config`` is ``settings.mapping_config``, when the caller already has it.
    """
    if not exchange.event:
        return _no_event(exchange, source), None
    try:
        _, decision = replan(exchange, config or settings.mapping_config)
    except ValidationError as error:
        return _invalid_event(exchange, source, error), None
    differences = compare(exchange, decision, ignore)
    if differences:  # name the rule behind each changed place (read only on a failure)
        blueprint = blueprints_for(config or settings.mapping_config)[exchange.destination]
        differences = with_rules(differences, blueprint.spec, decision.event)
    updated = updated_exchange(exchange, decision) if differences else None
    result = ExchangeResult(
        exchange.id,
        exchange.destination,
        _event_name(exchange),
        "fail" if differences else "pass",
        source,
        differences=differences,
        message=f"{len(differences)} difference(s)" if differences else None,
        exchange=exchange,
        replayed={"request": model_json(updated.request)} if updated is not None else None,
    )
    return result, updated


def run_verify(
    paths: Sequence[Path], settings: Settings, options: ReplayOptions, on_result: OnResult
) -> ReplaySummary:
    """Compare every selected exchange with today's mapping. No network.

    With ``options.update`` each file that differs is rewritten (atomically) with today's
    requests; the differences are still reported.
    """
    ignore = _ignored(settings, options)
    summary = ReplaySummary(mode="verify", ignored=ignore)
    # Read once, not per exchange (the property checks its inputs on every read, ~2 µs);
    # first when an exchange needs it, so a bad blueprint file fails where it did before.
    config: MappingConfig | None = None
    for path in iter_paths(list(paths)):
        rewritten: list[Exchange] | None = [] if options.update else None
        changed = False
        for line, exchange in iter_exchanges(path):
            if not options.selection.takes(exchange):
                if rewritten is not None:
                    rewritten.append(exchange)
                continue
            if config is None and exchange.event:
                config = settings.mapping_config
            result, updated = verify_one(exchange, f"{path}:{line}", settings, ignore, config)
            summary.no_event += not exchange.event
            summary.add(result)
            on_result(result)
            if rewritten is not None:
                rewritten.append(updated or exchange)
                changed = changed or updated is not None
                summary.updated += updated is not None
        if rewritten is not None and changed:
            secrets = settings.credentials.secret_values()
            with RecordingWriter(path, secrets=secrets, atomic=True) as writer:
                for exchange in rewritten:
                    writer.write(exchange)
            summary.rewritten.append(str(path))
    return summary


def _ignored(settings: Settings, options: ReplayOptions) -> tuple[str, ...]:
    """The config's ``[replay] ignore`` and the run's own, so every front end honours both."""
    return check_pointers([*settings.replay.ignore, *options.ignore])


def resume_key(paths: Sequence[Path], target: Target, selection: Selection) -> str:
    """The key an interrupted send replay is found again by: same files, target, filters."""
    material = json.dumps(
        [
            sorted(str(p.resolve()) for p in paths),
            target.label,
            sorted(selection.destinations or []),
            sorted(selection.events or []),
            sorted(selection.outcomes or []),
            selection.shard,
        ]
    )
    return "replay-send:" + hashlib.sha256(material.encode()).hexdigest()[:24]


async def run_send(
    paths: Sequence[Path],
    session: DeliverySession,
    options: ReplayOptions,
    on_result: OnResult,
) -> ReplaySummary:
    """Re-deliver every selected exchange through ``session`` and store each new outcome.

    The event is re-mapped with today's core and config (the point of a re-send is that
    config or credentials were fixed). Every delivery is stored as it finishes, under a
    run; an unfinished run with the same files, target and filters is resumed, skipping
    what it already delivered.
    """
    # Read up to the first selected exchange before a run is recorded, so a missing or
    # unreadable recording fails without leaving an empty unfinished run behind.
    exchanges = _exchanges(list(iter_paths(list(paths))), options.selection)
    first = next(exchanges, None)
    if first is not None:
        exchanges = itertools.chain([first], exchanges)
    store = session.store
    if store is None:
        return await _deliver_all(session, exchanges, options, on_result, None, set())
    key = resume_key(paths, session.target, options.selection)
    # The lock makes an identical replay elsewhere refuse (or wait) instead of resuming
    # this run's unfinished record while it is still delivering.
    # Here, not at the top: a verify run (the CI gate) loads neither the run lock nor,
    # through the session, httpx and the store.
    from signaltui.replay.runlock import hold_run, lock_path

    lock = lock_path(store.where, key)
    async with hold_run(lock, wait=options.wait, on_wait=options.on_wait) as waited:
        previous = None if options.fresh else store.find_run(key)
        done: set[str] = set()
        carry_on = carries_on(previous)
        if previous is not None and (carry_on or waited):
            # After waiting for a run that finished, its deliveries are skipped too: the
            # two commands asked for the same sends.
            done = store.delivered_exchange_keys(previous.id)
        if previous is not None and carry_on:
            run_id = previous.id
        else:
            meta = {"paths": [str(p) for p in paths], "target": session.target.label}
            run_id = store.start_run("replay-send", meta, resume_key=key)
        summary = await _deliver_all(session, exchanges, options, on_result, run_id, done)
        store.finish_run(run_id, summary.to_json())
    return summary


async def _deliver_all(
    session: DeliverySession,
    exchanges: Iterator[tuple[str, Exchange]],
    options: ReplayOptions,
    on_result: OnResult,
    run_id: int | None,
    done: set[str],
) -> ReplaySummary:
    """Deliver ``exchanges`` with ``options.concurrency`` workers, skipping ``done``."""
    summary = ReplaySummary(mode="send", ignored=_ignored(session.settings, options))

    async def handle(source: str, exchange: Exchange) -> None:
        if not exchange.event:
            summary.no_event += 1
            result = _no_event(exchange, source)
        elif exchange.id in done:
            summary.resumed_skips += 1
            result = _skipped(
                exchange, source, "already delivered by an earlier run of this replay"
            )
        elif not_yet_due(exchange, options.now()):
            summary.add_not_due(str(exchange.retry_at))
            result = _skipped(
                exchange,
                source,
                f"deferred: not due until {exchange.retry_at}",
                outcome_before=exchange.outcome,
            )
        elif exchange.id in options.skip:
            summary.duplicate_skips += 1
            result = _skipped(exchange, source, options.skip[exchange.id])
        else:
            result = await _send_one(session, exchange, source, run_id)
        summary.add(result)
        on_result(result)

    queue: asyncio.Queue[tuple[str, Exchange] | None] = asyncio.Queue(options.concurrency * 2)

    async def worker() -> None:
        while (item := await queue.get()) is not None:
            await handle(*item)

    async def produce() -> None:
        for item in exchanges:
            await queue.put(item)
        for _ in range(workers):
            await queue.put(None)

    workers = max(1, options.concurrency)
    tasks = [asyncio.create_task(produce())]
    tasks += [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        # gather re-raises the first failure (an interrupt inside a worker included)
        # at once, so the producer never waits on a queue nobody reads any more.
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
    return summary


async def _send_one(
    session: DeliverySession, exchange: Exchange, source: str, run_id: int | None
) -> ExchangeResult:
    try:
        resolved, decision = replan(exchange, session.settings.mapping_config)
    except ValidationError as error:
        return _invalid_event(exchange, source, error)
    sent = await session.deliver(
        resolved,
        decision,
        mode="replay-send",
        run_id=run_id,
        replay_of=exchange.id,
        exchange_key=exchange.id,
        # A deferred delivery may have been created before it was deferred: look first.
        # (A dead letter already had its last look before it was given up.)
        look_first=exchange.outcome == "deferred",
    )
    result = sent.result
    message = None if result.ok else (result.reason or result.outcome)
    if result.outcome == "deferred":
        message = f"deferred again: due {result.retry_at}"
    return ExchangeResult(
        exchange.id,
        exchange.destination,
        _event_name(exchange),
        "pass" if result.ok else "fail",
        source,
        outcome_before=exchange.outcome,
        outcome_after=result.outcome,
        hint=result.hint,
        message=message,
        delivery_id=sent.delivery_id,
        exchange=exchange,
        sent=result,
    )
