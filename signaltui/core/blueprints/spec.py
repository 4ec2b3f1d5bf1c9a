"""A blueprint as plain values: what the loader validated and merged, ready to compile.

These are the core's view of a blueprint file (docs/blueprints.md): the loader in
``signaltui.blueprints`` reads YAML, validates it, merges overlays onto the presets and
hands the core one :class:`BlueprintSpec` per destination. Every rule keeps ``at``, the
``file:line`` it came from, so the trace can name it. Nothing here reads a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from signaltui.core.request import AuthScheme, Destination

ValueKind = Literal["from", "all", "value", "copy"]
ConditionOp = Literal["equals", "present", "absent", "in"]


@dataclass(frozen=True)
class ValueSpec:
    """How one value is produced.

    ``from``: the first alternative that comes out non-empty (an alternative is a source
    path, with this spec's transforms, or a nested :class:`ValueSpec` with its own);
    ``all``: every non-empty source, as a list (``join`` makes it one string);
    ``value``: the constant ``constant``; ``copy``: the value already set at ``copy``.
    """

    kind: ValueKind
    sources: tuple[str | ValueSpec, ...] = ()
    constant: Any = None
    copy: str | None = None
    transforms: tuple[str, ...] = ()
    #: The trace rule text (``None``: the transforms' names, or the kind).
    rule: str | None = None


@dataclass(frozen=True)
class Condition:
    """``when``: a test on one event source; a field applies only when all of its hold."""

    source: str
    op: ConditionOp
    operand: Any = None


@dataclass(frozen=True)
class FieldSpec:
    """One body field: a JSON Pointer and the rule that fills it (or removes it)."""

    pointer: str
    at: str
    value: ValueSpec | None = None  # None: dropped
    label: str | None = None  # trace "field" (default: the pointer, dotted)
    omitted_label: str | None = None  # trace "field" when it is left out on a failure
    trace_source: str | None = None  # trace "source" instead of the value's own
    when: tuple[Condition, ...] = ()
    trace: bool = True  # False: no trace row at all (a fixed envelope like Outreach's type)
    trace_empty: bool = True  # a row (omitted) when the value comes out empty
    empty_rule: str = "no value in the event"
    warn_missing: str | None = None  # a warning whenever the field ends up absent
    unique: bool = False  # list items: skip a value the list already holds
    drop_rule: str = "removed by the blueprint"  # trace rule of a dropped field

    @property
    def body_pointer(self) -> str:
        """The pointer without its ``#name`` (which only tells list-item rules apart)."""
        return self.pointer.partition("#")[0]


@dataclass(frozen=True)
class RequireSpec:
    """An event without this value is dropped with ``reason`` (before any field is built)."""

    value: ValueSpec
    reason: str
    at: str
    detail: str | None = None


@dataclass(frozen=True)
class CheckSpec:
    """A warning when any of ``missing`` (pointers) is absent, placed after ``after``."""

    missing: tuple[str, ...]
    warn: str
    at: str
    after: str | None = None


@dataclass(frozen=True)
class EventSpec:
    """An event the blueprint lists: delivered (with its own fields, if any) or dropped."""

    name: str
    action: Literal["deliver", "drop"]
    at: str
    fields: tuple[FieldSpec, ...] = ()


@dataclass(frozen=True)
class RequestSpec:
    """The endpoint a destination's requests go to, and how they authenticate."""

    method: str
    path: str
    auth: AuthScheme
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BlueprintSpec:
    """One destination's merged blueprint: the preset with every overlay applied."""

    destination: Destination
    request: RequestSpec
    consent: tuple[str, ...]
    default_action: Literal["deliver", "drop"]
    events: tuple[EventSpec, ...]
    fields: tuple[FieldSpec, ...]
    require: tuple[RequireSpec, ...] = ()
    checks: tuple[CheckSpec, ...] = ()
    #: The files it was made from, preset first (for ``blueprints list``).
    files: tuple[str, ...] = ()
