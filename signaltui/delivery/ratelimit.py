"""Client-side pacing: one token bucket per destination (sustained rate plus a burst).

The bucket works by reservation: each request takes a token at once, possibly driving the
balance below zero, and then sleeps until that debt would have been refilled. That keeps
callers in arrival order, never holds the lock while sleeping, and works with a fake clock
(a loop of "sleep, then check again" would spin forever when the clock does not move).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Sleeper = Callable[[float], Awaitable[object]]


class TokenBucket:
    """``rate`` requests per second sustained, up to ``burst`` at once; rate 0 = no limit."""

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleeper = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(self.burst)
        self._updated = clock()
        self._lock = asyncio.Lock()

    async def acquire(self) -> float:
        """Wait for a slot; returns the seconds waited (0 when a token was available)."""
        if self.rate <= 0:
            return 0.0
        async with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._updated)
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
            self._updated = now
            self._tokens -= 1.0
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0:
            await self._sleep(wait)
        return wait


class RateLimiter:
    """One :class:`TokenBucket` per destination, all with the same rate and burst."""

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleeper = asyncio.sleep,
    ) -> None:
        self._rate = rate
        self._burst = burst
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}

    async def acquire(self, destination: str) -> float:
        """Wait for ``destination``'s bucket; returns the seconds waited."""
        bucket = self._buckets.get(destination)
        if bucket is None:
            bucket = TokenBucket(self._rate, self._burst, clock=self._clock, sleep=self._sleep)
            self._buckets[destination] = bucket
        return await bucket.acquire()
