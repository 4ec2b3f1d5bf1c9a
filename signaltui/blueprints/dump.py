"""A merged blueprint back to the file format (``signaltui blueprints show``).

The output is a complete blueprint without ``extends``: loaded as an overlay it starts
from nothing and plans exactly what the merged one plans.
"""

from __future__ import annotations

from typing import Any

import yaml

from signaltui.core.blueprints.spec import (
    BlueprintSpec,
    Condition,
    FieldSpec,
    RequireSpec,
    ValueSpec,
)

_FIELD_DEFAULTS = FieldSpec(pointer="/x", at="")


def _value(spec: ValueSpec) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if spec.kind == "from":
        sources = [s if isinstance(s, str) else _value(s) for s in spec.sources]
        data["from"] = sources[0] if len(sources) == 1 else sources
    elif spec.kind == "all":
        data["all"] = list(spec.sources)
    elif spec.kind == "value":
        data["value"] = spec.constant
    else:
        data["copy"] = spec.copy
    if spec.transforms:
        data["transform"] = list(spec.transforms)
    if spec.rule is not None:
        data["rule"] = spec.rule
    return data


def _condition(condition: Condition) -> dict[str, Any]:
    data: dict[str, Any] = {"source": condition.source}
    if condition.op in ("present", "absent"):
        data[condition.op] = True
    else:
        data[condition.op] = condition.operand
    return data


def _field(spec: FieldSpec) -> Any:
    data: dict[str, Any] = {"drop": True} if spec.value is None else _value(spec.value)
    if spec.value is None and spec.drop_rule != _FIELD_DEFAULTS.drop_rule:
        data["rule"] = spec.drop_rule
    for name in ("label", "omitted_label", "trace_source", "warn_missing"):
        if getattr(spec, name) is not None:
            data[name] = getattr(spec, name)
    if spec.when:
        data["when"] = [_condition(c) for c in spec.when]
    for name in ("trace", "trace_empty", "empty_rule", "unique"):
        if getattr(spec, name) != getattr(_FIELD_DEFAULTS, name):
            data[name] = getattr(spec, name)
    return "drop" if data == {"drop": True} else data


def _require(spec: RequireSpec) -> dict[str, Any]:
    data = _value(spec.value)
    data["reason"] = spec.reason
    if spec.detail is not None:
        data["detail"] = spec.detail
    return data


def blueprint_data(spec: BlueprintSpec) -> dict[str, Any]:
    """``spec`` as the plain values of a blueprint file."""
    events: dict[str, Any] = {}
    for event in spec.events:
        if event.fields:
            entry: dict[str, Any] = {"fields": {f.pointer: _field(f) for f in event.fields}}
            if event.action == "drop":
                entry["action"] = "drop"
            events[event.name] = entry
        else:
            events[event.name] = event.action
    data: dict[str, Any] = {
        "version": 1,
        "destination": spec.destination,
        "request": {
            "method": spec.request.method,
            "path": spec.request.path,
            "auth": spec.request.auth,
            "headers": dict(spec.request.headers),
        },
        "consent": list(spec.consent),
        "defaults": {"action": spec.default_action},
        "events": events,
        "require": [_require(r) for r in spec.require],
        "fields": {f.pointer: _field(f) for f in spec.fields},
    }
    if spec.checks:
        data["checks"] = [
            {"missing": list(c.missing), "warn": c.warn, **({"after": c.after} if c.after else {})}
            for c in spec.checks
        ]
    return data


def blueprint_yaml(spec: BlueprintSpec) -> str:
    """``spec`` as YAML text, keys in blueprint order, with the files it came from."""
    header = "".join(f"# from: {name}\n" for name in spec.files)
    body = yaml.safe_dump(blueprint_data(spec), sort_keys=False, allow_unicode=True, width=100)
    return header + body
