"""Consent decisions: deliver only when every gating category is granted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from signaltui.core.records import readonly


@readonly
class ConsentDecision:
    """Whether consent allows delivery, and which gating categories were missing."""

    granted: bool
    missing: tuple[str, ...] = ()


#: The answer when nothing is missing, shared: decisions are read-only.
_GRANTED = ConsentDecision(granted=True)


def decide_consent(granted: Mapping[str, bool], gating: Sequence[str]) -> ConsentDecision:
    """Every category in ``gating`` must be ``True`` in ``granted``; absent means not granted.

    An empty ``gating`` list means the destination is configured not to gate on consent.
    """
    # Runs for every event and destination; most are granted, so that path builds nothing.
    for category in gating:
        if granted.get(category) is not True:
            missing = tuple(name for name in gating if granted.get(name) is not True)
            return ConsentDecision(granted=False, missing=missing)
    return _GRANTED
