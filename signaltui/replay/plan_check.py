"""``--check-target``: ask the target's read endpoints whether a plan's leads exist.

Read-only: each lead's email is looked up with the same read a lost answer is checked
with (:mod:`signaltui.delivery.lookup`: Close lead query, Outreach prospect filter,
Apollo contact search), through the session's client, so the reads are paced by the
same budgets as sends and a 429 is sat out the same way. On Outreach the client mints an
access token first, as for any call. Nothing is created, changed or stored.

At most ``limit`` emails are looked up (the look-up budget); emails the store already
has as delivered to this target are not asked again, and the rest are counted as
unchecked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from signaltui.replay.plan import CheckStats, PlannedExchange
from signaltui.service import DeliverySession

#: Look-ups ``--check-target`` makes at most by default (``--check-limit``).
DEFAULT_CHECK_LIMIT = 1000


async def check_target(
    planned: Sequence[PlannedExchange],
    session: DeliverySession,
    *,
    known: set[tuple[str, str]],
    limit: int = DEFAULT_CHECK_LIMIT,
    concurrency: int = 4,
) -> tuple[set[tuple[str, str]], CheckStats]:
    """Look up every distinct ``(crm, email)`` the plan would create and ``known`` lacks.

    Returns the pairs the target holds, and what was done.
    """
    stats = CheckStats(limit=limit)
    asked: dict[tuple[str, str], PlannedExchange] = {}
    for item in planned:
        if item.outcome == "create" and item.email and item.request is not None:
            key = (item.destination, item.email)
            if key not in known:
                asked.setdefault(key, item)
    chosen = list(asked.items())[:limit]
    stats.unchecked = len(asked) - len(chosen)
    found: set[tuple[str, str]] = set()
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(key: tuple[str, str], item: PlannedExchange) -> None:
        assert item.request is not None  # chosen above
        async with gate:
            answered, record_id = await session.look_up(item.destination, item.request)
        stats.made += 1
        if not answered:
            stats.failed += 1
        elif record_id is not None:
            stats.found += 1
            found.add(key)

    await asyncio.gather(*(one(key, item) for key, item in chosen))
    return found, stats
