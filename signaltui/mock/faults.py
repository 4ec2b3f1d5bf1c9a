"""Fault profiles: deterministic misbehaviour the mocks can put on (contract 5).

Faults touch the CRM resource endpoints (Apollo contacts, Outreach prospects, Close
leads); the Outreach token endpoint only ever gets the ``slow`` latency, so a client can
always refresh. Every profile is driven by per-CRM counters or a seeded RNG, so the same
request sequence meets the same faults every run.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Literal

from signaltui.errors import InputError

#: Profile name -> one line for ``signaltui mock serve --help`` and ``GET /__mock/faults``.
FAULT_PROFILES: dict[str, str] = {
    "none": "No faults; every request gets the CRM's normal answer.",
    "rate-limited": "Every other request per CRM (1st, 3rd, ...) gets that CRM's 429 "
    "with Retry-After; the retry succeeds.",
    "flaky": "Per CRM, a repeating cycle of four: a 503, a dropped connection, then two "
    "normal answers.",
    "slow": "Every request is held for a while (0.2 s by default) before the answer.",
    "token-expiry": "Outreach access tokens work for one request only; reusing one gets "
    "401, so the client must refresh.",
    "mixed": "A seeded random mix: mostly normal answers, some 429s, 503s, dropped "
    "connections and slow answers.",
}

FaultKind = Literal["ok", "rate_limit", "unavailable", "drop"]

_FLAKY_CYCLE: tuple[FaultKind, ...] = ("unavailable", "drop", "ok", "ok")


@dataclass(frozen=True)
class Fault:
    """What to do to one request: wait ``delay`` seconds, then answer per ``kind``."""

    kind: FaultKind = "ok"
    delay: float = 0.0


def check_profile(name: str) -> str:
    """``name`` if it is a known profile, else an :class:`InputError` listing them."""
    if name not in FAULT_PROFILES:
        raise InputError(
            f"unknown fault profile {name!r}",
            where="mock faults",
            hint="choose one of: " + ", ".join(FAULT_PROFILES),
        )
    return name


class FaultPlan:
    """The active profile and its counters; :meth:`next` decides each request's fate."""

    def __init__(self, profile: str = "none", *, seed: int = 0, latency: float = 0.2) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self.latency = latency
        self.profile = check_profile(profile)
        self.reset()

    def switch(self, profile: str) -> None:
        """Change profile at run time; counters start over."""
        self.profile = check_profile(profile)
        self.reset()

    def reset(self) -> None:
        """Restart the counters and the RNG (same sequence as a fresh plan)."""
        with self._lock:
            self._counts: dict[str, int] = {}
            self._rng = random.Random(self._seed)

    @property
    def single_use_tokens(self) -> bool:
        """Whether Outreach access tokens die after one use (``token-expiry``)."""
        return self.profile == "token-expiry"

    def next(self, crm: str, *, resource: bool) -> Fault:
        """The fault for the next request to ``crm`` (``resource``: not the token endpoint)."""
        with self._lock:
            if self.profile == "slow":
                return Fault("ok", self.latency)
            if not resource or self.profile in ("none", "token-expiry"):
                return Fault()
            count = self._counts.get(crm, 0)
            self._counts[crm] = count + 1
            if self.profile == "rate-limited":
                return Fault("rate_limit" if count % 2 == 0 else "ok")
            if self.profile == "flaky":
                return Fault(_FLAKY_CYCLE[count % len(_FLAKY_CYCLE)])
            return self._mixed()

    def _mixed(self) -> Fault:
        roll = self._rng.random()
        if roll < 0.15:
            return Fault("rate_limit")
        if roll < 0.25:
            return Fault("unavailable")
        if roll < 0.30:
            return Fault("drop")
        if roll < 0.40:
            return Fault("ok", self.latency)
        return Fault()
