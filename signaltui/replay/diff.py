"""Structural JSON differences with JSONPath-like locations (``body.contacts[0].name``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_MISSING: Any = object()
#: One segment of a difference path: ``.key``, ``["key"]`` or ``[0]``.
_SEGMENT = re.compile(r'\.([A-Za-z0-9_]+)|\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]')


@dataclass(frozen=True)
class Difference:
    """One changed value: where, what was recorded, what today's mapping makes.

    ``old``/``new`` are :data:`ABSENT` when the key did not exist on that side.
    """

    path: str
    old: Any
    new: Any
    #: ``file:line`` of the blueprint rule in force for this body place today (several,
    #: comma-separated, for a list filled by several rules); ``None`` when none is.
    rule_at: str | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        """JSON form; an absent side is omitted rather than written as ``null``."""
        data: dict[str, Any] = {"path": self.path}
        if self.old is not ABSENT:
            data["old"] = self.old
        if self.new is not ABSENT:
            data["new"] = self.new
        if self.rule_at is not None:
            data["rule_at"] = self.rule_at
        return data

    def describe(self) -> str:
        """``path: old → new`` for people; a body difference ends with its JSON Pointer
        (``(/contacts/0/name)``), the key a blueprint rule is written under, and where
        that rule is (``(/url, rule my/close.yaml:7)``)."""
        text = f"{self.path}: {_show(self.old)} → {_show(self.new)}"
        pointer = self.body_pointer()
        if pointer and self.rule_at:
            rules = "rules" if "," in self.rule_at else "rule"
            return f"{text} ({pointer}, {rules} {self.rule_at})"
        return f"{text} ({pointer})" if pointer else text

    def body_pointer(self) -> str | None:
        """The RFC 6901 pointer into the request body of a ``request.body…`` path."""
        prefix = "request.body"
        if not self.path.startswith(prefix) or self.path == prefix:
            return None
        parts = []
        for name, quoted, index in _SEGMENT.findall(self.path[len(prefix) :]):
            key = name or (json.loads(f'"{quoted}"') if quoted else index)
            parts.append(key.replace("~", "~0").replace("/", "~1"))
        return "/" + "/".join(parts)


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


ABSENT: Any = _Absent()


def _show(value: Any) -> str:
    if value is ABSENT:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def diff_json(old: Any, new: Any, path: str) -> list[Difference]:
    """Every difference between ``old`` and ``new``, depth first, keys in order."""
    if identical(old, new):  # the common case in a passing replay: nothing to walk
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        differences: list[Difference] = []
        for key in list(old) + [k for k in new if k not in old]:
            child = f"{path}.{key}" if _plain(key) else f"{path}[{_quoted(key)}]"
            differences += diff_json(old.get(key, ABSENT), new.get(key, ABSENT), child)
        return differences
    if isinstance(old, list) and isinstance(new, list):
        differences = []
        for index in range(max(len(old), len(new))):
            left = old[index] if index < len(old) else ABSENT
            right = new[index] if index < len(new) else ABSENT
            differences += diff_json(left, right, f"{path}[{index}]")
        return differences
    if old is ABSENT and new is ABSENT:
        return []
    return [Difference(path, old, new)]


def identical(old: Any, new: Any) -> bool:
    """Whether ``old`` and ``new`` are the same JSON value (``diff_json`` finds nothing).

    Stricter than ``==``, which calls ``1``, ``1.0`` and ``True`` equal (on the wire they
    are three values) and ``0.0`` equal to ``-0.0``: types must match all the way down,
    floats by their text too. Key order does not matter. A walk, about twice as fast as
    comparing the two values' ``repr`` (the earlier check), which built both strings.
    """
    kind = old.__class__
    if kind is not new.__class__:
        return False
    if kind is dict:
        if len(old) != len(new):
            return False
        for key, value in old.items():
            other = new.get(key, _MISSING)
            if other is _MISSING or not identical(value, other):
                return False
        return True
    if kind is list or kind is tuple:
        return len(old) == len(new) and all(map(identical, old, new))
    if kind is float:  # NaN is not identical to itself (as ``==`` has it); -0.0 not to 0.0
        return bool(old == new) and repr(old) == repr(new)
    return bool(old == new)


def _plain(key: str) -> bool:
    # ASCII only: ``_SEGMENT`` reads a ``.key`` segment back as ``[A-Za-z0-9_]+``.
    return key.isascii() and key.replace("_", "a").isalnum()


def _quoted(key: str) -> str:
    """``key`` as a JSON string, so a ``"`` or ``\\`` in it reads back unambiguously."""
    return json.dumps(key, ensure_ascii=False)
