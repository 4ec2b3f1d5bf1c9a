"""The pieces generated code is made of: a function being written, what a value rule's
result may hold (:class:`Shape`), reads of event sources and the transforms, as lines.

:mod:`signaltui.core.blueprints.gen` writes value rules with them and
:mod:`signaltui.core.blueprints.route` whole routes. Only the blueprint's own strings
(paths, labels, rule texts) go into the source, each as a ``repr`` literal; anything
else (constants, bound transforms) is passed to the function by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from signaltui.core.blueprints.portable import RECIPES, RUNTIME, Recipe
from signaltui.core.blueprints.spec import ValueSpec
from signaltui.core.blueprints.transforms import make_transform, split_transform
from signaltui.core.blueprints.values import Settings, default_rule, static_rule
from signaltui.core.events import TRAIT_ALIASES
from signaltui.core.fields import compile_source

#: Transforms that give text (or nothing) whatever they are given.
_TEXT_OUT = frozenset({"trim", "strip", "email", "e164", "join"})
#: Transforms whose result may be a Failure (the value is left out, with a warning).
_MAY_FAIL = frozenset({"email", "e164", "scalar"})
#: Transforms that may empty a value (give ``None`` for something).
_MAY_EMPTY = frozenset({"trim", "strip", "email", "e164", "join", "scalar"})
#: Rules worth working out once per event and keeping in the memo: these transforms
#: cost more than a memo entry (a phone parse, an address check).
_DEAR = frozenset({"email", "e164"})


class Code:
    """The lines of one generated function and the objects its source refers to."""

    def __init__(self) -> None:
        names = ("Failure", "EMPTY", "walk", "clean", "finite")
        self.names: dict[str, Any] = {name: RUNTIME[name] for name in names}
        self.lines: list[str] = []
        self.uses: set[str] = set()  # which per-call locals (traits, event, memo) it reads
        #: How to make each bound name again (see :mod:`~signaltui.core.blueprints.portable`).
        self.recipes: dict[str, Recipe] = {}

    def bind(self, prefix: str, value: Any, recipe: Recipe) -> str:
        """A new global name for ``value`` in the generated function; ``recipe`` says
        how a later run makes ``value`` again."""
        name = f"{prefix}_{len(self.names)}"
        self.names[name] = value
        self.recipes[name] = recipe
        return name

    def emit(self, indent: str, *lines: str) -> None:
        self.lines += [indent + line for line in lines]

    def prologue(self) -> list[str]:
        """The lines giving the locals the body uses (see :attr:`uses`)."""
        lines = []
        if "traits" in self.uses:
            lines.append("    traits = scope.traits")
        if "event" in self.uses:
            lines.append("    event = scope.event")
        if "memo" in self.uses:
            lines.append("    memo = scope.memo")
        return lines

    def function(self, header: str, filename: str) -> Callable[..., Any]:
        """Compile ``header`` + prologue + lines into a function (named in ``header``)."""
        name = header.split("(")[0].split()[-1]
        source = "\n".join([header, *self.prologue(), *self.lines]) + "\n"
        exec(compile(source, filename, "exec"), self.names)  # literals only: see module doc
        made: Callable[..., Any] = self.names[name]
        setattr(made, RECIPES, self.recipes)
        return made


@dataclass(frozen=True)
class Shape:
    """What the result of a rule's lines may hold, known when it is compiled."""

    #: The trace rule text when fixed; ``None``: the local ``rule`` holds it.
    rule: str | None
    #: ``problem`` may be a :class:`Failure` (the value was left out, with a warning).
    may_fail: bool
    #: ``problem`` may be a warning text next to a value.
    may_warn: bool
    #: ``value`` may be something other than text (so it must be checked to be finite).
    any_type: bool


def is_dear(spec: ValueSpec) -> bool:
    """Whether ``spec`` is worked out once per event and kept in the memo (shared by the
    destinations), rather than written out inline wherever it is used."""
    if spec.kind == "value":
        return False
    if spec.kind == "all" or any(not isinstance(s, str) for s in spec.sources):
        return True
    return any(split_transform(t)[0] in _DEAR for t in spec.transforms)


def read_expr(code: Code, path: str) -> str:
    """An expression for the raw value at source ``path`` (``None`` when absent)."""
    root, *parts = path.split(".")
    if root == "traits" and parts:
        code.uses.add("traits")
        name = TRAIT_ALIASES.get(parts[0], parts[0])
        base = f"(t.value if (t := traits.get({name!r})) is not None else None)"
        return walk_expr(base, tuple(parts[1:]))
    if root in ("properties", "context") and parts:
        code.uses.add("event")
        # Both are always objects (the event model makes them dicts): no test needed.
        return walk_expr(f"event.{root}.get({parts[0]!r})", tuple(parts[1:]))
    reader = code.bind("read", compile_source(path), ("source", path))
    return f"{reader}(scope)[0]"


def walk_expr(base: str, parts: tuple[str, ...]) -> str:
    """``walk(base, parts)`` as an expression, key lookups written out."""
    if any(part.isdigit() for part in parts):
        return f"walk({base}, {parts!r})"
    expr = base
    for part in parts:
        expr = f"(w.get({part!r}) if isinstance(w := {expr}, dict) else None)"
    return expr


def transform_lines(
    code: Code,
    steps: tuple[str, ...],
    settings: Settings,
    indent: str,
    *,
    quiet: bool = False,
    maybe_none: bool = True,
) -> tuple[bool, bool, bool]:
    """Lines applying ``steps`` to ``value`` (which may be ``None`` unless ``maybe_none``
    is false: then it stays so).

    ``quiet``: drop warnings and failures (an item of ``all``), else set ``problem``.
    Returns (may fail, may warn, gives text).
    """
    may_fail = may_warn = text = False
    for step in steps:
        name, arg = split_transform(step)
        # The text-only forms, and the bound transforms, are written for a value that is
        # there; the general forms test the type, which turns None away as well.
        guarded = maybe_none and (text or name not in ("trim", "strip", "lower", "truncate"))
        inner = indent + ("    " if guarded else "")
        if guarded:
            code.emit(indent, "if value is not None:")
        if name == "trim":
            if text:
                line = "value = ' '.join(value.split()) or None"
            else:
                line = (
                    "value = (' '.join(value.split()) or None) if type(value) is str"
                    " else None if value is None else clean(value)"
                )
            code.emit(inner, line)
        elif name == "strip":
            test = "" if text else " if isinstance(value, str) else None"
            code.emit(inner, f"value = (value.strip() or None){test}")
        elif name == "lower":
            test = "" if text else " if isinstance(value, str) else value"
            code.emit(inner, f"value = value.lower(){test}")
        elif name == "truncate":
            limit = int(arg or "0")
            test = f"len(value) > {limit}"
            if not text:
                test = f"isinstance(value, str) and {test}"
            code.emit(inner, f"if {test}:")
            if not quiet:
                head = f"{settings.label} has "
                tail = (
                    f" characters; {settings.crm} allows {limit}, "
                    f"so it was cut to the first {limit}"
                )
                code.emit(inner, f"    problem = {head!r} + str(len(value)) + {tail!r}")
                may_warn = True
            code.emit(inner, f"    value = value[:{limit}]")
        else:
            made = make_transform(
                name, arg, region=settings.region, label=settings.label, crm=settings.crm
            )
            recipe = ("transform", name, arg, settings.region, settings.label, settings.crm)
            code.emit(inner, f"value = {code.bind('t', made, recipe)}(value)")
            if name in _MAY_FAIL:
                code.emit(inner, "if type(value) is Failure:")
                failed = "value = None" if quiet else "problem, value = value, None"
                code.emit(inner, f"    {failed}")
                may_fail = may_fail or not quiet
        maybe_none = name in _MAY_EMPTY or (maybe_none and name in ("lower", "truncate"))
        text = text or name in _TEXT_OUT
    return may_fail, may_warn, text


def cut_then_emptied(steps: tuple[str, ...]) -> bool:
    """Whether a step that may empty the value comes after a ``truncate`` (which warns)."""
    names = [split_transform(step)[0] for step in steps]
    cut = names.index("truncate") if "truncate" in names else len(names)
    return any(name in _MAY_EMPTY for name in names[cut + 1 :])


def shape_of(spec: ValueSpec) -> Shape:
    """What the lines of ``spec`` may leave in ``value`` and ``problem`` (see :class:`Shape`)."""
    rule = default_rule(spec) if static_rule(spec) else None
    steps = spec.transforms
    if spec.kind == "value" or (spec.kind == "all" and "join" not in steps):
        return Shape(rule, False, False, True)
    if spec.kind == "all":
        steps = steps[steps.index("join") :]  # the steps before it only clean the items
    names = {split_transform(step)[0] for step in steps}
    paths = any(isinstance(source, str) for source in spec.sources) or spec.kind == "all"
    nested = [shape_of(s) for s in spec.sources if not isinstance(s, str)]
    return Shape(
        rule,
        (paths and bool(names & _MAY_FAIL)) or any(n.may_fail for n in nested),
        (paths and "truncate" in names) or any(n.may_warn for n in nested),
        (paths and not names & _TEXT_OUT) or any(n.any_type for n in nested),
    )
