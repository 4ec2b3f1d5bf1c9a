"""Deterministic identifiers and timestamps in each CRM's own format.

Everything is driven by one seeded :class:`random.Random` and an injectable clock, so
two mock runs fed the same requests answer with the same ids (stable tests, stable
recordings).
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], float]

_CLOSE_ALPHABET = string.ascii_letters + string.digits


class IdFactory:
    """Mints ids: Apollo 24-hex, Close ``<prefix>_<43 chars>``, Outreach integers."""

    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self.reset()

    def reset(self) -> None:
        """Start the sequences over (used by ``POST /__mock/reset``)."""
        self._rng = random.Random(self._seed)
        self._counters: dict[str, int] = {}

    def hex24(self) -> str:
        """An Apollo / Mongo-style id such as ``66e34b81740c50074e3d1bd4``."""
        return f"{self._rng.getrandbits(96):024x}"

    def close(self, prefix: str) -> str:
        """A Close id such as ``lead_…``, ``cont_…``, ``stat_…``."""
        tail = "".join(self._rng.choice(_CLOSE_ALPHABET) for _ in range(43))
        return f"{prefix}_{tail}"

    def next_int(self, sequence: str, start: int = 1) -> int:
        """The next integer of ``sequence`` (Outreach resource ids)."""
        value = self._counters.get(sequence, start - 1) + 1
        self._counters[sequence] = value
        return value

    def token(self, prefix: str = "") -> str:
        """An opaque OAuth token (43 url-safe characters, like Doorkeeper's)."""
        return prefix + "".join(self._rng.choice(_CLOSE_ALPHABET) for _ in range(43))


def _utc(now: float) -> datetime:
    return datetime.fromtimestamp(now, tz=UTC)


def iso_millis_z(now: float) -> str:
    """Apollo and Outreach style: ``2024-09-12T20:13:53.207Z``."""
    moment = _utc(now)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_micros_offset(now: float) -> str:
    """Close style: ``2017-09-29T10:40:23.084000+00:00``."""
    return _utc(now).isoformat(timespec="microseconds")
