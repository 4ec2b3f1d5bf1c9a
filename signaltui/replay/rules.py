"""Where the blueprint rule for a changed body place is written, for verify's report.

A difference names its JSON Pointer (``/url``); the merged blueprint knows the rule in
force there and its ``file:line``, so a CI log can point at the line to look at, be it a
user's overlay or a preset. A rule that drops the place (``/url: drop``) counts: it is
what made the field go. A place filled by list-append rules (``/label_names/-#opt_in``)
is named by all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from signaltui.core.blueprints.engine import merge_fields
from signaltui.core.blueprints.spec import BlueprintSpec
from signaltui.replay.diff import Difference

#: At most this many rules are named for one place.
_NAMED = 3


def with_rules(
    differences: Sequence[Difference], spec: BlueprintSpec, event: str
) -> list[Difference]:
    """``differences`` with :attr:`~Difference.rule_at` set where ``spec`` (the merged
    blueprint, ``event``'s own fields over its shared ones) has a rule for the place."""
    exact, appended = _places(spec, event)
    found = []
    for difference in differences:
        pointer = difference.body_pointer()
        at = exact.get(pointer) if pointer else None
        if pointer and at is None:
            parent, _, last = pointer.rpartition("/")
            at = appended.get(parent) if last.isdigit() else None
        found.append(replace(difference, rule_at=at) if at else difference)
    return found


def _places(spec: BlueprintSpec, event: str) -> tuple[dict[str, str], dict[str, str]]:
    """Rule locations by exact pointer, and by the list that ``-`` rules append to."""
    own = next((e.fields for e in spec.events if e.name == event), ())
    exact: dict[str, str] = {}
    appended: dict[str, list[str]] = {}
    for rule in merge_fields(spec.fields, own):
        pointer = rule.pointer.partition("#")[0]
        if pointer.endswith("/-"):
            appended.setdefault(pointer[:-2], []).append(rule.at)
        else:
            exact[pointer] = rule.at
    return exact, {place: _join(ats) for place, ats in appended.items()}


def _join(ats: list[str]) -> str:
    shown = ", ".join(ats[:_NAMED])
    return shown + (", ..." if len(ats) > _NAMED else "")
