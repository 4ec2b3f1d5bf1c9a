"""The generated route functions: what writing rules out inline must keep exactly.

Each case is one the compiler handles by generating different code (a fallback after a
warning or a failure, a value shared through the per-event memo, a rule with many
alternatives, a deep path, a strict condition), checked through ``plan``.
"""

from __future__ import annotations

import sys
from typing import Any

from signaltui.core.config import MappingConfig
from signaltui.core.events import Event, resolve_event, resolve_stream
from signaltui.core.plan import plan
from tests.blueprint_helpers import decide_with, planning_config, rows
from tests.helpers import track

EMPTY_CLOSE = "version: 1\ndestination: close\ndefaults: {action: deliver}\n"
EMPTY_APOLLO = "version: 1\ndestination: apollo\ndefaults: {action: deliver}\n"


def body(decision) -> dict[str, Any]:
    assert decision.action == "deliver", decision.detail
    return decision.request.body


def test_a_cut_that_was_then_emptied_leaves_no_warning_for_the_next_alternative():
    # properties.a is cut to blanks and trimmed away; properties.b then wins, unwarned.
    overlay = EMPTY_CLOSE + (
        "fields:\n  /x: {from: [properties.a, properties.b], transform: ['truncate:3', trim]}\n"
    )
    decision = decide_with(track(properties={"a": "          tail", "b": "Bob"}), "close", overlay)
    assert body(decision) == {"x": "Bob"}
    assert decision.warnings == []
    assert rows(decision)[0]["source"] == "properties.b"
    alone = decide_with(track(properties={"a": "          tail"}), "close", overlay)
    assert "x" not in body(alone) and alone.warnings == []


def test_a_failed_nested_alternative_does_not_stick_to_a_later_value():
    overlay = EMPTY_CLOSE + (
        "fields:\n"
        "  /x:\n"
        "    from: [{from: properties.mail, transform: [email], rule: mail}, properties.name]\n"
        "    transform: ['truncate:9']\n"
    )
    decision = decide_with(track(properties={"mail": "nope", "name": "Ann"}), "close", overlay)
    assert body(decision) == {"x": "Ann"} and decision.warnings == []
    assert rows(decision)[0] == {
        "field": "x",
        "source": "properties.name",
        "rule": "truncate:9",
        "at": "t1.yaml:5",
    }
    failed = decide_with(track(properties={"mail": "nope"}), "close", overlay)
    assert failed.warnings == ["email 'nope' is not a valid address; it was left out"]
    assert rows(failed)[0]["rule"] == "not a valid email address"
    assert rows(failed)[0]["source"] == "properties.mail"


def test_the_first_failure_is_the_answer_when_every_alternative_fails():
    overlay = EMPTY_CLOSE + (
        "fields:\n  /x: {from: [properties.none, properties.a, properties.b], transform: [email]}\n"
    )
    decision = decide_with(track(properties={"a": "one", "b": "two"}), "close", overlay)
    assert decision.warnings == ["email 'one' is not a valid address; it was left out"]
    assert [(r["source"], r["omitted"]) for r in rows(decision)] == [("properties.a", True)]


def test_a_shared_value_keeps_each_rule_s_own_trace_text():
    # Both rules work out the same email (one memo entry per event); each row keeps the
    # rule text of the rule that wrote it, in either order and across destinations.
    close = EMPTY_CLOSE + (
        "fields:\n"
        "  /a: {from: traits.email, transform: [email], rule: first text}\n"
        "  /b: {from: [{from: traits.email, transform: [email], rule: nested text}]}\n"
    )
    apollo = EMPTY_APOLLO + "fields:\n  /c: {from: traits.email, transform: [email], rule: third}\n"
    config = planning_config(close, apollo)
    resolved = next(resolve_stream([Event.model_validate(track())]))
    for destination, expected in (("apollo", ["third"]), ("close", ["first text", "nested text"])):
        decision = plan(resolved, destination, config)
        assert [r["rule"] for r in rows(decision)] == expected
        assert set(body(decision).values()) == {"jane.doe@acme.com"}


def test_two_blueprint_sets_planning_one_event_do_not_mix_their_values():
    # blueprints diff plans the same resolved event with two sets: a memo entry is only
    # shared by rules that give the same answer (here the regions differ).
    overlay = EMPTY_CLOSE + "fields:\n  /tel: {from: traits.phone, transform: [e164]}\n"
    event = Event.model_validate(track(traits={"phone": "020 7946 0958"}))
    resolved = next(resolve_stream([event]))
    british = MappingConfig(default_region="GB")
    us = plan(resolved, "close", planning_config(overlay))
    gb = plan(resolved, "close", planning_config(overlay, config=british))
    assert "tel" not in body(us)
    assert body(gb) == {"tel": "+442079460958"}


def test_a_rule_with_many_alternatives_compiles_and_takes_the_last():
    sources = ", ".join(f"properties.p{n}" for n in range(120))
    overlay = EMPTY_CLOSE + f"fields:\n  /x: {{from: [{sources}], transform: [trim]}}\n"
    decision = decide_with(track(properties={"p119": " last "}), "close", overlay)
    assert body(decision) == {"x": "last"}
    assert rows(decision)[0]["source"] == "properties.p119"


def test_deep_paths_read_objects_and_list_items_like_the_source_walk():
    overlay = EMPTY_CLOSE + (
        "fields:\n"
        "  /a: {from: properties.items.1.name}\n"
        "  /b: {from: traits.company.name}\n"
        "  /c: {from: context.page.url}\n"
        "  /d: {from: properties.items.name}\n"
    )
    event = track(properties={"items": [{"name": "zero"}, {"name": "one"}]})
    event["traits"]["company"] = {"name": "Acme"}
    decision = decide_with(event, "close", overlay)
    assert body(decision) == {"a": "one", "b": "Acme", "c": "https://example.com/c"}
    sources = [r["source"] for r in rows(decision)]
    assert sources[:2] == ["properties.items.1.name", "traits.company.name"]


def test_equals_true_and_null_are_strict():
    overlay = EMPTY_CLOSE + (
        "fields:\n"
        "  /t: {value: yes, when: {source: properties.flag, equals: true}}\n"
        "  /n: {value: yes, when: {source: properties.gone, equals: null}}\n"
    )
    assert body(decide_with(track(properties={"flag": True}), "close", overlay)) == {
        "t": "yes",
        "n": "yes",
    }
    assert body(decide_with(track(properties={"flag": 1, "gone": 0}), "close", overlay)) == {}


def test_a_copy_of_a_field_left_empty_is_empty_too():
    overlay = EMPTY_CLOSE + (
        "fields:\n  /a: {from: properties.none}\n  /b: {copy: /a, warn_missing: no b}\n"
    )
    decision = decide_with(track(), "close", overlay)
    assert body(decision) == {}
    assert decision.warnings == ["no b"]
    assert [(r["field"], r["source"], r.get("omitted")) for r in rows(decision)] == [
        ("a", "properties.none", True),
        ("b", "/a", True),
    ]


def test_a_requirement_written_inline_drops_with_its_reason():
    overlay = EMPTY_CLOSE + (
        "require:\n  - {from: traits.title, transform: ['truncate:2', trim], reason: no_title}\n"
        "fields:\n  /x: {value: 1}\n"
    )
    dropped = decide_with(track(traits={"title": "      Boss"}), "close", overlay)
    assert (dropped.action, dropped.reason, dropped.warnings) == ("drop", "no_title", [])
    kept = decide_with(track(traits={"title": "Boss"}), "close", overlay)
    assert body(kept) == {"x": 1}


def test_planning_runs_one_generated_function_per_request():
    """No rule tree, no closure per field: once the event's shared values are worked out,
    planning a preset request calls the route's function and the records, nothing else."""
    resolved = resolve_event(Event.model_validate(track(name="Lead Submitted")))
    config = planning_config()
    for destination in ("outreach", "close"):
        plan(resolved, destination, config)  # works out the memo's values
    called: list[str] = []

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            called.append(f"{frame.f_code.co_filename}:{frame.f_code.co_name}")

    sys.setprofile(profile)
    try:
        decision = plan(resolved, "close", config)
    finally:
        sys.setprofile(None)
    assert decision.action == "deliver"
    names = {name.rsplit("/", 1)[-1] for name in called}
    assert names <= {
        "plan.py:plan",
        "<blueprint route>:build",
        "config.py:base_url",
        "<string>:__init__",  # the Decision and OutboundRequest records
    }, names
    assert sum(name == "<blueprint route>:build" for name in names) == 1
