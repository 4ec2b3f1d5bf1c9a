"""Every rule kind of the blueprint format, planned through the compiled engine."""

from __future__ import annotations

import json

import pytest

from tests.blueprint_helpers import decide_with, planning_config, rows
from tests.helpers import decide, track

CLOSE = "version: 1\ndestination: close\nextends: preset\n"
EMPTY_CLOSE = "version: 1\ndestination: close\ndefaults: {action: deliver}\n"


def body(decision):
    assert decision.action == "deliver", decision.detail
    return decision.request.body


def test_from_takes_the_first_non_empty_source_and_traces_its_line():
    overlay = (
        CLOSE + "fields:\n  /description: {from: [properties.a, properties.b], transform: [trim]}\n"
    )
    decision = decide_with(track(properties={"a": "   ", "b": " B "}), "close", overlay)
    assert body(decision)["description"] == "B"
    row = next(r for r in rows(decision) if r["field"] == "description")
    assert row == {
        "field": "description",
        "source": "properties.b",
        "rule": "trim",
        "at": "t1.yaml:5",
    }


def test_all_with_join_and_all_as_a_list():
    overlay = EMPTY_CLOSE + (
        "fields:\n"
        "  /who: {all: [traits.first_name, traits.lastName], transform: [join]}\n"
        "  /parts: {all: [traits.firstName, traits.missing, traits.lastName]}\n"
    )
    decision = decide_with(track(), "close", overlay)
    assert body(decision) == {"who": "Jane Doe", "parts": ["Jane", "Doe"]}
    assert rows(decision)[0]["source"] == "traits.firstName + traits.lastName"
    assert rows(decision)[1]["source"] == "traits.firstName + traits.missing + traits.lastName"


def test_value_copy_and_nested_pointers_make_lists_and_objects():
    overlay = EMPTY_CLOSE + (
        "fields:\n"
        "  /a/b/0/c: {value: 1}\n"
        "  /a/b/0/d: {copy: /a/b/0/c, rule: copied}\n"
        "  /tags/-: {value: x}\n"
        "  /tags/-#two: {value: x, unique: true}\n"
        "  /tags/-#three: {value: y}\n"
        "  /esc~1aped: {value: true}\n"
    )
    decision = decide_with(track(), "close", overlay)
    assert body(decision) == {"a": {"b": [{"c": 1, "d": 1}]}, "tags": ["x", "y"], "esc/aped": True}
    assert [r["field"] for r in rows(decision)] == [
        "a.b[0].c",
        "a.b[0].d",
        "tags[]",
        "tags[]",
        "esc/aped",
    ]
    assert rows(decision)[1]["rule"] == "copied"


def test_constant_lists_are_fresh_for_every_request():
    config = planning_config(EMPTY_CLOSE + "fields:\n  /tags: {value: [a, b]}\n")
    from signaltui.core.events import Event, resolve_event
    from signaltui.core.plan import plan

    first = plan(resolve_event(Event.model_validate(track())), "close", config)
    first.request.body["tags"].append("changed")
    second = plan(resolve_event(Event.model_validate(track())), "close", config)
    assert second.request.body["tags"] == ["a", "b"]


def test_drop_removes_a_preset_field_with_a_trace_row():
    decision = decide_with(track(), "close", CLOSE + "fields:\n  /url: drop\n")
    assert "url" not in body(decision)
    row = next(r for r in rows(decision) if r["field"] == "url")
    assert row["omitted"] is True and row["at"] == "t1.yaml:5"
    assert row["rule"] == "removed by the blueprint"


@pytest.mark.parametrize(
    ("condition", "consent", "applies"),
    [
        ("{source: context.consent.marketing, equals: true}", True, True),
        ("{source: context.consent.marketing, equals: true}", 1, False),
        ("{source: context.consent.sales, present: true}", True, False),
        ("{source: context.consent.sales, absent: true}", True, True),
        ("{source: event, in: [Demo Requested, Signed Up]}", True, True),
        ("[{source: event, in: [Signed Up]}, {source: userId, present: true}]", True, False),
    ],
)
def test_when_conditions(condition, consent, applies):
    overlay = CLOSE + f"fields:\n  /flag: {{value: on, when: {condition}}}\n"
    event = track(context={"consent": {"marketing": consent}})
    config_consent = "consent: []\n"
    decision = decide_with(event, "close", overlay.replace("fields:", config_consent + "fields:"))
    assert ("flag" in body(decision)) is applies
    if applies:
        assert body(decision)["flag"] == "on"  # YAML 1.1 'on' stays text


def test_events_deliver_drop_set_and_per_event_fields():
    overlay = CLOSE + (
        "events:\n"
        "  Trial Started: deliver\n"
        "  Demo Requested: drop\n"
        "  Webinar Registered:\n"
        "    set: {/description: Webinar}\n"
        "  Signed Up:\n"
        "    fields:\n"
        "      /url: drop\n"
        "      /plan: {from: properties.plan}\n"
    )
    trial = decide_with(track("Trial Started"), "close", overlay)
    assert trial.action == "deliver"
    demo = decide_with(track("Demo Requested"), "close", overlay)
    assert (demo.action, demo.reason) == ("drop", "event_not_mapped")
    assert demo.detail == "'Demo Requested' is switched off for close (t1.yaml:6)"
    webinar = decide_with(track("Webinar Registered"), "close", overlay)
    assert body(webinar)["description"] == "Webinar"
    assert next(r for r in rows(webinar) if r["field"] == "description")["at"] == "t1.yaml:8"
    signed = decide_with(track("Signed Up", properties={"plan": "pro"}), "close", overlay)
    assert "url" not in body(signed) and body(signed)["plan"] == "pro"
    assert "url" in body(decide_with(track("Lead Submitted"), "close", overlay))
    unmapped = decide_with(track("Page Viewed"), "close", overlay)
    assert unmapped.detail == (
        "'Page Viewed' is not mapped for close (Lead Submitted, Signed Up, Trial Started, "
        "Webinar Registered)"
    )


def test_default_action_deliver_maps_every_event():
    decision = decide_with(track("Anything"), "close", CLOSE + "defaults: {action: deliver}\n")
    assert decision.action == "deliver"


def test_require_plain_and_object_forms():
    plain = CLOSE + "require: [traits.phone]\n"
    event = track()
    del event["traits"]["phone"]
    dropped = decide_with(event, "close", plain)
    assert (dropped.action, dropped.reason) == ("drop", "missing_phone")
    assert "t1.yaml:4" in dropped.detail
    custom = CLOSE + ("require:\n  - {from: traits.plan, reason: no_plan, detail: Plans only}\n")
    dropped = decide_with(track(), "close", custom)
    assert (dropped.reason, dropped.detail) == ("no_plan", "Plans only")
    # A require list replaces the preset's: without the email requirement, no email is fine.
    no_email = track()
    del no_email["traits"]["email"]
    assert decide_with(no_email, "close", CLOSE + "require: []\n").action == "deliver"


def test_checks_warn_after_their_field():
    overlay = CLOSE + (
        "checks:\n"
        "  - {missing: [/url, /nothing], warn: 'early: {missing}', after: /name}\n"
        "  - {missing: [/url, /nothing], warn: 'late: {missing}'}\n"
    )
    decision = decide_with(track(), "close", overlay)
    # The first runs right after /name, before /url is set; the second at the end.
    assert decision.warnings == ["early: url and nothing", "late: nothing"]


@pytest.mark.parametrize(
    ("transform", "value", "expected"),
    [
        ("[trim]", "  a   b ", "a b"),
        ("[strip]", "  a   b ", "a   b"),
        ("[lower]", "AbC", "abc"),
        ("[trim, lower]", " AbC ", "abc"),
        ("[email]", " X@Y.IO ", "x@y.io"),
        ("[e164]", "(415) 555-0132", "+14155550132"),
        ("['truncate:3']", "abcdef", "abc"),
        ("[scalar]", 5, 5),
        ("[scalar]", " x ", "x"),
        ("[trim]", 5, "5"),
    ],
)
def test_each_transform(transform, value, expected):
    overlay = EMPTY_CLOSE + f"fields:\n  /out: {{from: properties.v, transform: {transform}}}\n"
    decision = decide_with(track(properties={"v": value}), "close", overlay)
    assert body(decision)["out"] == expected


def test_failures_are_left_out_with_a_warning_and_an_omitted_row():
    overlay = EMPTY_CLOSE + (
        "fields:\n"
        "  /mail: {from: properties.mail, transform: [email]}\n"
        "  /tel: {from: properties.tel, transform: [e164], omitted_label: 'tel[]'}\n"
        "  /short: {from: properties.long, transform: ['truncate:2']}\n"
    )
    decision = decide_with(
        track(properties={"mail": "nope", "tel": "call me", "long": "abc"}), "close", overlay
    )
    assert body(decision) == {"short": "ab"}
    assert decision.warnings[0] == "email 'nope' is not a valid address; it was left out"
    assert decision.warnings[1].endswith("; tel[] was left out")
    assert (
        decision.warnings[2]
        == "short has 3 characters; Close allows 2, so it was cut to the first 2"
    )
    omitted = [(r["field"], r["rule"]) for r in rows(decision) if r.get("omitted")]
    assert omitted == [
        ("mail", "not a valid email address"),
        ("tel[]", "phone could not be normalised to E.164"),
    ]


def test_nan_and_infinity_never_reach_a_body():
    """Issue 11: a NaN or Infinity would print invalid JSON; it is refused and left out."""
    overlay = CLOSE + (
        "fields:\n"
        "  /custom.raw: {from: properties.score}\n"
        "  /custom.nested: {from: properties.stats}\n"
        "  /custom.scalar: {from: properties.score, transform: [scalar]}\n"
    )
    event = track(properties={"score": float("nan"), "stats": {"x": [float("inf")]}})
    decision = decide_with(event, "close", overlay)
    wire = json.dumps(body(decision), allow_nan=False)  # raises if a NaN got through
    assert "custom" not in wire
    assert sum("is not a number JSON can carry" in w for w in decision.warnings) == 3
    assert [r["rule"] for r in rows(decision) if r["field"].startswith("custom")] == [
        "not a finite number"
    ] * 3


def test_empty_user_fields_leave_an_omitted_row_unless_told_not_to():
    overlay = CLOSE + (
        "fields:\n"
        "  /custom.a: {from: properties.none}\n"
        "  /custom.b: {from: properties.none, trace_empty: false}\n"
        "  /custom.c: {from: properties.none, empty_rule: nothing here, warn_missing: 'no c'}\n"
        "  /custom.d: {value: x, trace: false, label: dee}\n"
    )
    decision = decide_with(track(), "close", overlay)
    custom = [r for r in rows(decision) if r["field"].startswith("custom") or r["field"] == "dee"]
    assert custom == [
        {
            "field": "custom.a",
            "source": "properties.none",
            "rule": "no value in the event",
            "omitted": True,
            "at": "t1.yaml:5",
        },
        {
            "field": "custom.c",
            "source": "properties.none",
            "rule": "nothing here",
            "omitted": True,
            "at": "t1.yaml:7",
        },
    ]
    assert decision.warnings == ["no c"] and body(decision)["custom.d"] == "x"


def test_overlays_apply_in_order_and_one_without_extends_starts_empty():
    first = CLOSE + "fields:\n  /description: {value: one}\n  /x: {value: 1}\n"
    second = CLOSE + "fields:\n  /description: {value: two}\n"
    decision = decide_with(track(properties={"lead_type": "t"}), "close", first, second)
    assert body(decision)["description"] == "two" and body(decision)["x"] == 1
    # Replaced in place: description keeps the preset's position (before contacts).
    assert list(body(decision)) == ["name", "url", "description", "contacts", "x"]
    assert next(r for r in rows(decision) if r["field"] == "description")["at"] == "t2.yaml:5"
    fresh = decide_with(track(), "close", first, EMPTY_CLOSE + "fields:\n  /only: {value: 1}\n")
    assert body(fresh) == {"only": 1}


def test_consent_replaces_the_preset_list():
    event = track(context={"consent": {"marketing": False}})
    assert decide(event, "close").reason == "consent_not_granted"
    assert decide_with(event, "close", CLOSE + "consent: []\n").action == "deliver"
    strict = decide_with(track(), "close", CLOSE + "consent: [marketing, sales]\n")
    assert strict.detail == "consent not granted for: sales (context.consent.sales)"


def test_request_block_overrides_headers_and_path():
    overlay = CLOSE + "request: {path: /api/v1/lead/?x=1, headers: {X-Team: growth}}\n"
    decision = decide_with(track(), "close", overlay)
    assert decision.request.url.endswith("/api/v1/lead/?x=1")
    assert decision.request.headers["X-Team"] == "growth"
    assert decision.request.headers["Content-Type"] == "application/json"


def test_preset_trace_rows_name_the_package_preset_file_and_line():
    from importlib import resources

    decision = decide(track(), "outreach")
    preset = resources.files("signaltui.blueprints.presets").joinpath("outreach.yaml")
    lines = preset.read_text().splitlines()
    for row in rows(decision):
        file, line = row["at"].split(":")
        assert file == "presets/outreach.yaml"
        text = lines[int(line) - 1]
        assert text.strip().startswith("/data/"), (row, text)


def test_text_transforms_leave_lists_and_objects_out_and_all_cleans_each_item():
    overlay = EMPTY_CLOSE + (
        "fields:\n"
        "  /a: {from: traits.firstName, transform: [trim]}\n"
        "  /b: {all: [properties.x, properties.y], transform: [trim]}\n"
        "  /c: {all: [properties.x, properties.y], transform: [trim, join, lower]}\n"
    )
    event = track(properties={"x": "  X  ", "y": "  "})
    event["traits"]["firstName"] = ["A"]
    decision = decide_with(event, "close", overlay)
    assert body(decision) == {"b": ["X"], "c": "x"}
