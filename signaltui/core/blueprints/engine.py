"""A compiled blueprint: per event name, a tuple of steps that build the request body.

:func:`compile_blueprint` turns a :class:`BlueprintSpec` into a
:class:`CompiledBlueprint` once (when the settings are loaded); planning an event then
runs the steps of its route, with no rule tree to interpret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from signaltui.core.blueprints.route import RouteFn, compile_route
from signaltui.core.blueprints.spec import BlueprintSpec, FieldSpec, RequireSpec
from signaltui.core.blueprints.steps import Step, compile_check, compile_field, label_of
from signaltui.core.blueprints.transforms import Failure
from signaltui.core.blueprints.values import Getter, Settings, compile_value, memo_key
from signaltui.core.decision import DROP_REASONS, TraceRow
from signaltui.core.fields import EventScope
from signaltui.core.request import AuthScheme, Destination

#: The display name of each destination, for warnings ("Outreach allows 255").
CRM_NAMES: dict[Destination, str] = {"apollo": "Apollo", "outreach": "Outreach", "close": "Close"}


class BuiltBody(NamedTuple):
    """A body with its trace and warnings, or the drop reason (and detail) that stopped it."""

    body: dict[str, Any] | None
    trace: list[TraceRow]
    warnings: list[str]
    drop_reason: str | None = None
    drop_detail: str | None = None


@dataclass(frozen=True)
class Route:
    """What one event name gets: its compiled steps, or (``steps is None``) a drop."""

    steps: RouteFn | None
    drop_detail: str | None = None


class Requirement(NamedTuple):
    get: Getter
    key: str
    reason: str
    detail: str


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
    requirements: tuple[Requirement, ...]
    spec: BlueprintSpec
    #: The delivered events as one string, for the ``event_not_mapped`` detail.
    mapped: str = ""

    @property
    def mapped_events(self) -> tuple[str, ...]:
        """The listed events this destination delivers, in blueprint order."""
        return tuple(name for name, route in self.routes.items() if route.steps is not None)

    def build(self, scope: EventScope, route: RouteFn) -> BuiltBody:
        """The body of one event: the requirements first, then every step in order."""
        memo = scope.memo
        for get, key, reason, detail in self.requirements:
            got = memo.get(key)
            if got is None:
                got = memo[key] = get(scope)
            if got[0] is None:
                problem = got[2]
                warnings: list[str] = [problem.message] if type(problem) is Failure else []
                return BuiltBody(None, [], warnings, reason, detail)
        body: dict[str, Any] = {}
        made: dict[str, Any] = {}
        trace: list[TraceRow] = []
        warnings = []
        route(scope, body, made, trace, warnings)
        return BuiltBody(body, trace, warnings)


def merge_fields(base: tuple[FieldSpec, ...], extra: tuple[FieldSpec, ...]) -> list[FieldSpec]:
    """``extra`` over ``base``: a pointer already there is replaced in place, others follow."""
    merged = {spec.pointer: spec for spec in base}
    for spec in extra:
        merged[spec.pointer] = spec
    return list(merged.values())


def _requirement(spec: RequireSpec, region: str, crm: str) -> Requirement:
    settings = Settings(region, spec.reason, crm)
    detail = (
        spec.detail
        or DROP_REASONS.get(spec.reason)
        or (f"no usable value for what {spec.at} requires")
    )
    return Requirement(
        compile_value(spec.value, settings), memo_key(spec.value, settings), spec.reason, detail
    )


def _steps(spec: BlueprintSpec, fields: list[FieldSpec], region: str) -> RouteFn:
    crm = CRM_NAMES[spec.destination]
    copied = frozenset(f.value.copy for f in fields if f.value is not None and f.value.copy)
    labels = {f.pointer: label_of(f) for f in fields}
    steps: list[Step] = []
    checks = list(spec.checks)
    for field in fields:
        steps.append(compile_field(field, region, crm, copied))
        for check in [c for c in checks if c.after == field.pointer]:
            steps.append(compile_check(check, labels))
            checks.remove(check)
    steps += [compile_check(check, labels) for check in checks]
    return compile_route(steps)


def compile_blueprint(spec: BlueprintSpec, region: str) -> CompiledBlueprint:
    """Compile ``spec`` for phone numbers read in ``region`` (done once per settings)."""
    base = list(spec.fields)
    base_steps = _steps(spec, base, region)
    routes: dict[str, Route] = {}
    for event in spec.events:
        if event.action == "drop":
            detail = f"{event.name!r} is switched off for {spec.destination} ({event.at})"
            routes[event.name] = Route(None, detail)
        elif event.fields:
            routes[event.name] = Route(
                _steps(spec, merge_fields(spec.fields, event.fields), region)
            )
        else:
            routes[event.name] = Route(base_steps)
    mapped = ", ".join(name for name, route in routes.items() if route.steps is not None)
    default = Route(base_steps) if spec.default_action == "deliver" else Route(None)
    crm = CRM_NAMES[spec.destination]
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
        requirements=tuple(_requirement(r, region, crm) for r in spec.require),
        spec=spec,
        mapped=mapped,
    )
