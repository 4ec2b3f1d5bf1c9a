"""``from`` value rules as generated functions: the alternatives written out in one body.

A ``from`` rule with several sources is the hottest path of planning (names, company,
the lead-name chain). Nesting a closure per source, per read and per transform costs
more than the work, so :func:`compile_from` writes one function: per alternative, the
read inline (a trait lookup, or a walk into properties/context), then its transforms,
then "first non-empty wins". Only the blueprint's own strings (paths, rule texts) go
into the source, as ``repr`` literals; nested rules and transforms are bound by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from signaltui.core.blueprints.spec import ValueSpec
from signaltui.core.blueprints.transforms import Failure, Warned, make_transform, split_transform
from signaltui.core.events import TRAIT_ALIASES
from signaltui.core.fields import compile_source, walk


def _read(n: int, path: str, names: dict[str, Any]) -> list[str]:
    """Lines setting ``raw`` and ``src`` for source ``path``."""
    root, *parts = path.split(".")
    if root == "traits" and parts:
        name = TRAIT_ALIASES.get(parts[0], parts[0])
        rest = tuple(parts[1:])
        tail = "".join(f".{p}" for p in rest)
        absent = f"traits.{name}{tail}"
        lines = [
            f"    trait = traits_get({name!r})",
            "    if trait is None:",
            f"        raw, src = None, {absent!r}",
            "    else:",
        ]
        if rest:
            lines += [f"        raw, src = walk(trait.value, {rest!r}), trait.source + {tail!r}"]
        else:
            lines += ["        raw, src = trait.value, trait.source"]
        return lines
    if root in ("properties", "context") and parts:
        return [f"    raw, src = walk(event.{root}, {tuple(parts)!r}), {path!r}"]
    names[f"read_{n}"] = compile_source(path)
    return [f"    raw, src = read_{n}(scope)"]


#: Transforms whose result may be a Failure (email, e164, scalar) or a Warned (truncate).
_MAY_FAIL = ("email", "e164", "scalar")


def transform_lines(
    n: int,
    transforms: tuple[str, ...],
    region: str,
    label: str,
    crm: str,
    names: dict[str, Any],
    indent: str,
) -> list[str]:
    """Lines applying ``transforms`` to ``value`` (and setting ``problem``), in order.

    Without transforms an empty value (``""``, ``[]``, ``{}``) counts as absent.
    """
    if not transforms:
        return [f"{indent}if value in EMPTY:", f"{indent}    value = None"]
    lines = []
    for i, step in enumerate(transforms):
        name, arg = split_transform(step)
        names[f"t_{n}_{i}"] = make_transform(name, arg, region=region, label=label, crm=crm)
        lines += [f"{indent}if value is not None:", f"{indent}    value = t_{n}_{i}(value)"]
        if name in _MAY_FAIL:
            lines += [
                f"{indent}    if type(value) is Failure:",
                f"{indent}        problem, value = value, None",
            ]
        elif name == "truncate":
            lines += [
                f"{indent}    if type(value) is Warned:",
                f"{indent}        problem, value = value.message, value.value",
            ]
    return lines


def compile_from(
    spec: ValueSpec,
    region: str,
    label: str,
    crm: str,
    nested: Callable[[ValueSpec], Callable[..., Any]],
) -> Callable[..., Any]:
    """The getter of a ``from`` rule (see :mod:`signaltui.core.blueprints.values`).

    ``nested`` compiles an alternative that is a rule of its own.
    """
    from signaltui.core.blueprints.values import default_rule

    rule = default_rule(spec)
    names: dict[str, Any] = {
        "walk": walk,
        "Failure": Failure,
        "Warned": Warned,
        "EMPTY": ("", [], {}),
    }
    lines = [
        "def get(scope):",
        "    traits_get = scope.traits.get",
        "    event = scope.event",
        "    first = failed = None",
    ]
    for n, source in enumerate(spec.sources):
        if not isinstance(source, str):
            names[f"alt_{n}"] = nested(source)
            lines += [
                f"    got = alt_{n}(scope)",
                "    if got[0] is not None:",
                "        return got",
                "    if failed is None and type(got[2]) is Failure:",
                "        failed = got",
                "    if first is None:",
                "        first = got",
            ]
            continue
        lines += _read(n, source, names)
        lines += ["    if raw is not None:", "        value, problem = raw, None"]
        lines += transform_lines(n, spec.transforms, region, label, crm, names, "        ")
        lines += [
            "        if value is not None:",
            f"            return value, src, problem, {rule!r}",
            "        if failed is None and type(problem) is Failure:",
            f"            failed = (None, src, problem, {rule!r})",
        ]
        lines += ["    if first is None:", f"        first = (None, src, None, {rule!r})"]
    lines.append("    return failed or first")
    exec(compile("\n".join(lines) + "\n", "<blueprint value>", "exec"), names)
    getter: Callable[..., Any] = names["get"]
    return getter


__all__ = ["compile_from", "transform_lines"]
