"""RFC 6901 JSON Pointers into a request body: parsing, labels, and compiled setters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
    path = parts[:-1]
    kinds = tuple(is_index(part) for part in parts[1:])
    parent_key = "/" + "/".join(path)
    last = parts[-1]

    def parent_of(body: dict[str, Any], made: dict[str, Any]) -> Any:
        parent = made.get(parent_key)
        if parent is None:
            parent = body
            for segment, make_list in zip(path, kinds, strict=False):
                parent = _child(parent, segment, make_list)
            made[parent_key] = parent
        return parent

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
        value: Any = body
        for part in parts:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return None
        return value

    return get
