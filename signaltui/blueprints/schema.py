"""The blueprint file format (version 1) as pydantic models: shapes and types only.

Meaning (known sources, transforms and destinations, sound pointers) is checked by
``signaltui.blueprints.check`` once the shapes are right. Short forms are turned into
the long ones before validation: a field rule ``drop`` is ``{drop: true}``, an event
``deliver`` is ``{action: deliver}``, a requirement ``traits.email`` is ``{from: ...}``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ConditionModel(_Strict):
    """``when:``: the field applies only when this holds for the event."""

    source: StrictStr
    equals: Any = None
    present: StrictBool | None = None
    absent: StrictBool | None = None
    in_: list[Any] | None = Field(None, alias="in")

    @model_validator(mode="after")
    def _one_test(self) -> ConditionModel:
        tests = [
            name for name in ("equals", "present", "absent", "in_") if name in self.model_fields_set
        ]
        if len(tests) != 1:
            raise ValueError("a condition needs exactly one of equals, present, absent, in")
        return self


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, str | dict) else value


class ValueModel(_Strict):
    """How a value is produced: ``from``, ``all``, ``value`` or ``copy``."""

    from_: list[StrictStr | ValueModel] | None = Field(None, alias="from")
    all: list[StrictStr] | None = None
    value: Any = None
    copy_: StrictStr | None = Field(None, alias="copy")
    transform: list[StrictStr] = Field(default_factory=list)
    rule: StrictStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _short_forms(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if "from" in data:
                data["from"] = _listed(data["from"])
            if isinstance(data.get("all"), str):
                data["all"] = [data["all"]]
            if isinstance(data.get("transform"), str):
                data["transform"] = [data["transform"]]
        return data

    def kinds(self) -> list[str]:
        """Which of the value keys were given."""
        names = {"from_": "from", "all": "all", "value": "value", "copy_": "copy"}
        return [key for name, key in names.items() if name in self.model_fields_set]


class FieldModel(ValueModel):
    """One entry of ``fields:`` (or of an event's ``fields:``)."""

    drop: StrictBool | None = None
    label: StrictStr | None = None
    omitted_label: StrictStr | None = None
    trace_source: StrictStr | None = None
    when: list[ConditionModel] = Field(default_factory=list)
    trace: StrictBool = True
    trace_empty: StrictBool | None = None
    empty_rule: StrictStr | None = None
    warn_missing: StrictStr | None = None
    unique: StrictBool = False

    @model_validator(mode="before")
    @classmethod
    def _drop_word(cls, data: Any) -> Any:
        if data == "drop":
            return {"drop": True}
        if isinstance(data, str):
            raise ValueError(
                f"a field rule is 'drop' or a mapping (from, all, value or copy), not {data!r}"
            )
        if isinstance(data, dict) and isinstance(data.get("when"), dict):
            data = {**data, "when": [data["when"]]}
        return data


class EventModel(_Strict):
    """One entry of ``events:``: ``deliver``, ``drop``, or a mapping with its own fields."""

    action: Literal["deliver", "drop"] = "deliver"
    set: dict[StrictStr, Any] = Field(default_factory=dict)
    fields: dict[StrictStr, FieldModel] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _word(cls, data: Any) -> Any:
        if data in ("deliver", "drop"):
            return {"action": data}
        if isinstance(data, str):
            raise ValueError(f"an event is 'deliver', 'drop' or a mapping, not {data!r}")
        return data


class RequireModel(ValueModel):
    """One entry of ``require:``: a source (or a value rule) the event cannot go without."""

    reason: StrictStr | None = None
    detail: StrictStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _path(cls, data: Any) -> Any:
        return {"from": data} if isinstance(data, str) else data


class CheckModel(_Strict):
    """One entry of ``checks:``: a warning when any of these body fields is missing."""

    missing: list[StrictStr]
    warn: StrictStr
    after: StrictStr | None = None


class RequestModel(_Strict):
    """Where the requests go and how they authenticate (presets set it; overlays may)."""

    method: StrictStr | None = None
    path: StrictStr | None = None
    auth: Literal["api_key_header", "basic", "oauth_bearer"] | None = None
    headers: dict[StrictStr, StrictStr] = Field(default_factory=dict)


class DefaultsModel(_Strict):
    action: Literal["deliver", "drop"] | None = None
    trace_empty: StrictBool | None = None


class BlueprintModel(_Strict):
    """One blueprint file."""

    version: Literal[1]
    destination: StrictStr
    extends: Literal["preset"] | None = None
    request: RequestModel | None = None
    consent: list[StrictStr] | None = None
    defaults: DefaultsModel = Field(default_factory=DefaultsModel)
    events: dict[StrictStr, EventModel] = Field(default_factory=dict)
    require: list[RequireModel] | None = None
    fields: dict[StrictStr, FieldModel] = Field(default_factory=dict)
    checks: list[CheckModel] | None = None


def known_keys() -> set[str]:
    """Every key the format knows, for "did you mean" suggestions."""
    keys: set[str] = set()
    for model in (
        ConditionModel,
        FieldModel,
        EventModel,
        RequireModel,
        CheckModel,
        RequestModel,
        DefaultsModel,
        BlueprintModel,
    ):
        for name, info in model.model_fields.items():
            keys.add(info.alias or name)
    return keys
