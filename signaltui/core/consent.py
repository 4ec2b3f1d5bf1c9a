"""Consent decisions: deliver only when every gating category is granted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(slots=True)
class ConsentDecision:
    """Whether consent allows delivery, and which gating categories were missing."""

    granted: bool
    missing: tuple[str, ...] = ()


def decide_consent(granted: Mapping[str, bool], gating: Iterable[str]) -> ConsentDecision:
    """Every category in ``gating`` must be ``True`` in ``granted``; absent means not granted.

    An empty ``gating`` list means the destination is configured not to gate on consent.
    """
    missing = tuple(category for category in gating if granted.get(category) is not True)
    return ConsentDecision(granted=not missing, missing=missing)
