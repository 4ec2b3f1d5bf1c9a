"""How long a send replay will take under each CRM's limits: a small, exact simulation.

The run is replayed on a simulated clock the way :func:`~signaltui.replay.runner.run_send`
works: ``concurrency`` workers take exchanges in recorded order; each request of an
exchange first waits for the client's pacing (the documented token buckets of
:mod:`signaltui.delivery.ratelimit`, on paced targets), then for the CRM's own fixed
windows (the client waits for a full window to reset, told by the rate headers or by a
429; a wait longer than ``max_wait`` defers the exchange and holds its group), then
takes one round trip. An Outreach run first mints an access token, and again when it
has expired.

What is assumed is listed in :attr:`Estimate.assumptions`, so the output can say it.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from signaltui.delivery.ratelimit import DOCUMENTED_RATES
from signaltui.replay.plan import PlannedExchange

#: The CRMs' own windows per pacing group as (requests, seconds), the figures the mocks
#: enforce by default (Apollo Professional plan: 200 a minute, 600 an hour, 2,000 a day
#: per endpoint; Outreach 10,000 an hour per user; Close 20 a second per key and group).
#: A unit test keeps them equal to :class:`signaltui.mock.MockSettings`.
CRM_WINDOWS: dict[str, tuple[tuple[int, float], ...]] = {
    "apollo": ((200, 60.0), (600, 3600.0), (2000, 86_400.0)),
    "outreach": ((10_000, 3600.0),),
    "close": ((20, 1.0),),
}

#: An Outreach access token lives this long (``expires_in``); a new one is minted after.
TOKEN_LIFETIME = 7200.0


@dataclass(frozen=True)
class Profile:
    """The limits a target puts on a run, and the round trip assumed per request."""

    #: Client pacing per CRM as (requests per second, burst); empty when not paced.
    client: dict[str, tuple[float, int]]
    #: The CRM's windows per CRM (empty: not enforced).
    windows: dict[str, tuple[tuple[int, float], ...]]
    latency: float
    max_wait: float
    concurrency: int
    #: Sentences saying what this profile assumes, for the plan's output.
    assumptions: tuple[str, ...] = ()


def profile_for(
    target_kind: str,
    *,
    loopback: bool,
    concurrency: int,
    max_wait: float,
    mock_limits: tuple[bool, float] = (True, 1.0),
    served_limits: tuple[bool, float] | None = None,
    rate_cap: float | None = None,
) -> Profile:
    """The :class:`Profile` of a target: ``mock`` (in process), ``live``, or a URL.

    ``mock_limits`` is ``(enforced, scale)`` of the in-process mock's setting.
    ``served_limits`` is the same as a mock server on this machine reported it
    (:func:`signaltui.replay.plan_limits.served_limits`); ``None`` when it did not, and
    then its default (on) is assumed.
    """
    paced = not loopback and rate_cap != 0
    client = dict(DOCUMENTED_RATES) if paced else {}
    if paced and rate_cap:
        client = {crm: (min(rate, rate_cap), burst) for crm, (rate, burst) in client.items()}
    served = target_kind == "url" and loopback
    if target_kind == "mock":
        enforced, scale = mock_limits
    elif served and served_limits is not None:
        enforced, scale = served_limits
    else:
        enforced, scale = True, 1.0
    windows = (
        {crm: tuple((n, s / scale) for n, s in w) for crm, w in CRM_WINDOWS.items()}
        if enforced
        else {}
    )
    latency = 0.002 if target_kind == "mock" else 0.005 if loopback else 0.3
    said = [
        f"{concurrency} concurrent deliveries taking exchanges in recorded order",
        f"{latency * 1000:g} ms per request round trip"
        + (" (a typical live CRM API)" if not loopback else " (a mock on this machine)"),
        "no faults and no retries: every request answered at once",
    ]
    if paced:
        said.append(
            "client pacing at the documented budgets: Apollo 200/min per endpoint, "
            "Outreach 10,000/hour, Close 20/s per endpoint group"
        )
    if windows:
        reported = served and served_limits is not None
        where = (
            "the in-process mock's"
            if target_kind == "mock"
            else "the mock server's"
            if reported
            else "the CRMs'"
        )
        plan = " (Apollo Professional plan)" if not loopback else ""
        said.append(
            f"{where} windows{plan}: Apollo 200/min, 600/hour, 2,000/day per endpoint; "
            "Outreach 10,000/hour; Close 20/s"
            + (f", every window {scale:g} times shorter" if scale != 1 else "")
            + (", as the server reports them at GET /__mock/limits" if reported else "")
        )
        if served and served_limits is None:
            said.append(
                "a mock server running with its default --limits on "
                "(the server did not report its limits at GET /__mock/limits)"
            )
    elif served:
        said.append("no rate-limit windows (the mock server reports --limits off)")
    else:
        said.append("no rate-limit windows (mock limits off)")
    said.append(f"a wait longer than max_wait ({max_wait:g} s) defers the exchange")
    return Profile(client, windows, latency, max_wait, max(1, concurrency), tuple(said))


@dataclass
class Estimate:
    """Seconds the run takes, requests it makes, and exchanges the windows would defer."""

    seconds: float = 0.0
    requests: int = 0
    deferred: int = 0
    #: The first time a deferred exchange could go (seconds from the start), if any.
    deferred_until: float | None = None
    assumptions: tuple[str, ...] = ()
    by_crm: dict[str, Estimate] = field(default_factory=dict)


class _Clock:
    """The limits' state during one simulation."""

    def __init__(self, profile: Profile) -> None:
        self.p = profile
        self.tokens: dict[str, tuple[float, float]] = {}  # group -> (tokens, updated)
        self.used: dict[tuple[str, int], tuple[int, int]] = {}  # (group, i) -> (window, n)
        self.blocked: dict[str, float] = {}
        self.token_until: float | None = None
        self.minted = 0.0

    def paced(self, crm: str, group: str, now: float) -> float:
        """The time the client's token bucket lets a request of ``group`` go."""
        if crm not in self.p.client:
            return now
        rate, burst = self.p.client[crm]
        tokens, updated = self.tokens.get(group, (float(burst), now))
        tokens = min(float(burst), tokens + max(0.0, now - updated) * rate) - 1.0
        self.tokens[group] = (tokens, now)
        return now + (-tokens / rate if tokens < 0 else 0.0)

    def admitted(self, crm: str, group: str, now: float) -> float | None:
        """When the CRM's windows take the request (``None``: deferred, group held)."""
        while True:
            if self.blocked.get(group, 0.0) > now:
                if self.blocked[group] - now > self.p.max_wait:
                    return None
                now = self.blocked[group]
            full = None
            for i, (limit, seconds) in enumerate(self.p.windows.get(crm, ())):
                index = math.floor(now / seconds)
                window, count = self.used.get((group, i), (index, 0))
                if window != index:
                    count = 0
                if count >= limit:
                    full = max(full or 0.0, (index + 1) * seconds)
            if full is None:
                break
            self.blocked[group] = full
        for i, (_, seconds) in enumerate(self.p.windows.get(crm, ())):
            index = math.floor(now / seconds)
            window, count = self.used.get((group, i), (index, 0))
            self.used[(group, i)] = (index, (count if window == index else 0) + 1)
        return now


def simulate(planned: Sequence[PlannedExchange], profile: Profile) -> Estimate:
    """Run the plan's requests on a simulated clock (see the module docstring)."""
    clock = _Clock(profile)
    workers = [0.0] * profile.concurrency
    estimate = Estimate(assumptions=profile.assumptions)
    for item in planned:
        if not item.calls:
            continue
        now = heapq.heappop(workers)
        for call in item.calls:
            group = f"{item.destination}|{call}"  # groups never span CRMs
            if item.destination == "outreach" and (
                clock.token_until is None or now >= clock.token_until
            ):
                # Workers share one token: the mint (one a minute at most) is made once.
                now += profile.latency
                clock.minted, clock.token_until = now, now + TOKEN_LIFETIME
                estimate.requests += 1
            if item.destination == "outreach":
                now = max(now, clock.minted)  # the others wait for the token being minted
            at = clock.admitted(item.destination, group, clock.paced(item.destination, group, now))
            if at is None:
                estimate.deferred += 1
                held = clock.blocked[group]
                estimate.deferred_until = min(estimate.deferred_until or held, held)
                break
            now = at + profile.latency
            estimate.requests += 1
        heapq.heappush(workers, now)
        estimate.seconds = max(estimate.seconds, now)
    return estimate


def estimate_run(planned: Sequence[PlannedExchange], profile: Profile) -> Estimate:
    """The whole run, and each CRM's share as if it ran alone."""
    total = simulate(planned, profile)
    for crm in sorted({item.destination for item in planned if item.calls}):
        alone = [item for item in planned if item.destination == crm]
        total.by_crm[crm] = simulate(alone, profile)
    return total


def human_seconds(seconds: float) -> str:
    """``5 ms``, ``4.2 s``, ``12 s``, ``3 min 5 s``, ``2 h 10 min``."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
