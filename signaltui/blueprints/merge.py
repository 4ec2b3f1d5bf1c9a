"""Overlays applied in order onto a destination's blueprint, then checked as a whole."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from signaltui.blueprints.check import check_list_items, check_no_scalar_parent
from signaltui.blueprints.convert import Overlay
from signaltui.blueprints.yamltext import BlueprintError
from signaltui.core.blueprints.engine import merge_fields
from signaltui.core.blueprints.spec import BlueprintSpec, EventSpec, FieldSpec, RequestSpec


def empty_like(preset: BlueprintSpec) -> BlueprintSpec:
    """A blueprint with the preset's endpoint and consent, and nothing mapped."""
    return BlueprintSpec(
        destination=preset.destination,
        request=preset.request,
        consent=preset.consent,
        default_action="drop",
        events=(),
        fields=(),
        files=(),
    )


def apply(base: BlueprintSpec, overlay: Overlay) -> BlueprintSpec:
    """``overlay`` over ``base``: events and fields merged by name and pointer (replaced in
    place, new ones after), lists (consent, require, checks) replaced when given."""
    request = base.request
    if overlay.request:
        given = overlay.request
        request = RequestSpec(
            method=given.get("method") or request.method,
            path=given.get("path") or request.path,
            auth=given.get("auth") or request.auth,
            headers={**request.headers, **given.get("headers", {})},
        )
    events = {event.name: event for event in base.events}
    for event in overlay.events:
        before = events.get(event.name)
        fields = tuple(merge_fields(before.fields, event.fields)) if before else event.fields
        events[event.name] = EventSpec(event.name, event.action, event.at, fields)
    return replace(
        base,
        request=request,
        consent=overlay.consent if overlay.consent is not None else base.consent,
        default_action=overlay.default_action or base.default_action,  # type: ignore[arg-type]
        events=tuple(events.values()),
        fields=tuple(merge_fields(base.fields, tuple(overlay.fields))),
        require=tuple(overlay.require) if overlay.require is not None else base.require,
        checks=tuple(overlay.checks) if overlay.checks is not None else base.checks,
        files=(*base.files, overlay.file),
    )


def _check_fields(fields: list[FieldSpec] | tuple[FieldSpec, ...]) -> None:
    written = [(f.pointer, f.at) for f in fields if f.value is not None]
    check_no_scalar_parent(written)
    check_list_items(written)
    seen: set[str] = set()
    for spec in fields:
        value = spec.value
        if value is not None and value.kind == "copy" and value.copy not in seen:
            raise BlueprintError(
                f"copy: {value.copy} names no field set before {spec.pointer}",
                where=spec.at,
                hint="copy a field listed above this one",
            )
        seen.add(spec.pointer)


def check_whole(spec: BlueprintSpec) -> BlueprintSpec:
    """The merged blueprint is sound: no pointer into a value, copies of earlier fields."""
    _check_fields(spec.fields)
    for event in spec.events:
        if event.fields:
            _check_fields(merge_fields(spec.fields, event.fields))
    return spec


@dataclass(frozen=True)
class SetAside:
    """What an overlay without ``extends`` leaves out of the blueprint below it: the
    events that blueprint delivered and the fields it set, which the file does not name
    again (starting from nothing is allowed, but rarely what a short file means)."""

    file: str
    destination: str
    events: tuple[str, ...]
    fields: tuple[str, ...]


def _set_aside(spec: BlueprintSpec, overlay: Overlay) -> SetAside | None:
    """What ``overlay``, starting from nothing, leaves out of ``spec`` (the blueprint
    below it), or ``None`` when it names again all that ``spec`` delivered and sent."""
    named = {event.name for event in overlay.events}
    pointers = {field.pointer for field in overlay.fields}
    events = tuple(e.name for e in spec.events if e.action == "deliver" and e.name not in named)
    fields = tuple(f.pointer for f in spec.fields if f.pointer not in pointers and _sends(f))
    if not (events or fields):
        return None
    return SetAside(overlay.file, spec.destination, events, fields)


def _sends(field: FieldSpec) -> bool:
    """Whether ``field`` can put something in a body (not dropped, not a null constant)."""
    value = field.value
    return value is not None and not (value.kind == "value" and value.constant is None)


def build(
    preset: BlueprintSpec,
    overlays: Sequence[Overlay],
    set_aside: list[SetAside] | None = None,
) -> BlueprintSpec:
    """The preset with ``overlays`` applied in order (one without ``extends`` starts empty).

    ``set_aside``, when given, gets what each overlay starting from nothing leaves out
    of the blueprint below it (for ``blueprints check``'s warnings).
    """
    spec = preset
    for overlay in overlays:
        if not overlay.extends and set_aside is not None:
            lost = _set_aside(spec, overlay)
            if lost is not None:
                set_aside.append(lost)
        spec = apply(spec if overlay.extends else empty_like(preset), overlay)
    return check_whole(spec)
