"""The grammar of a mock rate-limit setting: ``on``, ``off`` or ``scale:F``.

Outside :mod:`signaltui.mock` so that the settings can check ``mock_limits`` without
importing the mock CRMs (and starlette with them) into every command.
"""

from __future__ import annotations

from dataclasses import dataclass

from signaltui.errors import InputError

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
