"""load_settings reads simple variables itself and gives the same settings (and the same
errors) as pydantic-settings does; anything else still goes through pydantic-settings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from signaltui.config import load_settings, simple_environment
from signaltui.config_environment import EnvironmentSettings, settings_from_sources
from signaltui.errors import ConfigError

FILE = """
db = "from-file.db"
close_api_key = "file-key"
mock_limits = "scale:10"
[delivery]
max_attempts = 4
[mapping]
default_region = "DE"
"""

CASES: dict[str, tuple[dict[str, str], str, dict[str, Any]]] = {
    "nothing": ({}, "", {}),
    "file only": ({}, FILE, {}),
    "simple variables beat the file": (
        {
            "SIGNALTUI_DB": "from-env.db",
            "SIGNALTUI_CLOSE_API_KEY": "env-key",
            "signaltui_default_region": "GB",
            "SIGNALTUI_APOLLO_DEDUPE": "false",
            "SIGNALTUI_MOCK_LIMITS": "off",
            "SIGNALTUI_CLOSE_LEAD_STATUS_ID": "stat_9",
        },
        FILE,
        {},
    ),
    "flags beat both": (
        {"SIGNALTUI_DB": "from-env.db", "SIGNALTUI_BLUEPRINTS": "a.yaml:b"},
        FILE,
        {"db": Path("flag.db")},
    ),
    "blueprints split on the path separator": ({"SIGNALTUI_BLUEPRINTS": "one.yaml:two"}, "", {}),
    "an empty value": ({"SIGNALTUI_CLOSE_LEAD_STATUS_ID": ""}, "", {}),
}


def _both(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    variables: dict[str, str],
    text: str,
    flags: dict[str, Any],
) -> tuple[Any, Any]:
    for name in ("SIGNALTUI_DB", "SIGNALTUI_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    import tomllib

    return (
        load_settings(path, **flags),
        settings_from_sources(tomllib.loads(text), flags),
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_simple_variables_give_what_pydantic_settings_gives(
    case: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    variables, text, flags = CASES[case]
    fast, slow = _both(monkeypatch, tmp_path, variables, text, flags)
    assert simple_environment() is not None  # the case did take the fast path
    assert type(slow) is EnvironmentSettings and type(fast) is not EnvironmentSettings
    dump = {"mode": "json", "exclude": {"token_file"}}
    assert json.dumps(fast.model_dump(**dump), default=str) == json.dumps(
        slow.model_dump(**dump), default=str
    )
    assert fast.credentials.secret_values() == slow.credentials.secret_values()
    assert fast.blueprints == slow.blueprints
    if not fast.blueprints:  # (the named files do not exist)
        assert fast.mapping_config == slow.mapping_config


@pytest.mark.parametrize(
    "variables",
    [
        {"SIGNALTUI_DELIVERY__TIMEOUT": "4"},
        {"SIGNALTUI_DELIVERY": '{"timeout": 4}'},
        {"SIGNALTUI_NOT_A_SETTING": "x"},
        {"SIGNALTUI_DB": "a.db", "signaltui_db": "b.db"},
    ],
    ids=["nested", "table", "unknown", "twice"],
)
def test_other_variables_go_through_pydantic_settings(
    variables: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert simple_environment() is None


def test_a_nested_variable_still_reaches_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALTUI_DELIVERY__TIMEOUT", "4")
    assert load_settings().delivery.timeout == 4


@pytest.mark.parametrize(
    ("name", "value", "location"),
    [
        ("SIGNALTUI_MOCK_LIMITS", "sideways", "mock_limits"),
        ("SIGNALTUI_APOLLO_DEDUPE", "maybe", "apollo_dedupe"),
        ("SIGNALTUI_DEFAULT_REGION", "", "default_region"),
        ("SIGNALTUI_DB", " ", "db"),
    ],
)
def test_a_bad_simple_variable_is_blamed_on_that_variable(
    name: str, value: str, location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as fast:
        load_settings()
    monkeypatch.setenv("SIGNALTUI_UNKNOWN_FORCES_THE_SLOW_PATH", "1")
    with pytest.raises(ConfigError) as slow:
        load_settings()
    assert fast.value.render() == slow.value.render()
    assert f"invalid setting {location}" in fast.value.render()


def test_settings_without_special_variables_do_not_import_pydantic_settings() -> None:
    code = (
        "import sys\n"
        "from signaltui.config import load_settings\n"
        "load_settings()\n"
        "print('pydantic_settings' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
