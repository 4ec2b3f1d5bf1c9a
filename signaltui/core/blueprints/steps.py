"""Compiling fields, checks and conditions into steps: closures a body is built with.

A step is called once per planned request as ``step(scope, body, made, trace, warnings)``;
everything a step decides from the blueprint alone (its setter, trace labels, memo key)
was settled when it was compiled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from signaltui.core.blueprints.pointers import (
    compile_getter,
    compile_setter,
    dotted,
    is_index,
    parent_getter,
    segments,
)
from signaltui.core.blueprints.spec import CheckSpec, Condition, FieldSpec
from signaltui.core.blueprints.transforms import Failure, finite_failure
from signaltui.core.blueprints.values import (
    Got,
    Settings,
    compile_value,
    default_rule,
    memo_key,
    static_rule,
)
from signaltui.core.decision import TraceRow
from signaltui.core.fields import EventScope, compile_source


class Leaf(NamedTuple):
    """A field step as parts a generated route function writes inline (see route.py):
    a value from a rule (``key``/``getter``/``absent``) or a constant, set at ``parts``."""

    parts: tuple[str, ...]  # the body pointer's segments
    unique: bool
    label: str
    at: str
    traced: bool
    fixed_source: str | None
    keep: str | None  # the key a later copy reads the value under (in ``made``)
    key: str | None = None
    getter: Callable[[EventScope], Got] | None = None
    absent: Callable[[Got, list[TraceRow], list[str]], None] | None = None
    constant: Any = None
    fresh: Callable[[Any], Any] | None = None
    rule: str = ""
    tests: tuple[Predicate, ...] = ()


Step = Callable[[EventScope, dict[str, Any], dict[str, Any], list[TraceRow], list[str]], None]
Predicate = Callable[[EventScope], bool]


def label_of(spec: FieldSpec) -> str:
    """The trace ``field`` of a field rule: its label, or the pointer in dotted form."""
    return spec.label if spec.label is not None else dotted(spec.body_pointer)


def compile_condition(condition: Condition) -> Predicate:
    """A test of one event source (``equals`` is strict: ``true`` is not ``1``)."""
    read = compile_source(condition.source)
    operand = condition.operand
    if condition.op == "equals":
        kind = type(operand)
        return lambda scope: type(value := read(scope)[0]) is kind and value == operand
    if condition.op == "in":
        options = tuple(operand)
        return lambda scope: read(scope)[0] in options
    present = condition.op == "present"
    return lambda scope: (read(scope)[0] not in (None, "", [], {})) is present


def compile_field(spec: FieldSpec, region: str, crm: str, copied: frozenset[str]) -> Step:
    """The step of one field rule. ``copied``: pointers a later ``copy`` reads."""
    step = _compile_field(spec, region, crm, copied)
    if not spec.when:
        return step
    tests = tuple(compile_condition(condition) for condition in spec.when)

    def guarded(
        scope: EventScope,
        body: dict[str, Any],
        made: dict[str, Any],
        trace: list[TraceRow],
        warnings: list[str],
    ) -> None:
        for test in tests:
            if not test(scope):
                return
        step(scope, body, made, trace, warnings)

    leaf = getattr(step, "inline", None)
    if isinstance(leaf, Leaf):
        guarded.inline = leaf._replace(tests=tests)  # type: ignore[attr-defined]
    return guarded


def _compile_field(spec: FieldSpec, region: str, crm: str, copied: frozenset[str]) -> Step:
    at = spec.at
    label = label_of(spec)
    omitted_label = spec.omitted_label or label
    traced, warn_missing = spec.trace, spec.warn_missing
    trace_empty = spec.trace and spec.trace_empty
    value_spec = spec.value
    if value_spec is None:
        row: TraceRow = (label, spec.trace_source or "blueprint", spec.drop_rule, True, at)

        def dropped(
            scope: EventScope,
            body: dict[str, Any],
            made: dict[str, Any],
            trace: list[TraceRow],
            warnings: list[str],
        ) -> None:
            if traced:
                trace.append(row)

        return dropped
    setter = compile_setter(spec.body_pointer, spec.unique)
    keep = "=" + spec.pointer if spec.pointer in copied else None
    if value_spec.kind == "value":
        constant = value_spec.constant
        fresh = _fresh_copier(constant)
        source = spec.trace_source or "constant"
        made_row: TraceRow = (label, source, default_rule(value_spec), False, at)

        def constant_step(
            scope: EventScope,
            body: dict[str, Any],
            made: dict[str, Any],
            trace: list[TraceRow],
            warnings: list[str],
        ) -> None:
            if constant is None:  # a placeholder an overlay fills in (Close's status_id)
                return
            value = constant if fresh is None else fresh(constant)
            if setter(body, made, value) and traced:
                trace.append(made_row)
            if keep is not None:
                made[keep] = (value, source)

        constant_step.inline = Leaf(  # type: ignore[attr-defined]
            segments(spec.body_pointer),
            spec.unique,
            label,
            at,
            traced,
            None,
            keep,
            constant=constant,
            fresh=fresh,
            rule=default_rule(value_spec),
        )
        constant_step.inline = constant_step.inline._replace(  # type: ignore[attr-defined]
            fixed_source=source
        )
        return constant_step
    if value_spec.kind == "copy":
        read_key = "=" + (value_spec.copy or "")
        rule = default_rule(value_spec)
        empty_rule = spec.empty_rule

        def copy_step(
            scope: EventScope,
            body: dict[str, Any],
            made: dict[str, Any],
            trace: list[TraceRow],
            warnings: list[str],
        ) -> None:
            kept = made.get(read_key)
            if kept is None:
                if trace_empty:
                    trace.append(
                        (label, spec.trace_source or value_spec.copy or "", empty_rule, True, at)
                    )
                if warn_missing:
                    warnings.append(warn_missing)
                return
            value, source = kept
            if setter(body, made, value) and traced:
                trace.append((label, spec.trace_source or source, rule, False, at))

        return copy_step
    settings = Settings(region, label, crm)
    getter = compile_value(value_spec, settings)
    key = memo_key(value_spec, settings)
    fixed_source = spec.trace_source
    empty_rule = spec.empty_rule

    def absent(got: Got, trace: list[TraceRow], warnings: list[str]) -> None:
        """The rows and warnings of a field left out: unusable, not finite, or empty."""
        value, source, problem, _ = got
        if value is not None:  # a value JSON cannot carry
            problem = finite_failure(value)
        source = fixed_source or source
        if type(problem) is Failure:
            trace.append((omitted_label, source, problem.rule, True, at))
            message = problem.message
            warnings.append(
                f"{message}; {omitted_label} was left out" if problem.names_field else message
            )
        elif trace_empty:
            trace.append((label, source, empty_rule, True, at))
        if warn_missing:
            warnings.append(warn_missing)

    parts = segments(spec.body_pointer)
    # A memo entry may come from another rule with the same sources and transforms, so a
    # fixed rule text is taken from this rule, not from the entry.
    static = default_rule(value_spec) if static_rule(value_spec) else ""
    plain = traced and keep is None and fixed_source is None and not is_index(parts[-1])
    if plain:
        # The common shape, written out: a named key, traced with the value's own source.
        name = parts[-1]
        parent_of = parent_getter(parts) if len(parts) > 1 else None

        def named_step(
            scope: EventScope,
            body: dict[str, Any],
            made: dict[str, Any],
            trace: list[TraceRow],
            warnings: list[str],
        ) -> None:
            memo = scope.memo
            got = memo.get(key)
            if got is None:
                got = memo[key] = getter(scope)
            value = got[0]
            if value is not None and (type(value) is str or finite_failure(value) is None):
                if parent_of is None:
                    body[name] = value
                else:
                    parent_of(body, made)[name] = value
                trace.append((label, got[1], static or got[3], False, at))
                if got[2] is not None:
                    warnings.append(got[2])
                return
            absent(got, trace, warnings)

        # What engine.route needs to write this step inline into its route's function.
        named_step.inline = Leaf(  # type: ignore[attr-defined]
            parts,
            False,
            label,
            at,
            True,
            None,
            None,
            key,
            getter,
            absent,
            rule=static,
        )
        return named_step

    def from_step(
        scope: EventScope,
        body: dict[str, Any],
        made: dict[str, Any],
        trace: list[TraceRow],
        warnings: list[str],
    ) -> None:
        memo = scope.memo
        got = memo.get(key)
        if got is None:
            got = memo[key] = getter(scope)
        value, source, problem, rule = got
        rule = static or rule
        if value is not None and (type(value) is str or finite_failure(value) is None):
            if setter(body, made, value) and traced:
                trace.append((label, fixed_source or source, rule, False, at))
            if problem is not None:
                warnings.append(problem)
            if keep is not None:
                made[keep] = (value, source)
            return
        absent(got, trace, warnings)

    from_step.inline = Leaf(  # type: ignore[attr-defined]
        parts,
        spec.unique,
        label,
        at,
        traced,
        fixed_source,
        keep,
        key,
        getter,
        absent,
        rule=static,
    )
    return from_step


def _fresh_copier(constant: Any) -> Callable[[Any], Any] | None:
    """How to copy a list or object constant for each body (``None``: a scalar, shared).

    Every request gets its own containers, so changing one body never changes another.
    """
    if not isinstance(constant, list | dict):
        return None
    if isinstance(constant, list) and all(not isinstance(i, list | dict) for i in constant):
        return list.copy
    return _deep_copy


def _deep_copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_deep_copy(item) for item in value]
    if isinstance(value, dict):
        return {key: _deep_copy(item) for key, item in value.items()}
    return value


def compile_check(spec: CheckSpec, labels: dict[str, str]) -> Step:
    """A warning step naming which of ``spec.missing`` the body lacks."""
    readers = tuple((labels.get(p, dotted(p)), compile_getter(p)) for p in spec.missing)
    warn = spec.warn

    def check(
        scope: EventScope,
        body: dict[str, Any],
        made: dict[str, Any],
        trace: list[TraceRow],
        warnings: list[str],
    ) -> None:
        missing = [label for label, read in readers if read(body) is None]
        if missing:
            warnings.append(warn.replace("{missing}", " and ".join(missing)))

    return check
