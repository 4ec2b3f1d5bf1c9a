"""RFC 6901 JSON Pointers naming body fields to leave out of comparisons (``--ignore``).

A pointer names one place in a body, from its root: ``/date_created``,
``/contacts/0/name``, ``/custom.cf_plan``; ``~1`` stands for ``/`` and ``~0`` for ``~``
inside a key. A numeric segment is a list index when the value there is a list and a
key otherwise. Removing a place that is not there changes nothing, so one pointer can
serve bodies that sometimes lack the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from signaltui.errors import InputError

_HINT = 'an RFC 6901 pointer starts with "/" (e.g. /date_created or /contacts/0/id)'


def parse_pointer(pointer: str, *, where: str = "--ignore") -> tuple[str, ...]:
    """The unescaped segments of ``pointer``; :class:`InputError` when it is not one."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise InputError(f"not a JSON Pointer: {pointer!r}", where=where, hint=_HINT)
    segments = []
    for raw in pointer[1:].split("/"):
        stray = raw.replace("~0", "").replace("~1", "")
        if "~" in stray:
            raise InputError(
                f"bad escape in JSON Pointer {pointer!r}",
                where=where,
                hint="inside a key write ~1 for / and ~0 for ~",
            )
        segments.append(raw.replace("~1", "/").replace("~0", "~"))
    return tuple(segments)


def check_pointers(pointers: Iterable[str], *, where: str = "--ignore") -> tuple[str, ...]:
    """``pointers`` validated, duplicates dropped, first-seen order kept."""
    seen: dict[str, None] = {}
    for pointer in pointers:
        parse_pointer(pointer, where=where)
        seen.setdefault(pointer, None)
    return tuple(seen)


def without(value: Any, pointers: Iterable[str]) -> Any:
    """``value`` with every place ``pointers`` name removed; ``value`` is not changed.

    Only the containers on a removed path are copied, so an unaffected body costs nothing.
    """
    for pointer in pointers:
        value = _remove(value, parse_pointer(pointer))
    return value


def _remove(value: Any, segments: tuple[str, ...]) -> Any:
    if not segments:
        return value
    head, rest = segments[0], segments[1:]
    if isinstance(value, dict) and head in value:
        copy = dict(value)
        if rest:
            copy[head] = _remove(value[head], rest)
        else:
            del copy[head]
        return copy
    if isinstance(value, list) and head.isdigit() and int(head) < len(value):
        index = int(head)
        items = list(value)
        if rest:
            items[index] = _remove(value[index], rest)
        else:
            del items[index]
        return items
    return value
