"""Valid blueprints that the CRM would not read as meant: warnings for ``blueprints check``.

A file can be well-formed and still send a field the CRM drops or treats as legacy.
These checks know one destination's rules each; they never stop a command (the
planner sends what the file says), they tell the user before production does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from signaltui.core.blueprints.pointers import segments
from signaltui.core.blueprints.spec import BlueprintSpec, FieldSpec


@dataclass(frozen=True)
class Advice:
    """One warning about the rule at ``at`` (``file:line``), and what to write instead."""

    at: str
    message: str
    hint: str


def advise(spec: BlueprintSpec) -> list[Advice]:
    """Warnings about ``spec``'s fields (its own and its events'), in field order."""
    if spec.destination != "close":
        return []
    return [advice for field in _all_fields(spec) if (advice := _close_custom(field))]


def _all_fields(spec: BlueprintSpec) -> Iterator[FieldSpec]:
    yield from spec.fields
    for event in spec.events:
        yield from event.fields


def _close_custom(field: FieldSpec) -> Advice | None:
    """Close reads a custom field only as the top-level key ``custom.cf_<field id>``; the
    ``custom`` object and ``custom.<Name>`` are its deprecated forms (the mock, like a
    current org, keeps only the ``cf_`` keys)."""
    if field.value is None:
        return None
    first = segments(field.pointer.partition("#")[0])[0]
    if first == "custom":
        written = "a 'custom' object"
    elif first.startswith("custom.") and not first.startswith("custom.cf_"):
        written = f"the by-name key {first!r}"
    else:
        return None
    return Advice(
        field.at,
        f"{field.pointer} writes {written}, which Close has deprecated: it takes a custom "
        "field as the top-level key 'custom.cf_<field id>' (the mock keeps only those)",
        "write the pointer as /custom.cf_<id>, with the id from Close's Settings > Custom Fields",
    )
