"""load_settings reads simple variables itself and gives the same settings (and the same
errors) as pydantic-settings does; anything else still goes through pydantic-settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel

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
    "nested variables beat the file's tables key by key": (
        {
            "SIGNALTUI_DELIVERY__TIMEOUT": "4",
            "signaltui_delivery__rate_limit_per_second": "0",
            "SIGNALTUI_MAPPING__DEFAULT_REGION": "FR",
            "SIGNALTUI_MAPPING__APOLLO_DEDUPE": "false",
        },
        FILE,
        {},
    ),
    "a nested variable over a file value that is not a table": (
        {"SIGNALTUI_DELIVERY__MAX_ATTEMPTS": "2"},
        'delivery = "fast"\n',
        {},
    ),
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
        {"SIGNALTUI_REPLAY__IGNORE": '["/name"]'},
        {"SIGNALTUI_MAPPING__CONSENT": '{"close": ["email"]}'},
        {"SIGNALTUI_DELIVERY__NOT_A_KEY": "1"},
        {"SIGNALTUI_DELIVERY__TIMEOUT__DEEPER": "1"},
        {"SIGNALTUI_DELIVERY": '{"timeout": 4}'},
        {"SIGNALTUI_NOT_A_SETTING": "x"},
        {"SIGNALTUI_DB": "a.db", "signaltui_db": "b.db"},
        {"SIGNALTUI_DELIVERY__TIMEOUT": "4", "signaltui_delivery__timeout": "5"},
    ],
    ids=[
        "nested list",
        "nested table",
        "nested unknown",
        "too deep",
        "table",
        "unknown",
        "twice",
        "nested twice",
    ],
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
        ("SIGNALTUI_DELIVERY__TIMEOUT", "soon", "delivery.timeout"),
        ("SIGNALTUI_MAPPING__APOLLO_DEDUPE", "perhaps", "mapping.apollo_dedupe"),
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


@pytest.mark.parametrize(
    "variables", [{}, {"SIGNALTUI_DELIVERY__RATE_LIMIT_PER_SECOND": "0"}], ids=["none", "nested"]
)
def test_settings_without_special_variables_do_not_import_pydantic_settings(
    variables: dict[str, str],
) -> None:
    code = (
        "import sys\n"
        "from signaltui.config import load_settings\n"
        "settings = load_settings()\n"
        "print('pydantic_settings' in sys.modules, settings.delivery.rate_limit_per_second)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("SIGNALTUI_")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={**env, **variables},
    )  # fmt: skip
    expected = "0.0" if variables else "None"
    assert out.stdout.split() == ["False", expected]


def test_the_nested_fast_path_lists_exactly_the_scalar_keys_of_each_table() -> None:
    # A key left out only costs start-up (pydantic-settings reads it); a list or a table
    # listed here would reach the settings as text instead of decoded JSON.
    from signaltui.config import SIMPLE_NESTED_VARIABLES, Settings

    for table in ("mapping", "delivery", "replay"):
        model = Settings.model_fields[table].annotation
        assert isinstance(model, type) and issubclass(model, BaseModel)
        expected = {name for name, field in model.model_fields.items() if _scalar(field.annotation)}
        assert SIMPLE_NESTED_VARIABLES.get(table, frozenset()) == expected, table


def _scalar(annotation: Any) -> bool:
    """``str``, ``int``, ``float``, ``bool`` or ``None``, or a union of them."""
    if isinstance(annotation, types.UnionType):
        return all(_scalar(part) for part in get_args(annotation))
    return annotation in (str, int, float, bool, type(None))
