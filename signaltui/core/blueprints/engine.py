"""A compiled blueprint: per event name, one generated function that builds the body.

:func:`compile_blueprint` turns a :class:`BlueprintSpec` into a
:class:`CompiledBlueprint` once (when the settings are loaded); planning an event then
calls the function of its route, with no rule tree to interpret.
"""

from __future__ import annotations

from signaltui.core.blueprints.model import CompiledBlueprint, Route
from signaltui.core.blueprints.route import RouteFn, compile_route
from signaltui.core.blueprints.spec import BlueprintSpec, FieldSpec
from signaltui.core.request import CRM_NAMES

__all__ = ["CRM_NAMES", "CompiledBlueprint", "Route", "compile_blueprint", "merge_fields"]


def merge_fields(base: tuple[FieldSpec, ...], extra: tuple[FieldSpec, ...]) -> list[FieldSpec]:
    """``extra`` over ``base``: a pointer already there is replaced in place, others follow."""
    merged = {spec.pointer: spec for spec in base}
    for spec in extra:
        merged[spec.pointer] = spec
    return list(merged.values())


def _route(spec: BlueprintSpec, fields: list[FieldSpec], region: str) -> RouteFn:
    crm = CRM_NAMES[spec.destination]
    return compile_route(fields, spec.checks, spec.require, region, crm)


def compile_blueprint(spec: BlueprintSpec, region: str) -> CompiledBlueprint:
    """Compile ``spec`` for phone numbers read in ``region`` (done once per settings)."""
    base = list(spec.fields)
    base_steps = _route(spec, base, region)
    routes: dict[str, Route] = {}
    for event in spec.events:
        if event.action == "drop":
            detail = f"{event.name!r} is switched off for {spec.destination} ({event.at})"
            routes[event.name] = Route(None, detail)
        elif event.fields:
            routes[event.name] = Route(
                _route(spec, merge_fields(spec.fields, event.fields), region)
            )
        else:
            routes[event.name] = Route(base_steps)
    mapped = ", ".join(name for name, route in routes.items() if route.build is not None)
    default = Route(base_steps) if spec.default_action == "deliver" else Route(None)
    request = spec.request
    return CompiledBlueprint(
        destination=spec.destination,
        method=request.method,
        path=request.path,
        auth=request.auth,
        headers=dict(request.headers),
        consent=spec.consent,
        routes=routes,
        default=default,
        source=spec,
        mapped=mapped,
    )
