"""Client-side pacing: each CRM's documented limits, and what its rate headers say.

Two layers, per *pacing group* (what the CRM counts a limit against):

- **Documented budgets** (live and other non-loopback targets only): a token bucket per
  group at the vendor's published rate. Apollo counts per endpoint (200 a minute on the
  paid plans, plus hourly and daily windows that are left to its headers and 429s);
  Outreach counts 10,000 an hour per user, so every Outreach call shares one group;
  Close counts per API key and endpoint group (method plus path), e.g. 20 a second.
- **Header windows** (every target, mocks included): an answer that says how many
  requests its window has left and when it resets (Close ``RateLimit: limit=L,
  remaining=N, reset=S``; Outreach ``X-RateLimit-Remaining`` with ``X-RateLimit-Reset`` in
  epoch seconds) becomes the group's budget until then, less the group's requests still in
  flight (the CRM had not counted them when it answered). A request that would overdraw
  it waits for the reset instead of being sent into a 429; a 429 that names its wait
  blocks the group as well. So concurrent deliveries share the window rather than each
  finding out it is spent.

A loopback mock therefore runs as fast as its own headers allow: nothing is slowed to a
rate the mock never asked for.

The bucket works by reservation: each request takes a token at once, possibly driving the
balance below zero, and then sleeps until that debt would have been refilled. That keeps
callers in arrival order, never holds the lock while sleeping, and works with a fake clock.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import urlsplit

from signaltui.delivery.retry import EPOCH_THRESHOLD, number

Sleeper = Callable[[float], Awaitable[object]]

#: (sustained requests per second, burst) each CRM documents per pacing group.
DOCUMENTED_RATES: dict[str, tuple[float, int]] = {
    "apollo": (200 / 60, 20),  # 200 per minute per endpoint (docs.apollo.io rate limits)
    "outreach": (10_000 / 3600, 10),  # 10,000 per hour per user
    "close": (20.0, 20),  # per key and endpoint group; the headers give the real figure
}

_PARAM = re.compile(r"\b(limit|remaining|reset)\s*=\s*([0-9]+(?:\.[0-9]+)?)", re.IGNORECASE)
_ID_SEGMENT = re.compile(r"/(?:lead_|cont_)?[0-9a-zA-Z]{12,}(?=/|$)|/[0-9]+(?=/|$)")


def pacing_group(destination: str, method: str, url: str) -> str:
    """The key a CRM counts a request's limit against (see the module docstring)."""
    if destination == "outreach":
        return "outreach"
    path = _ID_SEGMENT.sub("/{id}", urlsplit(url).path)
    if destination == "apollo":
        return f"apollo {path}"
    return f"{destination} {method.upper()} {path}"


def header_window(headers: Mapping[str, str], wall_now: float) -> tuple[float, float] | None:
    """``(remaining, seconds until reset)`` of the window an answer reports, or ``None``.

    ``headers`` must have lower-case names (as :class:`httpx.Headers` lookups do).
    """
    structured = headers.get("ratelimit")
    if structured:
        params = {k.lower(): float(v) for k, v in _PARAM.findall(structured)}
        if "remaining" in params and "reset" in params:
            return params["remaining"], params["reset"]
    for prefix in ("x-ratelimit-", "x-rate-limit-"):
        said = headers.get(prefix + "remaining")
        if not said:  # the usual case: not this spelling (number() would raise inside)
            continue
        remaining = number(said)
        reset = number(headers.get(prefix + "reset") or "")
        if remaining is not None and reset is not None:
            return remaining, reset - wall_now if reset > EPOCH_THRESHOLD else reset
    return None


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


class Pacer:
    """Documented budgets (when ``documented``) plus header windows, per pacing group.

    Every :meth:`acquire` must be followed by one :meth:`observe`, with the answer's
    headers or ``None`` when no answer came, so the requests in flight are known.

    ``cap`` (requests per second, from the ``rate_limit_per_second`` setting) lowers every
    documented rate further, with at most ``burst`` at once; ``0`` switches the
    documented budgets off. ``clock`` is
    monotonic; header resets given as epoch seconds are converted with ``wall_clock``.
    """

    def __init__(
        self,
        *,
        documented: bool,
        cap: float | None = None,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Sleeper = asyncio.sleep,
    ) -> None:
        self.documented = documented and cap != 0
        self._cap = cap
        self._burst = burst
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}
        self._blocked_until_429: dict[str, float] = {}
        #: Per group: the requests its last reported window still allows, when (on
        #: ``clock``) that window resets, and the count the CRM reported. Dropped once
        #: reset: the next answer says more.
        self._windows: dict[str, list[float]] = {}
        self._in_flight: dict[str, int] = {}

    def blocked_for(self, group: str) -> float:
        """Seconds the CRM's headers still block ``group`` (0 when free): a 429's wait,
        or a reported window with nothing left in it."""
        return max(0.0, self._blocked_until(group) - self._clock())

    def _blocked_until(self, group: str) -> float:
        """When (on ``clock``) ``group``'s block ends; drops a window that has reset."""
        until = self._blocked_until_429.get(group, 0.0)
        window = self._windows.get(group)
        if window is not None:
            left, resets, _ = window
            if resets <= self._clock():
                del self._windows[group]
            elif left <= 0:
                until = max(until, resets)
        return until

    def block(self, group: str, seconds: float) -> None:
        """Hold ``group`` for ``seconds`` (a 429's wait, a spent window); never shortens."""
        until = self._clock() + max(0.0, seconds)
        self._blocked_until_429[group] = max(self._blocked_until_429.get(group, 0.0), until)

    def observe(self, group: str, headers: Mapping[str, str] | None) -> None:
        """A request of ``group`` is done: learn from its answer's rate headers
        (``None``: no answer came), and count it out of the requests in flight."""
        in_flight = max(0, self._in_flight.get(group, 0) - 1)
        self._in_flight[group] = in_flight
        reported = header_window(headers, self._wall_clock()) if headers else None
        if reported is None:
            return
        remaining, seconds = reported
        if seconds <= 0:
            return
        now = self._clock()
        window = self._windows.get(group)
        if window is not None and window[1] > now and remaining > window[2]:
            # Within a window the CRM's count only goes down, so a higher one is an older
            # answer overtaken by a newer (or the next window, early): the window known
            # stands until it resets. An equal count is taken (a mock under --limits off
            # counts nothing, so every answer shows the whole window left).
            return
        # The others in flight were sent before this answer was made, so the CRM may not
        # have counted them yet: each will take one of the requests it says are left.
        self._windows[group] = [remaining - in_flight, now + seconds, remaining]

    async def acquire(self, destination: str, group: str) -> float:
        """Sleep out a header block or spent window (the caller checks it against
        ``max_wait`` first) and the documented budget, then take one request of the
        group's window; returns the seconds waited."""
        waited, slept_until = 0.0, 0.0
        # Again after the sleep only if an answer that came meanwhile moved the block
        # later (a few rounds at most); a window that has reset is dropped on the way.
        for _ in range(3):
            until = self._blocked_until(group)
            wait = until - self._clock()
            if wait <= 0 or until <= slept_until:
                break
            await self._sleep(wait)
            waited, slept_until = waited + wait, until
        window = self._windows.get(group)
        if window is not None:
            window[0] -= 1
        self._in_flight[group] = self._in_flight.get(group, 0) + 1
        if not self.documented or destination not in DOCUMENTED_RATES:
            return waited
        bucket = self._buckets.get(group)
        if bucket is None:
            rate, burst = DOCUMENTED_RATES[destination]
            if self._cap is not None:
                rate = min(rate, self._cap)
                burst = min(burst, self._burst or burst)
            bucket = TokenBucket(rate, burst, clock=self._clock, sleep=self._sleep)
            self._buckets[group] = bucket
        return waited + await bucket.acquire()
