"""Build a :class:`~signaltui.replay.plan.SendPlan` for recordings, a target and filters.

The one place the plan's inputs are gathered (recordings, the resume state of the same
replay, the store, an optional look-up at the target, the limits), for the CLI and the
TUI alike. Reading only: nothing is sent, stored or changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from signaltui.config import Settings
from signaltui.limit_policy import parse_limits
from signaltui.recordings import Exchange, iter_exchanges, iter_paths
from signaltui.replay.plan import SendPlan, settle, store_hits, survey
from signaltui.replay.plan_check import DEFAULT_CHECK_LIMIT, check_target
from signaltui.replay.plan_limits import served_limits
from signaltui.replay.plan_time import estimate_run, profile_for
from signaltui.replay.runner import carries_on, resume_key, resumed_keys
from signaltui.replay.select import Selection
from signaltui.service import DeliverySession
from signaltui.store import Store
from signaltui.targets import Target


def selected(paths: Sequence[Path], selection: Selection) -> Iterator[tuple[str, Exchange]]:
    """The ``(source, exchange)`` pairs a replay over ``paths`` takes, in order."""
    for path in iter_paths(list(paths)):
        for line, exchange in iter_exchanges(path):
            if selection.takes(exchange):
                yield f"{path}:{line}", exchange


async def make_plan(
    paths: Sequence[Path],
    settings: Settings,
    target: Target,
    selection: Selection,
    *,
    store: Store | None,
    concurrency: int = 4,
    fresh: bool = False,
    skip_duplicates: bool = False,
    check: DeliverySession | None = None,
    check_limit: int = DEFAULT_CHECK_LIMIT,
    now: datetime | None = None,
) -> SendPlan:
    """The plan of ``replay --mode send`` over ``paths`` to ``target``.

    ``check`` (a session on the same target) makes ``--check-target``'s look-ups. The
    in-process mock starts empty in every session, so for it the store's earlier
    deliveries do not count: only duplicates within the run do.
    """
    moment = now or datetime.now(UTC)
    key = resume_key(paths, target, selection)
    done = resumed_keys(store, key, fresh=fresh) if store is not None else set()
    previous = store.find_run(key) if store is not None and not fresh else None
    planned = survey(selected(paths, selection), settings.mapping_config, done=done, now=moment)
    store_counts = target.kind != "mock"
    in_store = store_hits(planned, store, target.label) if store and store_counts else set()
    plan = SendPlan(
        target=target.label,
        live=target.is_live,
        store_counts=store_counts,
        skip_duplicates=skip_duplicates,
    )
    at_target: set[tuple[str, str]] = set()
    if check is not None:
        at_target, plan.checked = await check_target(
            planned, check, known=in_store, limit=check_limit, concurrency=concurrency
        )
    plan.exchanges = settle(
        planned, known={"store": in_store, "target": at_target}, skip_duplicates=skip_duplicates
    )
    policy = parse_limits(settings.mock_limits)
    profile = profile_for(
        target.kind,
        loopback=target.is_loopback,
        concurrency=concurrency,
        max_wait=settings.delivery.max_wait,
        mock_limits=(policy.enforce, policy.scale),
        served_limits=await served_limits(target),
        rate_cap=settings.delivery.rate_limit_per_second,
    )
    plan.estimate = estimate_run(plan.exchanges, profile)
    if previous is not None and previous.finished_at and not carries_on(previous):
        plan.notes.append(
            f"this send replay already ran to the end (run {previous.id}, finished "
            f"{previous.finished_at}): sending it again needs --again; the plan counts "
            "what sending it all again would do"
        )
    return plan
