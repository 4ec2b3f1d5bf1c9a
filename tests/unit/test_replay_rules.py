"""Verify names the blueprint rule behind each changed body place (replay/rules.py)."""

from __future__ import annotations

from signaltui.blueprints.convert import parse_overlay
from signaltui.blueprints.loader import merged_specs
from signaltui.core.config import MappingConfig
from signaltui.replay.diff import ABSENT, Difference
from signaltui.replay.rules import with_rules


def _spec(destination: str, text: str = ""):
    overlays = [parse_overlay(text, "mine.yaml")] if text else []
    return merged_specs(MappingConfig(), overlays)[destination]


def test_each_body_difference_gets_the_rule_in_force_there():
    spec = _spec(
        "close",
        "version: 1\ndestination: close\nextends: preset\nfields:\n"
        "  /url: drop\n"  # line 5: a drop is what made the field go
        "  /description: {from: properties.utm_source}\n"  # line 6
        "events:\n  Lead Submitted:\n    fields:\n"
        "      /description: {value: own}\n",  # line 10: the event's own rule wins
    )
    found = with_rules(
        [
            Difference("request.body.url", "https://x", ABSENT),
            Difference("request.body.description", "a", "own"),
            Difference("request.body.contacts[0].title", "CEO", "CTO"),
            Difference("request.body.nowhere", 1, 2),
            Difference("decision.action", "deliver", "drop"),
        ],
        spec,
        "Lead Submitted",
    )
    assert [d.rule_at for d in found] == [
        "mine.yaml:5",
        "mine.yaml:10",
        "presets/close.yaml:39",
        None,
        None,
    ]
    assert (
        found[0].describe() == 'request.body.url: "https://x" → (absent) (/url, rule mine.yaml:5)'
    )
    assert found[0].to_json()["rule_at"] == "mine.yaml:5"
    assert "rule_at" not in found[3].to_json() and found[4].describe().endswith('"drop"')
    other = with_rules([Difference("request.body.description", "a", "b")], spec, "Signed Up")
    assert other[0].rule_at == "mine.yaml:6"


def test_a_list_filled_by_append_rules_names_them_all():
    spec = _spec("apollo")
    (found,) = with_rules(
        [Difference("request.body.label_names[0]", "a", "b")], spec, "Demo Requested"
    )
    assert found.rule_at == "presets/apollo.yaml:34, presets/apollo.yaml:40, presets/apollo.yaml:46"
    assert found.describe().endswith("(/label_names/0, rules " + found.rule_at + ")")
    # Equality ignores where the rule is: a difference is the same change either way.
    assert found == Difference("request.body.label_names[0]", "a", "b")
