"""Fault profiles: deterministic misbehaviour the mocks can put on (docs/mock-crms.md).

Faults touch the CRM resource endpoints (Apollo contacts, Outreach prospects, Close
leads); the Outreach token endpoint only ever gets the ``slow`` latency, so a client can
always refresh. Token expiry is decided here too (:meth:`FaultPlan.token_expired`) but
enforced by the Outreach mock, which answers 401 to a dead access token. Every profile is
driven by per-CRM counters or seeded RNGs, so the same request sequence meets the same
faults every run.
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
    "mixed": "A seeded random mix: mostly normal answers; bursts of 429s with Retry-After "
    "(up to three more follow the first for that CRM), 503s, dropped connections, slow "
    "answers, and Outreach access tokens that die after a random number of uses (401).",
}

#: Under ``mixed``, how many further 429s may follow a rolled 429 for the same CRM.
MIXED_BURST_EXTRA = (0, 3)
#: Under ``mixed``, the range of uses an Outreach access token survives. The floor is
#: well above any sensible concurrency so that a token a client has just minted (or
#: picked up after another delivery's refresh) still works for the re-sent request: a
#: real token does not die within milliseconds of being issued either.
MIXED_TOKEN_USES = (25, 60)

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
            self._bursts: dict[str, int] = {}
            self._rng = random.Random(self._seed)
            # Token lifetimes get their own RNG, so minting tokens does not shift the
            # sequence of request faults (and vice versa).
            self._token_rng = random.Random(f"{self._seed}:tokens")
            self._token_uses: dict[str, int] = {}

    def token_expired(self, token: str, uses: int) -> bool:
        """Whether an Outreach access token that has served ``uses`` requests is dead.

        ``token-expiry``: every token dies after one use. ``mixed``: each token gets a
        seeded random lifetime in :data:`MIXED_TOKEN_USES` on first sight. Other profiles
        leave tokens to their normal time-based expiry.
        """
        if self.profile == "token-expiry":
            return uses >= 1
        if self.profile != "mixed":
            return False
        with self._lock:
            if token not in self._token_uses:
                self._token_uses[token] = self._token_rng.randint(*MIXED_TOKEN_USES)
            return uses >= self._token_uses[token]

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
            return self._mixed(crm)

    def _mixed(self, crm: str) -> Fault:
        # A CRM that answered 429 tends to keep answering 429 for a moment: a burst.
        burst = self._bursts.get(crm, 0)
        if burst:
            self._bursts[crm] = burst - 1
            return Fault("rate_limit")
        roll = self._rng.random()
        if roll < 0.08:
            self._bursts[crm] = self._rng.randint(*MIXED_BURST_EXTRA)
            return Fault("rate_limit")
        if roll < 0.18:
            return Fault("unavailable")
        if roll < 0.23:
            return Fault("drop")
        if roll < 0.33:
            return Fault("ok", self.latency)
        return Fault()
