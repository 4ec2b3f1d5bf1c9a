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
from dataclasses import dataclass

from signaltui.errors import InputError
from signaltui.mock.ratelimit import Window

LIMITS_HELP = (
    "on (default: the CRMs' real windows), off (the headers, never a window used up or a 429), "
    "or scale:F (every window and the Outreach mint interval shortened F times)"
)


@dataclass(frozen=True)
class LimitPolicy:
    """Whether windows are enforced, and how much shorter than the real ones they are."""

    enforce: bool = True
    scale: float = 1.0

    def seconds(self, real: float) -> float:
        """The length a window of ``real`` seconds has under this policy."""
        return real / self.scale


def parse_limits(text: str) -> LimitPolicy:
    """``on`` | ``off`` | ``scale:F`` (F > 0) as a :class:`LimitPolicy`, else InputError."""
    value = text.strip().lower()
    if value == "on":
        return LimitPolicy()
    if value == "off":
        return LimitPolicy(enforce=False)
    if value.startswith("scale:"):
        try:
            factor = float(value[6:])
        except ValueError:
            factor = 0.0
        if factor > 0 and factor != float("inf"):
            return LimitPolicy(scale=factor)
    raise InputError(
        f"unknown limits setting {text!r}",
        where="mock limits",
        hint="use on, off or scale:F with F a positive number (scale:60 makes an hour a minute)",
    )


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
