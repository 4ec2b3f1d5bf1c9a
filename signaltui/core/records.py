"""``readonly``: the dataclass decorator for the values the core builds per event."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar, dataclass_transform

_Class = TypeVar("_Class")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def readonly(cls: type[_Class]) -> type[_Class]:
    """A slotted dataclass whose fields mypy treats as frozen.

    ``frozen=True`` sets every field through ``object.__setattr__``, which makes each
    instance about three times dearer to build than a plain slotted one, and the core
    builds a :class:`~signaltui.core.decision.Decision` per event and destination. So
    assignment is refused by the type checker (mypy runs in CI), not at run time.
    """
    return dataclass(slots=True)(cls)
