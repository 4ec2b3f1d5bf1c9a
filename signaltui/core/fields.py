"""Reading event values by source path, once per event for every destination.

One event is planned for each destination, and their blueprints read much the same
values (email, names, title, phone). An :class:`EventScope` is made once per resolved
event and keeps each value a compiled blueprint worked out (keyed by the value's rule),
so the second and third destination pay a dictionary lookup instead of the work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from signaltui.core.events import TRAIT_ALIASES, Event, ResolvedEvent, Trait

#: The first segment a source path may start with (docs/blueprints.md), besides ``traits``.
EVENT_ROOTS = (
    "properties",
    "context",
    "event",
    "userId",
    "anonymousId",
    "messageId",
    "timestamp",
    "type",
)
SOURCE_ROOTS = ("traits", *EVENT_ROOTS)

#: A compiled source: the value at the path (``None`` when absent) and its trace label.
Reader = Callable[["EventScope"], tuple[Any, str]]


class EventScope:
    """What compiled blueprints read from one resolved event, and what they worked out."""

    __slots__ = ("consent", "event", "memo", "name", "traits")

    def __init__(self, resolved: ResolvedEvent) -> None:
        # The traits and the event, not ``resolved`` itself: it keeps this scope, and a
        # reference back would make a cycle that only the garbage collector frees.
        self.traits: dict[str, Trait] = resolved.traits
        self.event: Event = resolved.event
        #: The event name (``Event.name``), read once for every destination.
        self.name: str = resolved.event.name
        self.consent: dict[str, bool] = resolved.consent
        self.memo: dict[str, Any] = {}


def event_scope(resolved: ResolvedEvent) -> EventScope:
    """The scope of ``resolved``, made on the first call and kept on it."""
    scope: EventScope | None = resolved._facts
    if scope is None:
        scope = resolved._facts = EventScope(resolved)
    return scope


def walk(value: Any, parts: tuple[str, ...]) -> Any:
    """The value at ``parts`` (keys, or list indexes as digits) inside ``value``, else None."""
    for part in parts:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def canonical_source(path: str) -> str:
    """``traits.first_name`` -> ``traits.firstName``; other paths unchanged."""
    root, _, rest = path.partition(".")
    if root != "traits" or not rest:
        return path
    name, dot, tail = rest.partition(".")
    return f"traits.{TRAIT_ALIASES.get(name, name)}{dot}{tail}"


def compile_source(path: str) -> Reader:
    """A reader for a dotted source path (validated by the loader; see SOURCE_ROOTS)."""
    root, *parts = path.split(".")
    if root == "traits":
        return _trait_reader(parts)
    absent_label = path
    rest = tuple(parts)
    if root in ("properties", "context"):

        def read_dict(scope: EventScope) -> tuple[Any, str]:
            data = scope.event.properties if root == "properties" else scope.event.context
            return walk(data, rest), absent_label

        return read_dict
    if root == "event":

        def read_name(scope: EventScope) -> tuple[Any, str]:
            return walk(scope.event.name, rest), absent_label

        return read_name

    def read_attribute(scope: EventScope) -> tuple[Any, str]:
        return walk(getattr(scope.event, root, None), rest), absent_label

    return read_attribute


def _trait_reader(parts: list[str]) -> Reader:
    name = TRAIT_ALIASES.get(parts[0], parts[0]) if parts else ""
    rest = tuple(parts[1:])
    tail = "".join(f".{part}" for part in rest)
    absent_label = f"traits.{name}{tail}"
    if not rest:

        def read_trait(scope: EventScope) -> tuple[Any, str]:
            trait = scope.traits.get(name)
            if trait is None:
                return None, absent_label
            return trait.value, trait.source

        return read_trait

    def read_nested(scope: EventScope) -> tuple[Any, str]:
        trait = scope.traits.get(name)
        if trait is None:
            return None, absent_label
        value = walk(trait.value, rest)
        return value, trait.source + tail

    return read_nested
