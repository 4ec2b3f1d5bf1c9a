"""How the mocks enforce each CRM's rate limits: on (the real windows), off, or scaled.

``--limits on`` (the default) enforces every window with the counts and lengths the real
APIs document; ``off`` sends the same headers but uses nothing up (every window shows
its whole allowance left) and never answers 429, so a client that obeys them is not held;
``scale:F`` divides every window's length (and the Outreach mint interval) by ``F`` so a
test reaches an hourly limit in seconds. Windows are created on first use per
``(family, key)``, e.g. ``("close", "api_x POST /api/v1/lead/")``.
"""

from __future__ import annotations

import threading

from signaltui.limit_policy import LIMITS_HELP, LimitPolicy, parse_limits
from signaltui.mock.ratelimit import Window

__all__ = ["LIMITS_HELP", "LimitPolicy", "Windows", "parse_limits"]


class Windows:
    """Fixed windows keyed by ``(family, key)``, created on first use under one policy."""

    def __init__(self, policy: LimitPolicy) -> None:
        self.policy = policy
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], Window] = {}

    def get(self, family: str, key: str, limit: int, seconds: float) -> Window:
        """The window of ``family`` for ``key`` (``limit`` requests per ``seconds`` real)."""
        with self._lock:
            window = self._windows.get((family, key))
            if window is None:
                window = Window(limit, self.policy.seconds(seconds), counting=self.policy.enforce)
                self._windows[(family, key)] = window
            return window

    def switch(self, policy: LimitPolicy) -> None:
        """Change the policy at run time; all usage starts over."""
        with self._lock:
            self.policy = policy
            self._windows.clear()

    def clear(self) -> None:
        """Forget all usage (the policy stays)."""
        with self._lock:
            self._windows.clear()
