"""Compiling a :class:`ValueSpec` into a getter: one closure per value rule, made once.

A getter gives ``(value, source, problem, rule)`` for an event: ``value`` is ``None``
when the rule found nothing usable; ``problem`` is a :class:`Failure` (why it was left
out) or a warning text (kept, but changed); ``rule`` is the trace rule of the source
that won.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from signaltui.core.blueprints.spec import ValueSpec
from signaltui.core.blueprints.transforms import (
    Failure,
    Transform,
    Warned,
    make_transform,
    split_transform,
)
from signaltui.core.blueprints.transforms import _join as _join_step
from signaltui.core.blueprints.transforms import _lower as _lower_step
from signaltui.core.blueprints.transforms import _strip as _strip_step
from signaltui.core.blueprints.transforms import _trim as _trim_step
from signaltui.core.fields import EventScope, compile_source

Got = tuple[Any, str, Any, str]
Getter = Callable[[EventScope], Got]

#: Raw values that count as empty when no transform cleans them.
_EMPTY: tuple[Any, ...] = ("", [], {})


@dataclass(frozen=True)
class Settings:
    """What a compiled transform may depend on: the phone region and, for warnings, the
    field's trace name and the destination's display name."""

    region: str
    label: str
    crm: str


def default_rule(spec: ValueSpec) -> str:
    """The trace rule text of a value rule that names none."""
    if spec.rule is not None:
        return spec.rule
    if spec.kind == "value":
        return "constant"
    if spec.kind == "copy":
        return f"copy of {spec.copy}"
    return " + ".join(spec.transforms) or "as sent"


def chain(transforms: tuple[str, ...], settings: Settings) -> Callable[[Any], tuple[Any, Any]]:
    """The transforms applied in order: ``(value, problem)`` of a raw value."""
    steps: tuple[Transform, ...] = tuple(
        make_transform(
            *split_transform(step), region=settings.region, label=settings.label, crm=settings.crm
        )
        for step in transforms
    )
    if not steps:

        def as_is(value: Any) -> tuple[Any, Any]:
            return (None, None) if value is None or value in _EMPTY else (value, None)

        return as_is

    def run(value: Any) -> tuple[Any, Any]:
        warned = None
        for step in steps:
            value = step(value)
            kind = type(value)
            if kind is Warned:
                warned = value.message
                value = value.value
            elif kind is Failure:
                return None, value
            if value is None:
                return None, None
        return value, warned

    return run


def compile_value(spec: ValueSpec, settings: Settings) -> Getter:
    """The getter of ``spec`` (kinds ``from``, ``all`` and ``value``; ``copy`` is the
    field step's own business)."""
    rule = default_rule(spec)
    if spec.kind == "value":
        got: Got = (spec.constant, "constant", None, rule)
        return lambda scope: got
    if spec.kind == "all":
        return _compile_all(spec, settings, rule)
    from signaltui.core.blueprints.gen import compile_from

    return compile_from(
        spec,
        settings.region,
        settings.label,
        settings.crm,
        lambda nested: compile_value(nested, settings),
    )


#: Transforms that never fail or warn, so a one-step chain can call them directly.
_PLAIN = {"trim": _trim_step, "strip": _strip_step, "lower": _lower_step, "join": _join_step}


def _compile_path(path: str, transforms: tuple[str, ...], settings: Settings, rule: str) -> Getter:
    read = compile_source(path)
    plain = _PLAIN.get(transforms[0]) if len(transforms) == 1 else None
    if plain is not None:

        def get_plain(scope: EventScope) -> Got:
            raw, source = read(scope)
            return (None if raw is None else plain(raw)), source, None, rule

        return get_plain
    run = chain(transforms, settings)

    def get(scope: EventScope) -> Got:
        raw, source = read(scope)
        if raw is None:
            return None, source, None, rule
        value, problem = run(raw)
        return value, source, problem, rule

    return get


def _compile_all(spec: ValueSpec, settings: Settings, rule: str) -> Getter:
    readers = tuple(compile_source(source) for source in spec.sources if isinstance(source, str))
    # The steps before join clean each item (an item they empty is dropped); join and
    # the steps after it work on the joined text. Without join, every step is per item.
    steps = spec.transforms
    cut = steps.index("join") if "join" in steps else len(steps)
    per_item = chain(steps[:cut], settings)
    run = chain(steps[cut:], settings)

    def get(scope: EventScope) -> Got:
        items = []
        labels = []
        for read in readers:
            raw, source = read(scope)
            labels.append(source)
            if raw is not None:
                item = per_item(raw)[0]
                if item is not None:
                    items.append(item)
        label = " + ".join(labels)
        if not items:
            return None, label, None, rule
        if cut == len(steps):
            return items, label, None, rule
        value, problem = run(items)
        return value, label, problem, rule

    return get


def static_rule(spec: ValueSpec) -> bool:
    """Whether every result of ``spec`` carries the same trace rule (no nested rules)."""
    return spec.kind in ("from", "all") and all(isinstance(s, str) for s in spec.sources)


def memo_key(spec: ValueSpec, settings: Settings) -> str:
    """What makes two value rules give the same answer for an event, as one string.

    The phone region, and the field and destination names of a ``truncate`` warning,
    are part of it only when the rule uses them, so the rules the destinations share
    (an email, a title) are worked out once per event.
    """
    # A rule whose sources are all paths traces one fixed rule text, which the route
    # writes itself; leaving it out of the key lets rules that differ only in their text
    # (the email as a field and as a requirement) share one result.
    text = repr(replace(spec, rule=None) if static_rule(spec) else spec)
    extra = []
    if "'e164'" in text:
        extra.append(settings.region)
    if "truncate" in text:
        extra += [settings.label, settings.crm]
    return "|".join([text, *extra])
