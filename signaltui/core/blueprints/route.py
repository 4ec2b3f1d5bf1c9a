"""A route's steps as one generated function: the compiler's last step.

Calling a dozen step closures per request, each re-reading its settings, costs more than
the work they do. So the steps of one event route are written out as the source of one
Python function, with every label, key and line number a literal, and compiled with
``compile()`` once, when the blueprint is. Plain named fields (the common case) are
inlined; any other step is called as it is. Only the blueprint's own strings are
written into the source, each as a ``repr`` literal; values from events never are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from signaltui.core.blueprints.steps import Inline, Step
from signaltui.core.blueprints.transforms import finite_failure
from signaltui.core.decision import TraceRow
from signaltui.core.fields import EventScope

RouteFn = Callable[[EventScope, dict[str, Any], dict[str, Any], list[TraceRow], list[str]], None]


def _inline(n: int, part: Inline, names: dict[str, Any], parents: dict[str, str]) -> list[str]:
    names[f"get_{n}"] = part.getter
    names[f"absent_{n}"] = part.absent
    source = "got[1]" if part.fixed_source is None else repr(part.fixed_source)
    row = f"add(({part.label!r}, {source}, got[3], False, {part.at!r}))"
    lines = [
        f"    got = memo_get({part.key!r})",
        "    if got is None:",
        f"        got = memo[{part.key!r}] = get_{n}(scope)",
        "    value = got[0]",
        "    if value is not None and (type(value) is str or finite(value) is None):",
    ]
    if part.setter is not None:
        names[f"set_{n}"] = part.setter
        lines.append(f"        if set_{n}(body, made, value):")
        lines.append(f"            {row}" if part.traced else "            pass")
    else:
        if part.parent_of is None:
            lines.append(f"        body[{part.name!r}] = value")
        else:
            # One local per container: the fields of one object find it once per build.
            local = parents.setdefault(part.parent_pointer, f"c_{len(parents)}")
            names[f"parent_{n}"] = part.parent_of
            lines += [
                f"        if {local} is None:",
                f"            {local} = parent_{n}(body, made)",
                f"        {local}[{part.name!r}] = value",
            ]
        lines.append(f"        {row}")
    lines += ["        if got[2] is not None:", "            warn(got[2])"]
    if part.keep is not None:
        lines.append(f"        made[{part.keep!r}] = (value, got[1])")
    lines += ["    else:", f"        absent_{n}(got, trace, warnings)"]
    return lines


def compile_route(steps: Sequence[Step]) -> RouteFn:
    """One function running ``steps`` in order (see the module docstring)."""
    names: dict[str, Any] = {"finite": finite_failure}
    lines = [
        "def route(scope, body, made, trace, warnings):",
        "    memo = scope.memo",
        "    memo_get = memo.get",
        "    add = trace.append",
        "    warn = warnings.append",
    ]
    parents: dict[str, str] = {}
    body_lines: list[str] = []
    for n, step in enumerate(steps):
        part = getattr(step, "inline", None)
        if isinstance(part, Inline):
            body_lines += _inline(n, part, names, parents)
        else:
            names[f"step_{n}"] = step
            body_lines.append(f"    step_{n}(scope, body, made, trace, warnings)")
    if parents:
        lines.append("    " + " = ".join(parents.values()) + " = None")
    lines += body_lines
    code = compile("\n".join(lines) + "\n", "<blueprint route>", "exec")
    exec(code, names)  # the source holds only the blueprint's own literals (see above)
    route: RouteFn = names["route"]
    return route
