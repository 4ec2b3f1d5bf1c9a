"""Fault profiles: deterministic misbehaviour the mocks can put on (docs/mock-crms.md).

Faults touch the CRM resource endpoints (Apollo contacts, Outreach prospects, Close
leads); the Outreach token endpoint only ever gets the ``slow`` latency, so a client can
always refresh. Token expiry is decided here too (:meth:`FaultPlan.token_expired`) but
enforced by the Outreach mock, which answers 401 to a dead access token.

Every profile follows a sequence **per request identity** (method, path, query and body:
what a client sends again when it retries), never one shared counter. So a retry meets
the next step of its own request's sequence whatever else is in flight, and what the
profile promises ("the retry succeeds") holds at any concurrency.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from signaltui.errors import InputError

#: Profile name -> one line for ``signaltui mock serve --help`` and ``GET /__mock/faults``.
FAULT_PROFILES: dict[str, str] = {
    "none": "No faults; every request gets the CRM's normal answer.",
    "rate-limited": "Each distinct request's first try gets that CRM's 429 with "
    "Retry-After; the retry succeeds.",
    "flaky": "Each distinct request meets a 503, then a dropped connection, then normal "
    "answers (its third try succeeds).",
    "slow": "Every request is held for a while (0.2 s by default) before the answer.",
    "token-expiry": "Outreach access tokens work for one request only; reusing one gets "
    "401, and the request re-sent after a refresh succeeds.",
    "mixed": "A seeded random mix per distinct request: about a third meet one or two "
    "faults (429s with Retry-After, often two in a row; 503s; dropped connections) before "
    "a normal answer, some answers are slow, and Outreach access tokens die after a random "
    "number of uses (401). Every request gets through by its third try.",
    "lost-response": "The CRM applies each create, then drops the connection before "
    "answering (first try of each distinct create); a repeated create is answered and "
    "creates a second record, as the real CRM would. Reads are never lost.",
    "maintenance": "Every request gets the CRM's 503 maintenance answer with Retry-After "
    "(seconds; Outreach: an ISO 8601 time) until the maintenance ends (10 minutes after "
    "the profile is put on by default).",
}

#: Under ``mixed``, the range of uses an Outreach access token survives. The floor is
#: well above any sensible concurrency so that a token a client has just minted (or
#: picked up after another delivery's refresh) still works for the re-sent request: a
#: real token does not die within milliseconds of being issued either.
MIXED_TOKEN_USES = (25, 60)
#: Under ``mixed``, the most faults one request meets before a normal answer.
MIXED_MAX_FAULTS = 2
#: Default length of the ``maintenance`` window, in seconds.
MAINTENANCE_SECONDS = 600.0

FaultKind = Literal["ok", "rate_limit", "unavailable", "drop", "lost", "maintenance"]

_FLAKY_CYCLE: tuple[FaultKind, ...] = ("unavailable", "drop", "ok", "ok")


@dataclass(frozen=True)
class Fault:
    """What to do to one request: wait ``delay`` seconds, then answer per ``kind``.

    ``retry_after`` is the seconds left of a maintenance window (``maintenance`` only).
    """

    kind: FaultKind = "ok"
    delay: float = 0.0
    retry_after: float = 0.0


def check_profile(name: str) -> str:
    """``name`` if it is a known profile, else an :class:`InputError` listing them."""
    if name not in FAULT_PROFILES:
        raise InputError(
            f"unknown fault profile {name!r}",
            where="mock faults",
            hint="choose one of: " + ", ".join(FAULT_PROFILES),
        )
    return name


def request_identity(method: str, path: str, query: str, body: bytes) -> str:
    """What identifies one request across its retries: a digest of what was sent."""
    digest = hashlib.sha1(f"{method} {path}?{query}\n".encode())
    digest.update(body)
    return digest.hexdigest()


class FaultPlan:
    """The active profile and its per-request sequences; :meth:`next` decides each fate."""

    def __init__(
        self,
        profile: str = "none",
        *,
        seed: int = 0,
        latency: float = 0.2,
        clock: Callable[[], float] = time.time,
        maintenance_seconds: float = MAINTENANCE_SECONDS,
    ) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self._clock = clock
        self.latency = latency
        self.maintenance_seconds = maintenance_seconds
        self.profile = check_profile(profile)
        self.reset()

    def switch(self, profile: str, *, maintenance_seconds: float | None = None) -> None:
        """Change profile at run time; sequences (and a maintenance window) start over."""
        self.profile = check_profile(profile)
        if maintenance_seconds is not None:
            self.maintenance_seconds = maintenance_seconds
        self.reset()

    def reset(self) -> None:
        """Restart the sequences (same faults as a fresh plan for the same requests)."""
        with self._lock:
            self._tries: dict[str, int] = {}
            self._scripts: dict[str, list[Fault]] = {}
            self.maintenance_until = self._clock() + self.maintenance_seconds
            # Token lifetimes get their own RNG, so minting tokens does not shift the
            # faults requests meet (and vice versa).
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

    def next(self, identity: str, *, resource: bool, creates: bool = False) -> Fault:
        """The fault for this try of the request ``identity``.

        ``resource``: a CRM endpoint (not the token endpoint); ``creates``: it creates a
        record (only creates lose their answer under ``lost-response``).
        """
        with self._lock:
            if self.profile == "slow":
                return Fault("ok", self.latency)
            if not resource or self.profile in ("none", "token-expiry"):
                return Fault()
            if self.profile == "maintenance":
                left = self.maintenance_until - self._clock()
                return Fault("maintenance", retry_after=left) if left > 0 else Fault()
            if self.profile == "lost-response" and not creates:
                return Fault()
            tries = self._tries.get(identity, 0)
            self._tries[identity] = tries + 1
            if self.profile == "rate-limited":
                return Fault("rate_limit" if tries == 0 else "ok")
            if self.profile == "lost-response":
                return Fault("lost" if tries == 0 else "ok")
            if self.profile == "flaky":
                return Fault(_FLAKY_CYCLE[min(tries, len(_FLAKY_CYCLE) - 1)])
            return self._mixed(identity, tries)

    def _mixed(self, identity: str, tries: int) -> Fault:
        script = self._scripts.get(identity)
        if script is None:
            script = self._scripts[identity] = self._script(identity)
        return script[min(tries, len(script) - 1)]

    def _script(self, identity: str) -> list[Fault]:
        # One seeded RNG per request identity: the same request meets the same faults in
        # every run, whatever order requests arrive in.
        rng = random.Random(f"{self._seed}:{identity}")
        roll = rng.random()
        count = 0 if roll < 0.67 else 1 if roll < 0.89 else MIXED_MAX_FAULTS
        script: list[Fault] = []
        for _ in range(count):
            # A CRM that answered 429 tends to keep answering 429 for a moment: a burst.
            if script and script[-1].kind == "rate_limit" and rng.random() < 0.6:
                script.append(Fault("rate_limit"))
                continue
            kind = rng.random()
            if kind < 0.4:
                script.append(Fault("rate_limit"))
            elif kind < 0.75:
                script.append(Fault("unavailable"))
            else:
                script.append(Fault("drop"))
        script.append(Fault("ok", self.latency if rng.random() < 0.15 else 0.0))
        return script
