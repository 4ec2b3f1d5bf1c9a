"""Fixed-window request counters behind each CRM's rate-limit headers."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field


@dataclass
class Window:
    """One fixed window of ``seconds`` allowing ``limit`` requests (per CRM, per family)."""

    limit: int
    seconds: float
    #: False under ``--limits off``: nothing is used up, so the headers always show the
    #: whole window left and a client that obeys them is never held for nothing.
    counting: bool = True
    _start: float = field(default=-1.0, repr=False)
    _used: int = field(default=0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _roll(self, now: float) -> None:
        start = math.floor(now / self.seconds) * self.seconds
        if start != self._start:
            self._start, self._used = start, 0

    def hit(self, now: float) -> int:
        """Count one request; return the usage in the current window."""
        with self._lock:
            self._roll(now)
            self._used += self.counting
            return self._used

    def used(self, now: float) -> int:
        """Requests counted so far in the current window."""
        with self._lock:
            self._roll(now)
            return self._used

    def remaining(self, now: float) -> int:
        """Requests left in the current window (never below 0)."""
        return max(0, self.limit - self.used(now))

    def reset_at(self, now: float) -> float:
        """Epoch seconds at which the current window ends."""
        return math.floor(now / self.seconds) * self.seconds + self.seconds

    def reset_in(self, now: float) -> int:
        """Whole seconds until the window ends (at least 1)."""
        return max(1, math.ceil(self.reset_at(now) - now))

    def clear(self) -> None:
        """Forget all usage."""
        with self._lock:
            self._start, self._used = -1.0, 0
