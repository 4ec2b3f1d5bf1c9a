"""RFC 6901 JSON Pointers into a request body: parsing, labels, and compiled setters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from signaltui.core.fields import walk

#: Sets a value in ``body``; ``made`` caches this build's containers by parent pointer.
#: Returns ``False`` when a ``unique`` list item was already there.
Setter = Callable[[dict[str, Any], dict[str, Any], Any], bool]


def segments(pointer: str) -> tuple[str, ...]:
    """``/contacts/0/a~1b`` -> ``("contacts", "0", "a/b")`` (``~1`` is ``/``, ``~0`` ``~``)."""
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:])


def is_index(segment: str) -> bool:
    """Whether ``segment`` addresses a list item (a number, or ``-`` to append)."""
    return segment == "-" or segment.isdigit()


def dotted(pointer: str) -> str:
    """The trace form of a pointer: ``/contacts/0/emails/0/email`` is
    ``contacts[0].emails[0].email``, ``/label_names/-`` is ``label_names[]``."""
    text = ""
    for part in segments(pointer):
        if part == "-":
            text += "[]"
        elif part.isdigit():
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _child(container: Any, segment: str, make_list: bool) -> Any:
    """The container at ``segment`` of ``container``, made (a list or a dict) if absent."""
    if isinstance(container, list):
        index = int(segment)
        if index < len(container):
            return container[index]
        child: Any = [] if make_list else {}
        container.append(child)
        return child
    child = container.get(segment)
    if child is None:
        child = container[segment] = [] if make_list else {}
    return child


def _parent_getter(
    path: tuple[str, ...], lists: tuple[bool, ...]
) -> Callable[[dict[str, Any], dict[str, Any]], Any]:
    """The container at ``path`` (made when absent); ``lists[i]``: ``path[i]`` holds a list.

    Each level is found (or made) once per build and kept in ``made``, so the fields of
    one nested object do not walk down from the body again.
    """
    segment, make_list = path[-1], lists[len(path) - 1]
    if len(path) == 1:

        def top(body: dict[str, Any], made: dict[str, Any]) -> Any:
            child = body.get(segment)
            if child is None:
                child = body[segment] = [] if make_list else {}
            return child

        return top
    up = _parent_getter(path[:-1], lists)
    key = "/" + "/".join(path)

    def deeper(body: dict[str, Any], made: dict[str, Any]) -> Any:
        child = made.get(key)
        if child is None:
            child = made[key] = _child(up(body, made), segment, make_list)
        return child

    return deeper


def parent_getter(parts: tuple[str, ...]) -> Callable[[dict[str, Any], dict[str, Any]], Any]:
    """The getter (maker, when absent) of the container that holds a field's last segment.

    ``parts`` are the field pointer's segments (at least two).
    """
    return _parent_getter(parts[:-1], tuple(is_index(part) for part in parts[1:]))


def compile_setter(pointer: str, unique: bool = False) -> Setter:
    """A setter for ``pointer`` (validated by the loader: the first segment is a name,
    ``-`` only at the end, never a pointer into a scalar)."""
    parts = segments(pointer)
    if len(parts) == 1:
        key = parts[0]

        def set_top(body: dict[str, Any], made: dict[str, Any], value: Any) -> bool:
            body[key] = value
            return True

        return set_top
    parent_of = parent_getter(parts)
    last = parts[-1]

    if last == "-":

        def append(body: dict[str, Any], made: dict[str, Any], value: Any) -> bool:
            items = parent_of(body, made)
            if unique and value in items:
                return False
            items.append(value)
            return True

        return append
    if last.isdigit():
        index = int(last)

        def set_item(body: dict[str, Any], made: dict[str, Any], value: Any) -> bool:
            items = parent_of(body, made)
            if index < len(items):
                items[index] = value
            else:
                items.append(value)
            return True

        return set_item

    def set_key(body: dict[str, Any], made: dict[str, Any], value: Any) -> bool:
        parent_of(body, made)[last] = value
        return True

    return set_key


def compile_getter(pointer: str) -> Callable[[dict[str, Any]], Any]:
    """A reader of the value at ``pointer`` in a built body (``None`` when absent)."""
    parts = segments(pointer)

    def get(body: dict[str, Any]) -> Any:
        return walk(body, parts)

    return get
