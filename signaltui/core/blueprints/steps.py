"""The lines of a route function for each kind of step: fields, copies, drops, checks.

:mod:`signaltui.core.blueprints.route` assembles them into one function per event
route. Everything a step decides from the blueprint alone (its pointer, labels, trace
texts, which locals hold its containers) is settled here, when the blueprint is
compiled; the lines only do what depends on the event.
"""

from __future__ import annotations

from signaltui.core.blueprints.codegen import Code, is_dear, read_expr
from signaltui.core.blueprints.gen import compile_getter, value_lines
from signaltui.core.blueprints.pointers import dotted, is_index, segments
from signaltui.core.blueprints.portable import RUNTIME, deep_copy, type_recipe
from signaltui.core.blueprints.spec import CheckSpec, Condition, FieldSpec, ValueSpec
from signaltui.core.blueprints.values import Settings, default_rule, memo_key, static_rule


def label_of(spec: FieldSpec) -> str:
    """The trace ``field`` of a field rule: its label, or the pointer in dotted form."""
    return spec.label if spec.label is not None else dotted(spec.body_pointer)


class RouteWriter(Code):
    """The code of one route function: its lines, the locals that hold the containers
    of the body being built, and the locals that keep values a later ``copy`` reads."""

    def __init__(self, keeps: dict[str, str]) -> None:
        super().__init__()
        self.names["BLANK"] = RUNTIME["BLANK"]
        self.containers: dict[tuple[str, ...], str] = {}
        #: ``"=" + pointer`` -> the local keeping that field's value (and ``_src``).
        self.keeps = keeps

    def container(self, path: tuple[str, ...], holds_list: bool, indent: str) -> str:
        """Lines making sure the container at ``path`` exists; returns its local name."""
        local = self.containers.get(path)
        if local is None:
            local = self.containers[path] = f"c_{len(self.containers)}"
        segment = path[-1]
        made = "[]" if holds_list else "{}"
        self.emit(indent, f"if {local} is None:")
        inner = indent + "    "
        if len(path) == 1:
            parent, parent_is_list = "body", False
        else:
            parent = self.container(path[:-1], is_index(segment), inner)
            parent_is_list = is_index(segment)
        if parent_is_list:
            index = int(segment)
            self.emit(
                inner,
                f"if {index} < len({parent}):",
                f"    {local} = {parent}[{index}]",
                "else:",
                f"    {local} = {made}",
                f"    {parent}.append({local})",
            )
        else:
            self.emit(
                inner,
                f"{local} = {parent}.get({segment!r})",
                f"if {local} is None:",
                f"    {local} = {parent}[{segment!r}] = {made}",
            )
        return local

    def set_value(self, parts: tuple[str, ...], unique: bool, indent: str, row: str | None) -> None:
        """Lines setting ``value`` at ``parts``, then ``row`` (a trace line) if given."""
        add = [row] if row else []
        last = parts[-1]
        if len(parts) == 1:
            self.emit(indent, f"body[{last!r}] = value", *add)
            return
        local = self.container(parts[:-1], is_index(last), indent)
        if last == "-" and unique:
            self.emit(indent, f"if value not in {local}:", f"    {local}.append(value)")
            self.emit(indent + "    ", *add)
        elif last == "-":
            self.emit(indent, f"{local}.append(value)", *add)
        elif last.isdigit():
            self.emit(
                indent,
                f"if {last} < len({local}):",
                f"    {local}[{last}] = value",
                "else:",
                f"    {local}.append(value)",
                *add,
            )
        else:
            self.emit(indent, f"{local}[{last!r}] = value", *add)


def condition_test(code: Code, condition: Condition) -> str:
    """A test of one event source (``equals`` is strict: ``true`` is not ``1``)."""
    read = read_expr(code, condition.source)
    operand = condition.operand
    if condition.op == "equals":
        if operand is None or type(operand) is bool:
            return f"({read} is {operand!r})"  # the same test: there is one True object
        kind = code.bind("kind", type(operand), type_recipe(type(operand)))
        value = code.bind("operand", operand, ("value", operand))
        return f"(type(cv := {read}) is {kind} and cv == {value})"
    if condition.op == "in":
        options = tuple(operand)
        return f"({read} in {code.bind('options', options, ('value', options))})"
    return f"({read} {'not in' if condition.op == 'present' else 'in'} BLANK)"


def _literal(row: tuple[str | bool | None, ...]) -> str:
    """A trace row known when compiling, as a literal (one constant in the code)."""
    assert all(item is None or type(item) in (str, bool) for item in row)
    return repr(row)


def emit_field(w: RouteWriter, spec: FieldSpec, region: str, crm: str) -> None:
    """The lines of one field rule (inside its ``when`` conditions, if any)."""
    indent = "    "
    if spec.when:
        tests = " and ".join(condition_test(w, condition) for condition in spec.when)
        w.emit(indent, f"if {tests}:")
        indent += "    "
    start = len(w.lines)
    value = spec.value
    if value is None:
        if spec.trace:
            row = (label_of(spec), spec.trace_source or "blueprint", spec.drop_rule, True, spec.at)
            w.emit(indent, f"trace.append({_literal(row)})")
    elif value.kind == "value":
        _constant(w, spec, indent)
    elif value.kind == "copy":
        _copy(w, spec, indent)
    else:
        _from_rule(w, spec, region, crm, indent)
    if len(w.lines) == start:
        w.emit(indent, "pass  # nothing to do (a placeholder an overlay fills in)")


def _constant(w: RouteWriter, spec: FieldSpec, indent: str) -> None:
    assert spec.value is not None
    constant = spec.value.constant
    if constant is None:  # a placeholder an overlay fills in (Close's status_id)
        return
    name = w.bind("constant", constant, ("value", constant))
    if not isinstance(constant, list | dict):
        made = name
    elif isinstance(constant, list) and all(not isinstance(i, list | dict) for i in constant):
        made = f"{name}.copy()"  # every request gets its own list
    else:
        made = f"{w.bind('deep', deep_copy, ('deep',))}({name})"
    source = spec.trace_source or "constant"
    row = _literal((label_of(spec), source, default_rule(spec.value), False, spec.at))
    w.emit(indent, f"value = {made}")
    traced = f"trace.append({row})" if spec.trace else None
    w.set_value(segments(spec.body_pointer), spec.unique, indent, traced)
    keep = w.keeps.get("=" + spec.pointer)
    if keep is not None:
        w.emit(indent, f"{keep} = value", f"{keep}_src = {source!r}")


def _holds_container_constant(spec: ValueSpec) -> bool:
    """Whether an alternative of ``spec`` (at any depth) is a list or object constant."""
    return any(
        not isinstance(source, str)
        and (
            isinstance(source.constant, list | dict)
            if source.kind == "value"
            else _holds_container_constant(source)
        )
        for source in spec.sources
    )


def _copy(w: RouteWriter, spec: FieldSpec, indent: str) -> None:
    assert spec.value is not None
    copied = spec.value.copy or ""
    label, at = label_of(spec), spec.at
    empty = []
    if spec.trace and spec.trace_empty:
        empty_row = (label, spec.trace_source or copied, spec.empty_rule, True, at)
        empty.append(f"trace.append({_literal(empty_row)})")
    if spec.warn_missing:
        empty.append(f"warnings.append({spec.warn_missing!r})")
    keep = w.keeps.get("=" + copied)
    if keep is None:  # nothing before it keeps that field: it is always empty here
        w.emit(indent, *empty)
        return
    w.emit(indent, f"if {keep} is None:", *[f"    {line}" for line in empty or ["pass"]])
    w.emit(indent, "else:", f"    value = {keep}")
    source = repr(spec.trace_source) if spec.trace_source else f"{keep}_src"
    rule = default_rule(spec.value)
    row = f"trace.append(({label!r}, {source}, {rule!r}, False, {at!r}))" if spec.trace else None
    w.set_value(segments(spec.body_pointer), spec.unique, indent + "    ", row)


def _from_rule(w: RouteWriter, spec: FieldSpec, region: str, crm: str, indent: str) -> None:
    """A ``from``/``all`` field: its value (from the memo, or written out), set or not."""
    assert spec.value is not None
    label, at = label_of(spec), spec.at
    settings = Settings(region, label, crm)
    if is_dear(spec.value):
        getter, shape = compile_getter(spec.value, settings)
        key = memo_key(spec.value, settings)
        w.uses.add("memo")
        w.emit(
            indent,
            f"got = memo.get({key!r})",
            "if got is None:",
            f"    got = memo[{key!r}] = {w.bind('get', getter, ('fn', getter))}(scope)",
            "value, src, problem, rule = got",
        )
    else:
        shape = value_lines(w, spec.value, settings, indent)
    # A memo entry may come from a rule with the same sources and transforms but another
    # trace text, so a fixed rule text is this rule's own, not the entry's.
    rule = repr(default_rule(spec.value)) if static_rule(spec.value) else "rule"
    source = repr(spec.trace_source) if spec.trace_source else "src"
    test = "value is not None"
    if shape.any_type:
        test += " and (type(value) is str or finite(value) is None)"
    w.emit(indent, f"if {test}:")
    if _holds_container_constant(spec.value):
        # A constant alternative won: the body gets its own copy (the memo's value is
        # the blueprint's constant), so nothing written into it reaches another request.
        w.emit(
            indent,
            "    if src == 'constant':",
            f"        value = {w.bind('deep', deep_copy, ('deep',))}(value)",
        )
    row = f"trace.append(({label!r}, {source}, {rule}, False, {at!r}))" if spec.trace else None
    w.set_value(segments(spec.body_pointer), spec.unique, indent + "    ", row)
    if shape.may_warn:
        w.emit(indent, "    if problem is not None:", "        warnings.append(problem)")
    keep = w.keeps.get("=" + spec.pointer)
    if keep is not None:
        w.emit(indent, f"    {keep} = value", f"    {keep}_src = src")
    absent = _absent_lines(spec, label, source, shape.may_fail, shape.any_type)
    if absent:
        w.emit(indent, "else:", *[f"    {line}" for line in absent])


def _absent_lines(
    spec: FieldSpec, label: str, source: str, may_fail: bool, any_type: bool
) -> list[str]:
    """The rows and warnings of a field left out: unusable, not finite, or empty."""
    omitted, at = spec.omitted_label or label, spec.at
    empty = (
        [f"trace.append(({label!r}, {source}, {spec.empty_rule!r}, True, {at!r}))"]
        if spec.trace and spec.trace_empty
        else []
    )
    lines = []
    if any_type:  # a value JSON cannot carry (NaN, an infinity)
        lines += ["if value is not None:", "    problem = finite(value)"]
    if may_fail or any_type:
        suffix = f"; {omitted} was left out"
        lines += [
            "if type(problem) is Failure:",
            f"    trace.append(({omitted!r}, {source}, problem.rule, True, {at!r}))",
            f"    warnings.append(problem.message + {suffix!r} if problem.names_field"
            " else problem.message)",
        ]
        if empty:
            lines += ["else:", f"    {empty[0]}"]
    else:
        lines += empty
    if spec.warn_missing:
        lines.append(f"warnings.append({spec.warn_missing!r})")
    return lines


def emit_check(w: RouteWriter, spec: CheckSpec, labels: dict[str, str]) -> None:
    """A warning naming which of ``spec.missing`` the body lacks."""
    w.emit("    ", "missing = []")
    for pointer in spec.missing:
        parts = segments(pointer)
        read = f"body.get({parts[0]!r})" if len(parts) == 1 else f"walk(body, {parts!r})"
        label = labels.get(pointer, dotted(pointer))
        w.emit("    ", f"if {read} is None:", f"    missing.append({label!r})")
    w.emit("    ", "if missing:")
    w.emit(
        "    ", f"    warnings.append({spec.warn!r}.replace('{{missing}}', ' and '.join(missing)))"
    )
