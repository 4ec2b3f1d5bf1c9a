"""What a compiled value rule gives, its trace rule, and its key in the per-event memo.

A getter (see :mod:`signaltui.core.blueprints.gen`, which writes them) gives
``(value, source, problem, rule)`` for an event: ``value`` is ``None`` when the rule
found nothing usable; ``problem`` is a :class:`Failure` (why it was left out) or a
warning text (kept, but changed); ``rule`` is the trace rule of the source that won.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from signaltui.core.blueprints.spec import ValueSpec
from signaltui.core.fields import EventScope

Got = tuple[Any, str, Any, str]
Getter = Callable[[EventScope], Got]


@dataclass(frozen=True)
class Settings:
    """What a compiled transform may depend on: the phone region and, for warnings, the
    field's trace name and the destination's display name."""

    region: str
    label: str
    crm: str


def default_rule(spec: ValueSpec) -> str:
    """The trace rule text of a value rule that names none."""
    if spec.rule is not None:
        return spec.rule
    if spec.kind == "value":
        return "constant"
    if spec.kind == "copy":
        return f"copy of {spec.copy}"
    return " + ".join(spec.transforms) or "as sent"


def static_rule(spec: ValueSpec) -> bool:
    """Whether every result of ``spec`` carries the same trace rule (no nested rules)."""
    return spec.kind in ("from", "all") and all(isinstance(s, str) for s in spec.sources)


def memo_key(spec: ValueSpec, settings: Settings) -> str:
    """What makes two value rules give the same answer for an event, as one string.

    The phone region, and the field and destination names of a ``truncate`` warning,
    are part of it only when the rule uses them, so the rules the destinations share
    (an email, a title) are worked out once per event.
    """
    # A rule whose sources are all paths traces one fixed rule text, which the route
    # writes itself; leaving it out of the key lets rules that differ only in their text
    # (the email as a field and as a requirement) share one result.
    text = repr(replace(spec, rule=None) if static_rule(spec) else spec)
    extra = []
    if "'e164'" in text:
        extra.append(settings.region)
    if "truncate" in text:
        extra += [settings.label, settings.crm]
    return "|".join([text, *extra])
