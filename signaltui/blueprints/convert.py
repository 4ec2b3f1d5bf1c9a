"""One blueprint file's text -> an :class:`Overlay`: validated, checked, with file:line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from pydantic import ValidationError

from signaltui.blueprints import check
from signaltui.blueprints.schema import (
    BlueprintModel,
    CheckModel,
    FieldModel,
    RequireModel,
    ValueModel,
    known_keys,
)
from signaltui.blueprints.yamltext import BlueprintError, Marked, Path, load_marked
from signaltui.core.blueprints.spec import (
    CheckSpec,
    Condition,
    EventSpec,
    FieldSpec,
    RequireSpec,
    ValueSpec,
)
from signaltui.core.request import DESTINATIONS, Destination


@dataclass
class Overlay:
    """What one file says; ``None`` means "keep what the blueprint below has"."""

    file: str
    destination: Destination
    extends: bool
    request: dict[str, Any] = field(default_factory=dict)
    consent: tuple[str, ...] | None = None
    default_action: str | None = None
    events: list[EventSpec] = field(default_factory=list)
    require: list[RequireSpec] | None = None
    fields: list[FieldSpec] = field(default_factory=list)
    checks: list[CheckSpec] | None = None


class _Reader:
    """Converts one validated file, naming ``file:line`` for every rule."""

    def __init__(self, marked: Marked, file: str) -> None:
        self.marked = marked
        self.file = file
        self.trace_empty = True

    def at(self, *path: str | int) -> str:
        return f"{self.file}:{self.marked.line(path)}"

    def value(self, model: ValueModel, where: str, *, nested: bool = False) -> ValueSpec:
        kinds = model.kinds()
        if len(kinds) != 1:
            given = ", ".join(kinds) or "none"
            raise BlueprintError(
                f"a rule needs exactly one of from, all, value, copy (given: {given})",
                where=where,
                hint="keep one way of producing the value",
            )
        check.check_transforms(model.transform, where)
        kind = kinds[0]
        sources: list[str | ValueSpec] = []
        if kind == "from":
            for source in model.from_ or []:
                if isinstance(source, str):
                    check.check_source(source, where)
                    sources.append(source)
                else:
                    sources.append(self.value(source, where, nested=True))
        elif kind == "all":
            for source in model.all or []:
                check.check_source(source, where)
                sources.append(source)
        elif kind == "value":
            check.check_constant(model.value, where)
        elif nested:
            raise BlueprintError(
                "copy cannot be one of several alternatives",
                where=where,
                hint="use copy as the field's own rule",
            )
        if kind in ("from", "all") and not sources:
            raise BlueprintError(
                f"{kind} lists no source",
                where=where,
                hint="name at least one source, e.g. traits.email",
            )
        return ValueSpec(
            kind=cast(Any, kind),
            sources=tuple(sources),
            constant=model.value,
            copy=model.copy_,
            transforms=tuple(model.transform),
            rule=model.rule,
        )

    def field(self, pointer: str, model: FieldModel, where: str) -> FieldSpec:
        check.check_pointer(pointer, where)
        value = None
        if model.drop:
            if model.kinds():
                raise BlueprintError(
                    "a dropped field takes no from, all, value or copy",
                    where=where,
                    hint="remove drop, or the value rule",
                )
        else:
            value = self.value(model, where)
            if value.kind == "copy":
                check.check_pointer(value.copy or "", where)
        conditions = []
        for condition in model.when:
            check.check_source(condition.source, where)
            op = next(
                n for n in ("equals", "present", "absent", "in_") if n in condition.model_fields_set
            )
            operand = {"equals": condition.equals, "in_": condition.in_}.get(op)
            if op == "present" and condition.present is False:
                op = "absent"
            elif op == "absent" and condition.absent is False:
                op = "present"
            conditions.append(Condition(condition.source, cast(Any, op.rstrip("_")), operand))
        extra: dict[str, Any] = {}
        if model.empty_rule is not None:
            extra["empty_rule"] = model.empty_rule
        if model.drop and model.rule is not None:
            extra["drop_rule"] = model.rule
        return FieldSpec(
            pointer=pointer,
            at=where,
            value=value,
            label=model.label,
            omitted_label=model.omitted_label,
            trace_source=model.trace_source,
            when=tuple(conditions),
            trace=model.trace,
            trace_empty=self.trace_empty if model.trace_empty is None else model.trace_empty,
            warn_missing=model.warn_missing,
            unique=model.unique,
            **extra,
        )

    def require(self, index: int, model: RequireModel) -> RequireSpec:
        where = self.at("require", index)
        value = self.value(model, where)
        first = next((s for s in value.sources if isinstance(s, str)), "value")
        reason = model.reason or f"missing_{first.rsplit('.', 1)[-1].lower()}"
        return RequireSpec(value=value, reason=reason, at=where, detail=model.detail)

    def check(self, index: int, model: CheckModel) -> CheckSpec:
        where = self.at("checks", index)
        for pointer in model.missing:
            check.check_pointer(pointer, where)
        return CheckSpec(tuple(model.missing), model.warn, where, model.after)


def _validation_error(error: ValidationError, marked: Marked, file: str) -> BlueprintError:
    first = error.errors()[0]
    path: list[str | int] = []
    node: Any = marked.data
    for part in first["loc"]:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_dict or in_list:
            node = node[part]
        elif first["type"] != "extra_forbidden" or part != first["loc"][-1]:
            continue  # a union branch or model name, not a key of the file
        path.append(part)
    where = f"{file}:{marked.line(tuple(path))}"
    key = ".".join(str(p) for p in path) or "(top level)"
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        name = str(path[-1])
        return BlueprintError(
            f"unknown key {name!r}{check.suggest(name, known_keys())}",
            where=where,
            hint="remove it or fix its spelling (docs/blueprints.md lists every key)",
        )
    if first["type"] == "missing":
        name = str(first["loc"][-1])
        return BlueprintError(
            f"missing key {name!r} in {key}",
            where=where,
            hint=f"add {name}: (e.g. version: 1, destination: close)",
        )
    return BlueprintError(
        f"{key}: {message}",
        where=where,
        hint="fix this value (docs/blueprints.md shows each key's form)",
    )


def parse_overlay(text: str, file: str) -> Overlay:
    """Read, validate and check one blueprint file's text (``file`` names it in errors)."""
    marked = load_marked(text, file)
    if not isinstance(marked.data, dict):
        raise BlueprintError(
            "a blueprint is a mapping (version, destination, ...)",
            where=f"{file}:1",
            hint="start with 'version: 1'",
        )
    try:
        model = BlueprintModel.model_validate(marked.data)
    except ValidationError as error:
        raise _validation_error(error, marked, file) from error
    reader = _Reader(marked, file)
    if model.destination not in DESTINATIONS:
        raise BlueprintError(
            f"unknown destination {model.destination!r}"
            f"{check.suggest(model.destination, DESTINATIONS)}",
            where=reader.at("destination"),
            hint="use apollo, outreach or close",
        )
    if model.defaults.trace_empty is not None:
        reader.trace_empty = model.defaults.trace_empty
    overlay = Overlay(
        file=file,
        destination=model.destination,
        extends=model.extends == "preset",
    )
    if model.request is not None:
        overlay.request = model.request.model_dump(exclude_unset=True)
    if model.consent is not None:
        overlay.consent = tuple(model.consent)
    overlay.default_action = model.defaults.action
    for name, event in model.events.items():
        where = reader.at("events", name)
        fields = [
            reader.field(p, rule, reader.at("events", name, "fields", p))
            for p, rule in event.fields.items()
        ]
        for pointer, constant in event.set.items():
            at = reader.at("events", name, "set", pointer)
            fields.append(
                reader.field(
                    pointer,
                    FieldModel.model_validate(
                        {"value": constant, "trace_source": "event", "rule": f"set for {name!r}"}
                    ),
                    at,
                )
            )
        overlay.events.append(EventSpec(name, event.action, where, tuple(fields)))
    overlay.fields = [
        reader.field(p, rule, reader.at("fields", p)) for p, rule in model.fields.items()
    ]
    if model.require is not None:
        overlay.require = [reader.require(i, r) for i, r in enumerate(model.require)]
    if model.checks is not None:
        overlay.checks = [reader.check(i, c) for i, c in enumerate(model.checks)]
    return overlay


__all__ = ["Overlay", "Path", "parse_overlay"]
