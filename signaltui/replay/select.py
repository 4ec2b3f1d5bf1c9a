"""Which recorded exchanges a replay takes: filters and deterministic shards."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from signaltui.errors import InputError
from signaltui.recordings import Exchange


def shard_of(key: str, count: int) -> int:
    """The 1-based shard (of ``count``) that exchange ``key`` belongs to.

    A stable hash (CRC-32), so every CI machine agrees and the shards partition the set
    with no overlap and no loss.
    """
    return zlib.crc32(key.encode("utf-8")) % count + 1


def parse_shard(value: str | None) -> tuple[int, int] | None:
    """``i/n`` with 1 ≤ i ≤ n, or ``None``."""
    if value is None:
        return None
    index, _, count = value.partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        i, n = 0, 0
    if n < 1 or not 1 <= i <= n:
        raise InputError(
            f"invalid shard {value!r}", where="--shard", hint="use i/n with 1 ≤ i ≤ n, e.g. 2/4"
        )
    return i, n


@dataclass(frozen=True)
class Selection:
    """Filters (each ``None`` means any) and an optional ``(index, count)`` shard."""

    destinations: frozenset[str] | None = None
    events: frozenset[str] | None = None
    outcomes: frozenset[str] | None = None
    shard: tuple[int, int] | None = None

    def takes(self, exchange: Exchange) -> bool:
        """Whether ``exchange`` is part of this replay."""
        if self.destinations and exchange.destination not in self.destinations:
            return False
        if self.events and str(exchange.event.get("event", "identify")) not in self.events:
            return False
        if self.outcomes and exchange.outcome not in self.outcomes:
            return False
        if self.shard is not None:
            index, count = self.shard
            return shard_of(exchange.id, count) == index
        return True
