"""An event route as one generated function: the compiler's last step.

Calling a dozen step closures per request, each re-reading its settings, costs more than
the work they do. So everything one event route does (its requirements, then every
field, copy, drop and check in order) is written out as the source of one Python
function, with every label, key and line number a literal, and compiled with
``compile()`` once, when the blueprint is. Values are read and cleaned inline; the
dear ones (an email check, a phone parse, a chain of nested rules) come from the
per-event memo the destinations share. The containers of the body are found or made
once per build, in local variables. Only the blueprint's own strings are written into
the source, each as a ``repr`` literal; values from events never are.

The function takes the event's :class:`~signaltui.core.fields.EventScope` and gives
``(body, trace, warnings, drop_reason, drop_detail)``: ``body`` is ``None`` when a
requirement dropped the event (then ``trace`` is empty).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from signaltui.core.blueprints.codegen import is_dear
from signaltui.core.blueprints.gen import compile_getter, value_lines
from signaltui.core.blueprints.spec import CheckSpec, FieldSpec, RequireSpec
from signaltui.core.blueprints.steps import RouteWriter, emit_check, emit_field, label_of
from signaltui.core.blueprints.values import Settings, memo_key
from signaltui.core.decision import DROP_REASONS, TraceRow
from signaltui.core.fields import EventScope

Built = tuple[dict[str, Any] | None, list[TraceRow], list[str], str | None, str | None]
RouteFn = Callable[[EventScope], Built]


def _requirement(w: RouteWriter, spec: RequireSpec, region: str, crm: str) -> None:
    """Lines dropping the event (with ``spec.reason``) when its value is missing."""
    settings = Settings(region, spec.reason, crm)
    if is_dear(spec.value):
        getter, _ = compile_getter(spec.value, settings)
        key = memo_key(spec.value, settings)
        w.uses.add("memo")
        w.emit(
            "    ",
            f"got = memo.get({key!r})",
            "if got is None:",
            f"    got = memo[{key!r}] = {w.bind('get', getter, ('fn', getter))}(scope)",
            "value, problem = got[0], got[2]",
        )
    else:
        value_lines(w, spec.value, settings, "    ", need_problem=True)
    detail = (
        spec.detail
        or DROP_REASONS.get(spec.reason)
        or (f"no usable value for what {spec.at} requires")
    )
    w.emit(
        "    ",
        "if value is None:",
        "    warned = [problem.message] if type(problem) is Failure else []",
        f"    return None, [], warned, {spec.reason!r}, {detail!r}",
    )


def compile_route(
    fields: Sequence[FieldSpec],
    checks: Sequence[CheckSpec],
    requirements: Sequence[RequireSpec],
    region: str,
    crm: str,
) -> RouteFn:
    """One function building the body of a route (see the module docstring).

    ``checks`` go after the field their ``after`` names (the others at the end);
    ``crm`` is the destination's display name, for warnings.
    """
    copied = {"=" + f.value.copy for f in fields if f.value is not None and f.value.copy}
    keeps = {
        key: f"k_{n}" for n, key in enumerate(sorted(copied & {"=" + f.pointer for f in fields}))
    }
    w = RouteWriter(keeps)
    for requirement in requirements:
        _requirement(w, requirement, region, crm)
    start = len(w.lines)
    labels = {f.pointer: label_of(f) for f in fields}
    pending = list(checks)
    for field in fields:
        emit_field(w, field, region, crm)
        for check in [c for c in pending if c.after == field.pointer]:
            emit_check(w, check, labels)
            pending.remove(check)
    for check in pending:
        emit_check(w, check, labels)
    head = [
        "    body = {}",
        "    trace = []",
        "    warnings = []",
    ]
    blank = [*w.containers.values(), *keeps.values()]
    if blank:
        head.append("    " + " = ".join(blank) + " = None")
    w.lines[start:start] = head
    w.emit("    ", "return body, trace, warnings, None, None")
    build: RouteFn = w.function("def build(scope):", "<blueprint route>")
    return build


__all__ = ["Built", "RouteFn", "compile_route"]
