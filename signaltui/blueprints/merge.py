"""Overlays applied in order onto a destination's blueprint, then checked as a whole."""

from __future__ import annotations

from dataclasses import replace

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


def build(preset: BlueprintSpec, overlays: list[Overlay]) -> BlueprintSpec:
    """The preset with ``overlays`` applied in order (one without ``extends`` starts empty)."""
    spec = preset
    for overlay in overlays:
        spec = apply(spec if overlay.extends else empty_like(preset), overlay)
    return check_whole(spec)
