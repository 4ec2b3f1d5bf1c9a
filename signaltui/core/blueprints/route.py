"""A route's steps as one generated function: the compiler's last step.

Calling a dozen step closures per request, each re-reading its settings, costs more than
the work they do. So the steps of one event route are written out as the source of one
Python function, with every label, key and line number a literal, and compiled with
``compile()`` once, when the blueprint is. Field steps (values and constants) are
inlined, and the containers they go into are found or made once per build, in local
variables; other steps (copies, drops, checks) are called as they are. Only the
blueprint's own strings are written into the source, each as a ``repr`` literal;
values from events never are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from signaltui.core.blueprints.pointers import is_index
from signaltui.core.blueprints.steps import Leaf, Step
from signaltui.core.blueprints.transforms import finite_failure
from signaltui.core.decision import TraceRow
from signaltui.core.fields import EventScope

RouteFn = Callable[[EventScope, dict[str, Any], dict[str, Any], list[TraceRow], list[str]], None]


class _Writer:
    """Accumulates the generated function's lines and the names it refers to."""

    def __init__(self) -> None:
        self.names: dict[str, Any] = {"finite": finite_failure}
        self.lines: list[str] = []
        self.containers: dict[tuple[str, ...], str] = {}

    def bind(self, prefix: str, n: int, value: Any) -> str:
        name = f"{prefix}_{n}"
        self.names[name] = value
        return name

    def container(self, path: tuple[str, ...], holds_list: bool, indent: str) -> str:
        """Lines making sure the container at ``path`` exists; returns its local name."""
        local = self.containers.get(path)
        if local is None:
            local = self.containers[path] = f"c_{len(self.containers)}"
        segment = path[-1]
        made = "[]" if holds_list else "{}"
        self.lines.append(f"{indent}if {local} is None:")
        inner = indent + "    "
        if len(path) == 1:
            parent, parent_is_list = "body", False
        else:
            parent = self.container(path[:-1], is_index(segment), inner)
            parent_is_list = is_index(segment)
        if parent_is_list:
            index = int(segment)
            self.lines += [
                f"{inner}if {index} < len({parent}):",
                f"{inner}    {local} = {parent}[{index}]",
                f"{inner}else:",
                f"{inner}    {local} = {made}",
                f"{inner}    {parent}.append({local})",
            ]
        else:
            self.lines += [
                f"{inner}{local} = {parent}.get({segment!r})",
                f"{inner}if {local} is None:",
                f"{inner}    {local} = {parent}[{segment!r}] = {made}",
            ]
        return local

    def set_value(self, leaf: Leaf, indent: str, row: str) -> None:
        """Lines setting ``value`` at the leaf's pointer, then adding ``row`` if traced."""
        parts = leaf.parts
        add = [f"{indent}{row}"] if leaf.traced else []
        last = parts[-1]
        if len(parts) == 1:
            self.lines.append(f"{indent}body[{last!r}] = value")
            self.lines += add
            return
        local = self.container(parts[:-1], is_index(last), indent)
        if last == "-":
            if leaf.unique:
                self.lines.append(f"{indent}if value not in {local}:")
                self.lines.append(f"{indent}    {local}.append(value)")
                self.lines += [f"    {line}" for line in add]
            else:
                self.lines.append(f"{indent}{local}.append(value)")
                self.lines += add
        elif last.isdigit():
            self.lines += [
                f"{indent}if {last} < len({local}):",
                f"{indent}    {local}[{last}] = value",
                f"{indent}else:",
                f"{indent}    {local}.append(value)",
            ]
            self.lines += add
        else:
            self.lines.append(f"{indent}{local}[{last!r}] = value")
            self.lines += add

    def leaf(self, n: int, leaf: Leaf) -> None:
        indent = "    "
        if leaf.tests:
            tests = " and ".join(
                f"{self.bind('test', n * 100 + i, test)}(scope)"
                for i, test in enumerate(leaf.tests)
            )
            self.lines.append(f"{indent}if {tests}:")
            indent += "    "
        if leaf.getter is None:
            self._constant(n, leaf, indent)
            return
        getter, absent = self.bind("get", n, leaf.getter), self.bind("absent", n, leaf.absent)
        source = "got[1]" if leaf.fixed_source is None else repr(leaf.fixed_source)
        rule = repr(leaf.rule) if leaf.rule else "got[3]"  # fixed, or the winning source's
        row = f"add(({leaf.label!r}, {source}, {rule}, False, {leaf.at!r}))"
        self.lines += [
            f"{indent}got = memo_get({leaf.key!r})",
            f"{indent}if got is None:",
            f"{indent}    got = memo[{leaf.key!r}] = {getter}(scope)",
            f"{indent}value = got[0]",
            f"{indent}if value is not None and (type(value) is str or finite(value) is None):",
        ]
        self.set_value(leaf, indent + "    ", row)
        self.lines += [f"{indent}    if got[2] is not None:", f"{indent}        warn(got[2])"]
        if leaf.keep is not None:
            self.lines.append(f"{indent}    made[{leaf.keep!r}] = (value, got[1])")
        self.lines += [f"{indent}else:", f"{indent}    {absent}(got, trace, warnings)"]

    def _constant(self, n: int, leaf: Leaf, indent: str) -> None:
        if leaf.constant is None:
            self.lines.append(f"{indent}pass  # a placeholder an overlay fills in")
            return
        constant = self.bind("constant", n, leaf.constant)
        value = (
            constant if leaf.fresh is None else f"{self.bind('fresh', n, leaf.fresh)}({constant})"
        )
        self.lines.append(f"{indent}value = {value}")
        row = self.bind("row", n, (leaf.label, leaf.fixed_source, leaf.rule, False, leaf.at))
        self.set_value(leaf, indent, f"add({row})")
        if leaf.keep is not None:
            self.lines.append(f"{indent}made[{leaf.keep!r}] = (value, {leaf.fixed_source!r})")


def compile_route(steps: Sequence[Step]) -> RouteFn:
    """One function running ``steps`` in order (see the module docstring)."""
    writer = _Writer()
    for n, step in enumerate(steps):
        leaf = getattr(step, "inline", None)
        if isinstance(leaf, Leaf):
            writer.leaf(n, leaf)
        else:
            writer.lines.append(
                f"    {writer.bind('step', n, step)}(scope, body, made, trace, warnings)"
            )
    head = [
        "def route(scope, body, made, trace, warnings):",
        "    memo = scope.memo",
        "    memo_get = memo.get",
        "    add = trace.append",
        "    warn = warnings.append",
    ]
    if writer.containers:
        head.append("    " + " = ".join(writer.containers.values()) + " = None")
    source = "\n".join([*head, *writer.lines, "    return"]) + "\n"
    code = compile(source, "<blueprint route>", "exec")
    exec(code, writer.names)  # the source holds only the blueprint's own literals (see above)
    route: RouteFn = writer.names["route"]
    return route
