"""Valid blueprints that the CRM would not read as meant: warnings for ``blueprints check``.

A file can be well-formed and still send a field the CRM drops or treats as legacy.
These checks know one destination's rules each; they never stop a command (the
planner sends what the file says), they tell the user before production does.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

from signaltui import apollo_fields, outreach_attributes
from signaltui.blueprints.check import suggest
from signaltui.blueprints.merge import SetAside
from signaltui.core.blueprints.pointers import segments
from signaltui.core.blueprints.spec import BlueprintSpec, FieldSpec
from signaltui.core.request import Destination


@dataclass(frozen=True)
class Advice:
    """One warning about the rule at ``at`` (``file:line``, or the file), and what to do;
    ``brief`` says both in one short line (for the terminal app's small screens)."""

    at: str
    message: str
    hint: str
    brief: str


def file_warnings(
    specs: Mapping[Destination, BlueprintSpec],
    set_aside: Sequence[SetAside],
    files: Collection[str],
) -> list[Advice]:
    """The warnings about ``files``, from the merged ``specs`` and what overlays without
    ``extends`` left out (both from one :func:`~signaltui.blueprints.loader.merged_specs`):
    the set-asides first, then the destinations' rules, in destination and field order."""
    found = [_set_aside(lost) for lost in set_aside if lost.file in files]
    for spec in specs.values():
        found += [a for a in advise(spec) if a.at.rpartition(":")[0] in files]
    return found


def _set_aside(lost: SetAside) -> Advice:
    parts = []
    if lost.events:
        events = ", ".join(lost.events)
        parts.append(f"{_count(lost.events, 'event')} no longer delivered ({events})")
    if lost.fields:
        shown = ", ".join(lost.fields[:4]) + (", ..." if len(lost.fields) > 4 else "")
        parts.append(f"{_count(lost.fields, 'field')} no longer sent ({shown})")
    return Advice(
        lost.file,
        f"no 'extends: preset', so {lost.destination} starts from nothing: " + " and ".join(parts),
        "add 'extends: preset' to build on what is in force; leave it out only for a "
        f"complete blueprint (see 'signaltui blueprints show {lost.destination}')",
        f"no 'extends: preset': {lost.destination} starts from nothing, "
        + ", ".join(parts).replace(" no longer", " not")
        + "; add 'extends: preset'",
    )


def _count(items: tuple[str, ...], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def advise(spec: BlueprintSpec) -> list[Advice]:
    """Warnings about ``spec``'s fields (its own and its events'), in field order."""
    rule = _RULES.get(spec.destination)
    if rule is None:
        return []
    return [
        advice for field in _all_fields(spec) if field.value is not None and (advice := rule(field))
    ]


def _all_fields(spec: BlueprintSpec) -> Iterator[FieldSpec]:
    yield from spec.fields
    for event in spec.events:
        yield from event.fields


def _close_custom(field: FieldSpec) -> Advice | None:
    """Close reads a custom field only as the top-level key ``custom.cf_<field id>``; the
    ``custom`` object and ``custom.<Name>`` are its deprecated forms (the mock, like a
    current org, keeps only the ``cf_`` keys)."""
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
        f"{field.pointer}: a custom-field form Close has deprecated; write /custom.cf_<id>",
    )


def _outreach_attribute(field: FieldSpec) -> Advice | None:
    """A prospect attribute Outreach does not take: unknown, or read-only (``name`` is
    read-only too, yet Outreach accepts it on create, as the preset sends it)."""
    parts = segments(field.pointer.partition("#")[0])
    if parts[:2] != ("data", "attributes") or len(parts) < 3:
        return None
    name = parts[2]
    if name in outreach_attributes.WRITABLE or name == "name":
        return None
    if name in outreach_attributes.READ_ONLY:
        problem, close = f"the prospect attribute {name!r} is read-only", ""
    else:
        problem = f"a prospect has no attribute {name!r}"
        close = suggest(name, outreach_attributes.WRITABLE)
    return Advice(
        field.at,
        f"{field.pointer}: {problem} in Outreach's API; the mock refuses it with a 422{close}",
        "write a writable prospect attribute (e.g. title, company, workPhones, tags, "
        "source) or one of custom1..custom150",
        f"{field.pointer}: {problem} (the mock answers 422){close}",
    )


def _apollo_field(field: FieldSpec) -> Advice | None:
    """A top-level field Apollo's create-contact API does not document: the mock stores
    only the documented ones, so its value reaches no contact here."""
    name = segments(field.pointer.partition("#")[0])[0]
    if name in apollo_fields.DOCUMENTED:
        return None
    close = suggest(name, apollo_fields.DOCUMENTED)
    return Advice(
        field.at,
        f"{field.pointer}: Apollo's create-contact API documents no field {name!r} (the "
        f"mock keeps none of it on the contact){close}",
        "write one of its fields: " + ", ".join(sorted(apollo_fields.DOCUMENTED)),
        f"{field.pointer}: not a field Apollo documents (the mock drops it){close}",
    )


_RULES = {
    "apollo": _apollo_field,
    "close": _close_custom,
    "outreach": _outreach_attribute,
}
