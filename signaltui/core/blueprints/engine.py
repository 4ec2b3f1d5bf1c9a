"""A compiled blueprint: per event name, one generated function that builds the body.

:func:`compile_blueprint` turns a :class:`BlueprintSpec` into a
:class:`CompiledBlueprint` once (when the settings are loaded); planning an event then
calls the function of its route, with no rule tree to interpret.
"""

from __future__ import annotations

from dataclasses import dataclass

from signaltui.core.blueprints.route import RouteFn, compile_route
from signaltui.core.blueprints.spec import BlueprintSpec, FieldSpec
from signaltui.core.request import AuthScheme, Destination

#: The display name of each destination, for warnings ("Outreach allows 255").
CRM_NAMES: dict[Destination, str] = {"apollo": "Apollo", "outreach": "Outreach", "close": "Close"}


@dataclass(frozen=True)
class Route:
    """What one event name gets: its compiled body builder, or (``build is None``) a drop.

    ``build`` runs the blueprint's requirements and then every field of the route (see
    :mod:`signaltui.core.blueprints.route`).
    """

    build: RouteFn | None
    drop_detail: str | None = None


@dataclass(frozen=True)
class CompiledBlueprint:
    """One destination's blueprint, compiled: ready to plan events."""

    destination: Destination
    method: str
    path: str
    auth: AuthScheme
    headers: dict[str, str]
    consent: tuple[str, ...]
    routes: dict[str, Route]
    #: The route of an event the blueprint does not list (a drop, or the default fields).
    default: Route
    spec: BlueprintSpec
    #: The delivered events as one string, for the ``event_not_mapped`` detail.
    mapped: str = ""

    @property
    def mapped_events(self) -> tuple[str, ...]:
        """The listed events this destination delivers, in blueprint order."""
        return tuple(name for name, route in self.routes.items() if route.build is not None)


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
        spec=spec,
        mapped=mapped,
    )
