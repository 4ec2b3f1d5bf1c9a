"""Warnings for valid blueprints the CRM would not read as meant, and for short files that
start from nothing (``blueprints check`` prints both)."""

from __future__ import annotations

from signaltui.blueprints.advice import advise
from signaltui.blueprints.convert import parse_overlay
from signaltui.blueprints.loader import merged_specs, presets
from signaltui.blueprints.merge import SetAside, build
from signaltui.core.blueprints.pointers import segments
from signaltui.core.config import MappingConfig

HEAD = "version: 1\ndestination: {d}\nextends: preset\n"


def _set_aside(preset, overlay) -> list[SetAside]:
    found: list[SetAside] = []
    build(preset, [overlay], found)
    return found


def _specs(text: str):
    return merged_specs(MappingConfig(), [parse_overlay(text, "mine.yaml")])


def test_close_custom_fields_in_a_deprecated_form_are_named_at_their_line():
    text = HEAD.format(d="close") + (
        "fields:\n"
        "  /custom/score: {from: traits.score}\n"  # line 5
        "  /custom.Score: {from: traits.score}\n"  # line 6
        "  /custom.cf_abc: {from: traits.score}\n"
        "events:\n"
        "  Trial Started:\n"
        "    fields:\n"
        "      /custom/plan: {from: properties.plan}\n"  # line 11
    )
    found = advise(_specs(text)["close"])
    assert [(a.at, a.message.split(" writes ")[0]) for a in found] == [
        ("mine.yaml:5", "/custom/score"),
        ("mine.yaml:6", "/custom.Score"),
        ("mine.yaml:11", "/custom/plan"),
    ]
    assert "'custom.cf_<field id>'" in found[0].message
    assert "custom.cf_<id>" in found[0].hint


def test_the_presets_and_documented_fields_get_no_advice():
    for destination, spec in _specs(HEAD.format(d="apollo")).items():
        assert advise(spec) == [], destination
    apollo = HEAD.format(d="apollo") + (
        "fields:\n  /typed_custom_fields/64a0: {from: traits.score}\n"
        "  /direct_phone: {from: traits.phone}\n"
    )
    assert advise(_specs(apollo)["apollo"]) == []
    # A Close-style custom field is no Apollo field.
    custom = HEAD.format(d="apollo") + "fields:\n  /custom/x: {from: traits.score}\n"
    assert [a.at for a in advise(_specs(custom)["apollo"])] == ["mine.yaml:5"]


def test_a_file_without_extends_sets_aside_what_it_does_not_name_again():
    short = parse_overlay(
        "version: 1\ndestination: close\nevents:\n  Signed Up: deliver\n"
        "fields:\n  /name: {from: traits.company}\n",
        "short.yaml",
    )
    (lost,) = _set_aside(presets()["close"], short)
    assert (lost.file, lost.destination) == ("short.yaml", "close")
    assert lost.events == ("Lead Submitted", "Demo Requested")
    # /name is named again; /status_id is the preset's null placeholder, which sends nothing.
    assert "/name" not in lost.fields and "/status_id" not in lost.fields
    assert lost.fields[:2] == ("/url", "/description")
    extended = parse_overlay(HEAD.format(d="close") + "fields:\n  /x: {value: 1}\n", "ext.yaml")
    assert _set_aside(presets()["close"], extended) == []


def test_merging_counts_the_config_settings_as_in_force():
    # The config's settings are an overlay of their own: a file starting from nothing
    # also leaves out the Close custom fields the config maps.
    config = MappingConfig(close_custom_fields={"cf_plan": "properties.plan"})
    complete = parse_overlay(
        "version: 1\ndestination: close\nevents:\n  Lead Submitted: deliver\n"
        "fields:\n  /name: {from: traits.company}\n",
        "c.yaml",
    )
    found: list[SetAside] = []
    merged_specs(config, [complete], found)
    (lost,) = found
    assert "/custom.cf_plan" in lost.fields


def test_outreach_attributes_it_does_not_take_are_named():
    text = HEAD.format(d="outreach") + (
        "fields:\n"
        "  /data/attributes/jobTitle: {from: traits.title}\n"  # line 5: unknown
        "  /data/attributes/createdAt: {value: '2026-01-01'}\n"  # line 6: read-only
        "  /data/attributes/custom7: {from: traits.score}\n"
        "  /data/attributes/source: {value: web}\n"
        "  /data/relationships/owner/data/id: {value: 1}\n"
    )
    found = advise(_specs(text)["outreach"])
    assert [(a.at, a.message) for a in found] == [
        (
            "mine.yaml:5",
            "/data/attributes/jobTitle: a prospect has no attribute 'jobTitle' in "
            "Outreach's API; the mock refuses it with a 422",
        ),
        (
            "mine.yaml:6",
            "/data/attributes/createdAt: the prospect attribute 'createdAt' is read-only "
            "in Outreach's API; the mock refuses it with a 422",
        ),
    ]


def test_what_the_advice_calls_refused_the_mock_refuses():
    # The warning and the mock read one catalogue: each attribute advised against is one
    # the Outreach mock answers 422 for, and every attribute the preset writes is taken.
    from signaltui.mock.outreach import _validate

    def status(attributes: dict) -> int:
        answer = _validate({"data": {"type": "prospect", "attributes": attributes}})
        return 201 if isinstance(answer, dict) else answer.status_code

    assert status({"jobTitle": "x"}) == 422 and status({"createdAt": "x"}) == 422
    written = [segments(f.pointer) for f in presets()["outreach"].fields]
    preset = {parts[2] for parts in written if parts[:2] == ("data", "attributes")}
    assert "title" in preset and status(dict.fromkeys(preset, None)) == 201
    text = HEAD.format(d="outreach") + "fields:\n  /data/attributes/custom7: {value: x}\n"
    assert advise(_specs(text)["outreach"]) == [] and status({"custom7": "x"}) == 201


def test_a_near_miss_is_suggested_after_the_warning():
    apollo = HEAD.format(d="apollo") + "fields:\n  /titel: {from: traits.title}\n"
    (found,) = advise(_specs(apollo)["apollo"])
    assert found.message.endswith("(the mock keeps none of it on the contact); did you mean title?")
    outreach = HEAD.format(d="outreach") + "fields:\n  /data/attributes/titel: {value: x}\n"
    (found,) = advise(_specs(outreach)["outreach"])
    assert found.brief == (
        "/data/attributes/titel: a prospect has no attribute 'titel' (the mock answers 422); "
        "did you mean title?"
    )
