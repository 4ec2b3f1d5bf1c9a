"""The mapping settings keep working, as overlays; the blueprints setting and its sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from signaltui.blueprints import BlueprintError, merged_specs
from signaltui.config import load_settings
from signaltui.core.config import MappingConfig
from tests.helpers import decide, track

OVERLAY = "version: 1\ndestination: close\nextends: preset\nfields:\n  /custom.cf_x: {value: {v}}\n"


def test_settings_become_the_first_overlay_with_the_old_trace():
    config = MappingConfig(
        close_lead_status_id="stat_1",
        close_custom_fields={"cf_plan": "properties.plan", "cf_gone": "properties.none"},
        apollo_dedupe=False,
        consent={"outreach": ["marketing", "sales"]},
    )
    close = decide(track(properties={"plan": "pro"}), "close", config)
    assert close.request.body["status_id"] == "stat_1"
    assert list(close.request.body)[:2] == ["name", "status_id"]  # the preset's position
    trace = close.to_contract()["trace"]
    assert trace[1] == {
        "field": "status_id",
        "source": "config.close_lead_status_id",
        "rule": "configured",
        "at": "config: mapping.close_lead_status_id",
    }
    assert {
        "field": "custom.cf_gone",
        "source": "properties.none",
        "rule": "custom field mapping: no value in the event",
        "omitted": True,
        "at": "config: mapping.close_custom_fields.cf_gone",
    } in trace
    apollo = decide(track(), "apollo", config)
    assert "run_dedupe" not in apollo.request.body
    assert apollo.to_contract()["trace"][-1] == {
        "field": "run_dedupe",
        "source": "config.apollo_dedupe",
        "rule": "deduplication is off",
        "omitted": True,
        "at": "config: mapping.apollo_dedupe",
    }
    assert decide(track(), "outreach", config).reason == "consent_not_granted"
    specs = merged_specs(config, [])
    assert specs["close"].files == ("presets/close.yaml", "config")
    assert specs["outreach"].consent == ("marketing", "sales")


def test_custom_field_paths_accept_either_trait_spelling():
    config = MappingConfig(close_custom_fields={"cf_first": "traits.first_name"})
    assert decide(track(), "close", config).request.body["custom.cf_first"] == "Jane"


def _write(path: Path, value: str) -> Path:
    path.write_text(OVERLAY.replace("{v}", value))
    return path


def test_blueprints_from_config_file_env_and_flag(tmp_path, monkeypatch):
    a, b = _write(tmp_path / "a.yaml", "from-file"), _write(tmp_path / "b.yaml", "from-env")
    c = _write(tmp_path / "c.yaml", "from-flag")
    config = tmp_path / "config.toml"
    config.write_text(f'blueprints = ["{a}"]\n')

    def planned() -> str:
        settings = load_settings(config, blueprints=flag)
        decision = decide(track(), "close", settings.mapping_config)
        return decision.request.body["custom.cf_x"]

    flag = None
    assert planned() == "from-file"
    monkeypatch.setenv("SIGNALTUI_BLUEPRINTS", f"{b}")
    assert planned() == "from-env"
    flag = [c]
    assert planned() == "from-flag"
    monkeypatch.setenv("SIGNALTUI_BLUEPRINTS", f"{a}:{b}")
    flag = None
    assert load_settings(config).blueprints == [a, b]


def test_a_bad_blueprint_fails_when_the_mapping_is_first_needed(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ndestination: close\nfields:\n  /a: {from: nowhere.x}\n")
    settings = load_settings(blueprints=[bad])  # events, mocks and the store still work
    with pytest.raises(BlueprintError) as raised:
        settings.mapping_config  # noqa: B018
    assert raised.value.where == f"{bad}:4"


def test_mapping_config_is_compiled_once_per_settings(tmp_path):
    settings = load_settings(blueprints=[_write(tmp_path / "a.yaml", "x")])
    assert settings.mapping_config is settings.mapping_config


def test_compiled_set_is_not_part_of_config_equality():
    first, second = MappingConfig(), MappingConfig()
    decide(track(), "close", first)  # compiles first's set
    assert first == second
