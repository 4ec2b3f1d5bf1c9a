"""What a blueprint means, checked: sources, transforms, pointers, constants.

Each check raises :class:`BlueprintError` at the rule's ``file:line`` with what to do,
and suggests the near miss (``traits.compnay`` -> ``traits.company``) where there is one.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from typing import Any

from signaltui.blueprints.yamltext import BlueprintError
from signaltui.core.blueprints.pointers import is_index, segments
from signaltui.core.blueprints.transforms import TRANSFORMS, split_transform
from signaltui.core.events import TRAIT_ALIASES
from signaltui.core.fields import SOURCE_ROOTS

#: Trait names signaltui knows of; a source one typo away from one is refused.
KNOWN_TRAITS = frozenset(
    {
        *TRAIT_ALIASES,
        *TRAIT_ALIASES.values(),
        "email",
        "phone",
        "title",
        "company",
        "website",
        "city",
        "state",
        "country",
        "address",
    }
)


def suggest(word: str, options: Iterable[str]) -> str:
    """``"; did you mean X?"`` for the closest option, or ``""``."""
    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.75)
    return f"; did you mean {close[0]}?" if close else ""


def check_source(path: str, where: str) -> None:
    """A source path: a known root and, under ``traits``, no typo of a known trait."""
    root, _, rest = path.partition(".")
    if root not in SOURCE_ROOTS:
        raise BlueprintError(
            f"unknown source {path}{suggest(root, SOURCE_ROOTS)}",
            where=where,
            hint=f"a source starts with one of: {', '.join(SOURCE_ROOTS)}",
        )
    if root == "traits":
        name = rest.partition(".")[0]
        if not name:
            raise BlueprintError(
                f"source {path!r} names no trait",
                where=where,
                hint="write traits.<name>, e.g. traits.email",
            )
        if name not in KNOWN_TRAITS:
            close = difflib.get_close_matches(name, sorted(KNOWN_TRAITS), n=1, cutoff=0.8)
            # "titles" may well be a trait of its own; "compnay" is a typo of "company".
            if close and not (name.startswith(close[0]) or close[0].startswith(name)):
                raise BlueprintError(
                    f"unknown source {path}; did you mean traits.{close[0]}?",
                    where=where,
                    hint="fix the trait name (either spelling of an aliased trait works)",
                )


def check_transforms(steps: list[str], where: str) -> None:
    """Every step names a registered transform, with its argument when it takes one."""
    for step in steps:
        name, arg = split_transform(step)
        if name not in TRANSFORMS:
            raise BlueprintError(
                f"unknown transform {name!r}{suggest(name, TRANSFORMS)}",
                where=where,
                hint=f"transforms are: {', '.join(TRANSFORMS)} (see docs/blueprints.md)",
            )
        takes_arg = TRANSFORMS[name][0]
        if takes_arg and not (arg and arg.isdigit() and int(arg) > 0):
            raise BlueprintError(
                f"transform {step!r} needs a positive number, e.g. {name}:100",
                where=where,
                hint=f"write {name}:N",
            )
        if not takes_arg and arg is not None:
            raise BlueprintError(
                f"transform {name!r} takes no argument", where=where, hint=f"write {name}"
            )


def check_pointer(pointer: str, where: str) -> None:
    """An RFC 6901 pointer into an object body (``#name`` may follow, for list items)."""
    body_pointer = pointer.partition("#")[0]
    if not body_pointer.startswith("/") or body_pointer == "/":
        raise BlueprintError(
            f"{pointer!r} is not a JSON Pointer",
            where=where,
            hint="a field key is a JSON Pointer into the body, e.g. /description or "
            "/contacts/0/title",
        )
    parts = segments(body_pointer)
    if is_index(parts[0]):
        raise BlueprintError(
            f"{pointer!r} starts with a list index, but a body is an object",
            where=where,
            hint="start the pointer with a field name",
        )
    if any(part == "" for part in parts):
        raise BlueprintError(
            f"{pointer!r} has an empty segment",
            where=where,
            hint="remove the doubled or trailing '/'",
        )
    zero = next((part for part in parts if part.isdigit() and part != str(int(part))), None)
    if zero is not None:
        raise BlueprintError(
            f"{pointer!r} has the list index {zero!r}, with a leading zero",
            where=where,
            hint=f"write the index as {int(zero)}, e.g. "
            f"{body_pointer.replace('/' + zero, '/' + str(int(zero)), 1)}",
        )
    if "-" in parts[:-1]:
        raise BlueprintError(
            f"{pointer!r} uses '-' before its last segment",
            where=where,
            hint="'-' (append to a list) may only end a pointer",
        )


def check_no_scalar_parent(pointers: list[tuple[str, str]]) -> None:
    """No pointer goes through another field's value (``/url`` and ``/url/x``)."""
    leaves = {p.partition("#")[0]: where for p, where in pointers}
    for pointer, where in pointers:
        body_pointer = pointer.partition("#")[0]
        parts = segments(body_pointer)
        for depth in range(1, len(parts)):
            parent = "/" + "/".join(parts[:depth])
            if parent in leaves:
                raise BlueprintError(
                    f"{pointer!r} points into {parent!r}, which another rule sets to a value "
                    f"({leaves[parent]})",
                    where=where,
                    hint=f"drop {parent} or choose another pointer",
                )


def check_list_items(pointers: list[tuple[str, str]]) -> None:
    """List items are written in order, so the engine can always build them.

    A numbered item past a list's end is appended, so a list is only what its pointers
    say when each list is either a list or an object, its numbered items come in order
    from 0 (no gap, no going back to an earlier one) and items appended with ``-`` come
    after them. ``pointers`` are ``(pointer, file:line)`` in field order.
    """
    kinds: dict[tuple[str, ...], tuple[bool, str, str]] = {}  # place -> (list?, by, at)
    last: dict[tuple[str, ...], tuple[int, str, str]] = {}  # list -> (item, by, at)
    for pointer, where in pointers:
        body_pointer = pointer.partition("#")[0]
        parts = segments(body_pointer)
        for depth in range(1, len(parts)):
            place, part = parts[:depth], parts[depth]
            _check_kind(kinds, place, is_index(part), body_pointer, where)
            if is_index(part):
                _check_order(last, place, part, body_pointer, where)


def _place(parts: tuple[str, ...]) -> str:
    return "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def _check_kind(
    kinds: dict[tuple[str, ...], tuple[bool, str, str]],
    place: tuple[str, ...],
    as_list: bool,
    pointer: str,
    where: str,
) -> None:
    known = kinds.setdefault(place, (as_list, pointer, where))
    if known[0] == as_list:
        return
    kind, other = ("a list", "an object") if as_list else ("an object", "a list")
    raise BlueprintError(
        f"{pointer} uses {_place(place)} as {kind}, but {known[1]} ({known[2]}) uses it as {other}",
        where=where,
        hint="a place in the body holds either list items (numbers, '-') or named "
        "fields: rename one of the two",
    )


def _check_order(
    last: dict[tuple[str, ...], tuple[int, str, str]],
    place: tuple[str, ...],
    part: str,
    pointer: str,
    where: str,
) -> None:
    item = -2 if part == "-" else int(part)  # -2: appended, after every numbered item
    seen, by, at = last.get(place, (-1, "", ""))
    name = _place(place)
    if seen == -2 and item != -2:
        raise BlueprintError(
            f"{pointer} comes after {by} ({at}): numbered list items must come before "
            "the items appended with '-'",
            where=where,
            hint=f"move {pointer} above {by}",
        )
    if item > seen + 1:
        raise BlueprintError(
            f"list index {_place((*place, part))} leaves {name}/{seen + 1} unset: list "
            "items must be written in order from 0",
            where=where,
            hint=f"write {name}/{seen + 1} first, or number this item {seen + 1}",
        )
    if 0 <= item < seen:
        raise BlueprintError(
            f"{pointer} goes back to item {item} of {name} after item {seen} ({at}): list "
            "items must be written in order",
            where=where,
            hint=f"keep the fields of item {item} together, above those of item {seen}",
        )
    if item != seen or seen == -1:
        last[place] = (item, pointer, where)


def check_constant(value: Any, where: str) -> None:
    """A constant JSON can carry (no NaN or infinity, text keys)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise BlueprintError(
            f"the constant {value!r} is not a number JSON can carry",
            where=where,
            hint="use a finite number, or quote it as text",
        )
    if isinstance(value, list):
        for item in value:
            check_constant(item, where)
    elif isinstance(value, dict):
        for item in value.values():
            check_constant(item, where)
