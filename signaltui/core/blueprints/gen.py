"""Value rules as generated source: the reads and transforms of a rule, written out.

A compiled blueprint runs per event and destination, so every call, closure and tuple
it makes there costs more than most of the work. This module writes the lines that
work out one value rule inline, setting the locals ``value``, ``src`` and ``problem``
(and ``rule`` when the winning alternative decides it). :mod:`route` puts them into
the function of an event route, or (:func:`compile_getter`) into a function of their
own whose ``(value, src, problem, rule)`` result the per-event memo keeps.

The locals mean, once the lines have run: ``value`` is ``None`` when the rule found
nothing usable; then ``src`` and ``problem`` are those of the first failure (a
:class:`Failure` from a transform) or else of the first alternative (``problem`` is
``None``). When ``value`` is set, ``src`` is where it came from and ``problem`` is a
warning text (a cut string) or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable

from signaltui.core.blueprints.codegen import (
    Code,
    Shape,
    cut_then_emptied,
    is_dear,
    read_expr,
    shape_of,
    transform_lines,
    walk_expr,
)
from signaltui.core.blueprints.spec import ValueSpec
from signaltui.core.blueprints.values import Got, Settings, default_rule, memo_key
from signaltui.core.events import TRAIT_ALIASES
from signaltui.core.fields import EventScope


def _read(code: Code, path: str) -> tuple[str | None, str, str, str]:
    """How to read source ``path``: (the trait name, or ``None`` for another root; the
    expression of the raw value; of its source once read; of its source when absent).

    For a trait, the value expression reads ``trait`` (the looked-up trait).
    """
    root, *parts = path.split(".")
    if root == "traits" and parts:
        code.uses.add("traits")
        name = TRAIT_ALIASES.get(parts[0], parts[0])
        rest = tuple(parts[1:])
        tail = "".join(f".{p}" for p in rest)
        source = f"trait.source + {tail!r}" if rest else "trait.source"
        return name, walk_expr("trait.value", rest), source, repr(f"traits.{name}{tail}")
    return None, read_expr(code, path), repr(path), repr(path)


def _alternative(
    code: Code,
    path: str,
    spec: ValueSpec,
    settings: Settings,
    indent: str,
    *,
    first: bool,
    reset: bool,
    rule: str | None,
    track: bool,
) -> tuple[bool, bool, bool]:
    """Lines of one source alternative of a ``from`` rule; see :func:`_from_lines`.

    The first one always sets ``src`` (to the path when absent); a later one runs only
    while ``value`` is ``None`` and sets ``src`` (and ``rule``, unless fixed) when it
    finds a value. Every transform copes with ``None`` (it gives ``None``), so the raw
    value goes through them without a test of its own. ``reset``: clear a ``problem``
    an alternative before may have left. Returns (may fail, may warn, gives text).
    """
    trait, read, source, absent = _read(code, path)
    if trait is not None:
        code.emit(indent, f"trait = traits.get({trait!r})")
        if first:
            code.emit(indent, "if trait is None:", "    value = None", f"    src = {absent}")
            code.emit(indent, "else:")
        else:
            code.emit(indent, "if trait is not None:")
        indent += "    "
    code.emit(indent, f"value = {read}")
    if first:
        code.emit(indent, f"src = {source}")
    if reset:
        code.emit(indent, "problem = None")
    if not spec.transforms:
        code.emit(indent, "if value in EMPTY:", "    value = None")
        fails, warns, text = False, False, False
    elif trait is None:  # often absent (a fallback property): skip the transforms then
        code.emit(indent, "if value is not None:")
        fails, warns, text = transform_lines(
            code, spec.transforms, settings, indent + "    ", maybe_none=False
        )
    else:
        fails, warns, text = transform_lines(code, spec.transforms, settings, indent)
    where = "src" if first else source
    tail = "" if rule is None else f", {rule!r}"
    if not first:
        found = f"src{', rule' if rule is not None else ''} = {source}{tail}"
        code.emit(indent, "if value is not None:", f"    {found}")
    if fails and track:
        code.emit(
            indent,
            f"{'if' if first else 'elif'} value is None and failed is None"
            " and type(problem) is Failure:",
            f"    failed = ({where}, problem{tail})",
        )
    return fails, warns, text


def value_lines(
    code: Code, spec: ValueSpec, settings: Settings, indent: str, need_problem: bool = False
) -> Shape:
    """Lines working out ``spec`` into ``value``, ``src``, ``problem`` (see the module
    docstring), and ``rule`` unless the returned shape fixes it.

    ``problem`` is set only where the shape says it may matter, or if ``need_problem``.
    """
    if spec.kind == "value":
        constant = code.bind("c", spec.constant, ("value", spec.constant))
        code.emit(indent, f"value, src, problem = {constant}, 'constant', None")
        return Shape(default_rule(spec), False, False, True)
    if spec.kind == "all":
        return _all_lines(code, spec, settings, indent)
    return _from_lines(code, spec, settings, indent, need_problem)


def _from_lines(
    code: Code, spec: ValueSpec, settings: Settings, indent: str, need_problem: bool
) -> Shape:
    """``from``: the first alternative that comes out non-empty.

    ``failed`` keeps the first failure (its source, problem and, unless fixed, rule).
    """
    rule = default_rule(spec)
    shape = shape_of(spec)
    fixed = shape.rule is not None
    nested = any(not isinstance(source, str) for source in spec.sources)
    if need_problem or nested or shape.may_fail or shape.may_warn or shape.any_type:
        code.emit(indent, "problem = None")
    if not fixed:
        code.emit(indent, f"rule = {rule!r}")
    # With several alternatives the first failure is kept, to be the answer if none
    # comes out non-empty; with one, its own problem is that answer.
    track = shape.may_fail and len(spec.sources) > 1
    if track:
        code.emit(indent, "failed = None")
    # A warning (a cut) is only left behind with no value when a later step empties the
    # value; a failure always is.
    leaves = cut_then_emptied(spec.transforms)
    dirty = False  # whether an alternative so far may have left a problem and no value
    for n, source in enumerate(spec.sources):
        inner = indent if n == 0 else indent + "    "
        if n:
            code.emit(indent, "if value is None:")
        if isinstance(source, str):
            fails, warns, _ = _alternative(
                code,
                source,
                spec,
                settings,
                inner,
                first=n == 0,
                reset=dirty,
                rule=None if fixed else rule,
                track=track,
            )
            dirty = dirty or fails or (warns and leaves)
        else:
            alternative = _nested(code, source, settings, inner, n == 0, track)
            dirty = dirty or alternative.may_fail
    if not track and leaves and shape.may_warn:  # a value cut, then emptied: no problem
        code.emit(indent, "if value is None and type(problem) is not Failure:")
        code.emit(indent, "    problem = None")
    elif track:
        code.emit(indent, "if value is None:")
        code.emit(indent, "    if failed is not None:")
        code.emit(indent, f"        src, problem{'' if fixed else ', rule'} = failed")
        code.emit(indent, "    else:", "        problem = None")
    return shape


def _nested(
    code: Code, spec: ValueSpec, settings: Settings, indent: str, first: bool, track: bool
) -> Shape:
    """An alternative that is a rule of its own: its getter's result, via the memo when
    it is a dear one."""
    getter, shape = compile_getter(spec, settings)
    call = f"{code.bind('alt', getter, ('fn', getter))}(scope)"
    if is_dear(spec):
        code.uses.add("memo")
        key = memo_key(spec, settings)
        code.emit(
            indent,
            f"got = memo.get({key!r})",
            "if got is None:",
            f"    got = memo[{key!r}] = {call}",
        )
    else:
        code.emit(indent, f"got = {call}")
    own = "got[3]" if shape.rule is None else repr(shape.rule)  # a shared entry's text is not
    if first:
        code.emit(indent, f"value, src, problem, rule = got[0], got[1], got[2], {own}")
        if shape.may_fail and track:
            code.emit(indent, "if value is None and type(problem) is Failure:")
            code.emit(indent, "    failed = (src, problem, rule)")
        return shape
    code.emit(indent, "if got[0] is not None:")
    code.emit(indent, f"    value, src, problem, rule = got[0], got[1], got[2], {own}")
    if shape.may_fail and track:
        code.emit(indent, "elif failed is None and type(got[2]) is Failure:")
        code.emit(indent, f"    failed = (got[1], got[2], {own})")
    return shape


def _all_lines(code: Code, spec: ValueSpec, settings: Settings, indent: str) -> Shape:
    """``all``: every non-empty source as a list, or (with ``join``) one text."""
    steps = spec.transforms
    cut = steps.index("join") if "join" in steps else len(steps)
    paths = [source for source in spec.sources if isinstance(source, str)]
    code.emit(indent, "items = []")
    for n, path in enumerate(paths):
        trait, read, source, absent = _read(code, path)
        inner = indent
        if trait is not None:
            code.emit(indent, f"trait = traits.get({trait!r})")
            code.emit(indent, "if trait is None:", f"    s_{n} = {absent}", "else:")
            inner += "    "
        code.emit(inner, f"s_{n} = {source}", f"value = {read}")
        if steps[:cut]:  # each item cleaned on its own; one it empties is dropped
            transform_lines(code, steps[:cut], settings, inner, quiet=True)
        else:
            code.emit(inner, "if value in EMPTY:", "    value = None")
        code.emit(inner, "if value is not None:", "    items.append(value)")
    names = ", ".join(f"s_{n}" for n in range(len(paths)))
    code.emit(indent, f"src = ' + '.join(({names}{',' if len(paths) == 1 else ''}))")
    code.emit(indent, "problem = None")
    if cut == len(steps):
        code.emit(indent, "value = items or None")
        return Shape(default_rule(spec), False, False, True)
    code.emit(indent, "if items:", "    value = items")
    may_fail, may_warn, text = transform_lines(code, steps[cut:], settings, indent + "    ")
    code.emit(indent, "else:", "    value = None")
    if may_warn:
        code.emit(indent, "if value is None and type(problem) is not Failure:")
        code.emit(indent, "    problem = None")
    return Shape(default_rule(spec), may_fail, may_warn, not text)


#: Getters compiled so far, by memo key: rules with one key give the same answers (the
#: memo already shares them), so they can share the function too. The presets and the
#: overlays on them repeat most rules; cleared when full, it never grows without end.
_GETTERS: dict[str, tuple[Callable[[EventScope], Got], Shape]] = {}
_MAX_GETTERS = 2048


def compile_getter(
    spec: ValueSpec, settings: Settings
) -> tuple[Callable[[EventScope], Got], Shape]:
    """A function giving ``(value, src, problem, rule)`` of ``spec`` for an event scope,
    and the shape of what it gives.

    A fixed ``rule`` it gives may be another rule's with the same key: its callers use
    their own fixed text (see :func:`signaltui.core.blueprints.values.memo_key`).
    """
    key = memo_key(spec, settings)
    known = _GETTERS.get(key)
    if known is not None:  # the shape (its fixed rule text) is this rule's own
        return known[0], shape_of(spec)
    code = Code()
    shape = value_lines(code, spec, settings, "    ", need_problem=True)
    rule = "rule" if shape.rule is None else repr(shape.rule)
    code.emit("    ", f"return value, src, problem, {rule}")
    made = code.function("def get(scope):", "<blueprint value>"), shape
    if "kind='value'" in key:  # it gives its constant itself: keep that to one blueprint
        return made
    if len(_GETTERS) >= _MAX_GETTERS:
        _GETTERS.clear()
    _GETTERS[key] = made
    return made


__all__ = ["compile_getter", "value_lines"]
