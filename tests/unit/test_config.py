"""load_settings: which source wins (flags > SIGNALTUI_* > config file > defaults) and how
a bad value is reported (what, where, hint)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from signaltui.config import Settings, load_settings
from signaltui.errors import ConfigError


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The autouse fixture's SIGNALTUI_DB / _TOKEN_FILE / _CONFIG dropped, for exact sources."""
    for name in ("SIGNALTUI_DB", "SIGNALTUI_TOKEN_FILE", "SIGNALTUI_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _refused(*args: Any, **kwargs: Any) -> ConfigError:
    """The ConfigError ``load_settings(*args, **kwargs)`` raises (the test fails if none)."""
    with pytest.raises(ConfigError) as caught:
        load_settings(*args, **kwargs)
    return caught.value


# -- precedence -----------------------------------------------------------------------------


def test_the_config_file_beats_the_defaults(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    path = _config(tmp_path, "db = 'from-file.db'\napollo_api_key = 'file-key'\n")
    settings = load_settings(path)
    assert settings.db == Path("from-file.db")
    assert settings.credentials.get("apollo_api_key") == "file-key"
    assert settings.delivery.max_attempts == 3


def test_the_environment_beats_the_config_file(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    path = _config(tmp_path, "db = 'from-file.db'\napollo_api_key = 'file-key'\n")
    env.setenv("SIGNALTUI_DB", "from-env.db")
    env.setenv("SIGNALTUI_APOLLO_API_KEY", "env-key")
    settings = load_settings(path)
    assert settings.db == Path("from-env.db")
    assert settings.credentials.get("apollo_api_key") == "env-key"


def test_db_flag_beats_the_environment(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    env.setenv("SIGNALTUI_DB", "from-env.db")
    settings = load_settings(_config(tmp_path, ""), db=tmp_path / "flag.db")
    assert settings.db == tmp_path / "flag.db"


def test_db_flag_beats_the_config_file_and_the_environment(
    tmp_path: Path, env: pytest.MonkeyPatch
) -> None:
    path = _config(tmp_path, "db = 'from-file.db'\n")
    assert load_settings(path, db=tmp_path / "flag.db").db == tmp_path / "flag.db"
    env.setenv("SIGNALTUI_DB", "from-env.db")
    assert load_settings(path, db=tmp_path / "flag.db").db == tmp_path / "flag.db"


def test_the_file_values_do_not_outlive_load_settings(
    tmp_path: Path, env: pytest.MonkeyPatch
) -> None:
    load_settings(_config(tmp_path, "db = 'from-file.db'\n"))
    assert Settings().db != Path("from-file.db")


def test_an_unset_flag_leaves_the_lower_sources(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    path = _config(tmp_path, "db = 'from-file.db'\n")
    assert load_settings(path, db=None).db == Path("from-file.db")
    env.setenv("SIGNALTUI_DB", "from-env.db")
    assert load_settings(path, db=None).db == Path("from-env.db")


def test_a_nested_variable_merges_into_the_files_delivery_table(
    tmp_path: Path, env: pytest.MonkeyPatch
) -> None:
    path = _config(tmp_path, "[delivery]\nmax_attempts = 7\nbackoff_base = 1.5\n")
    env.setenv("SIGNALTUI_DELIVERY__MAX_ATTEMPTS", "9")
    env.setenv("SIGNALTUI_DELIVERY__TIMEOUT", "4")
    delivery = load_settings(path).delivery
    # The variables win key by key; the file's other keys and the defaults stay.
    assert delivery.max_attempts == 9
    assert delivery.timeout == 4.0
    assert delivery.backoff_base == 1.5
    assert delivery.backoff_max == 30.0


def test_a_json_delivery_variable_merges_with_the_files_table(
    tmp_path: Path, env: pytest.MonkeyPatch
) -> None:
    path = _config(tmp_path, "[delivery]\nmax_attempts = 7\nbackoff_base = 1.5\n")
    env.setenv("SIGNALTUI_DELIVERY", '{"timeout": 2}')
    delivery = load_settings(path).delivery
    assert (delivery.max_attempts, delivery.backoff_base, delivery.timeout) == (7, 1.5, 2.0)


def test_a_nested_mapping_variable_merges_with_the_files_mapping_table(
    tmp_path: Path, env: pytest.MonkeyPatch
) -> None:
    text = "[mapping]\ndefault_region = 'FR'\napollo_dedupe = false\n"
    env.setenv("SIGNALTUI_MAPPING__DEFAULT_REGION", "it")
    mapping = load_settings(_config(tmp_path, text)).mapping_config
    assert (mapping.default_region, mapping.apollo_dedupe) == ("IT", False)


def test_flat_shortcuts_from_the_environment_beat_the_files_mapping_table(
    tmp_path: Path, env: pytest.MonkeyPatch
) -> None:
    text = "default_region = 'gb'\n[mapping]\ndefault_region = 'FR'\napollo_dedupe = false\n"
    path = _config(tmp_path, text)
    assert load_settings(path).mapping_config.default_region == "GB"
    env.setenv("SIGNALTUI_DEFAULT_REGION", "de")
    env.setenv("SIGNALTUI_APOLLO_DEDUPE", "true")
    mapping = load_settings(path).mapping_config
    assert (mapping.default_region, mapping.apollo_dedupe) == ("DE", True)


# -- errors: what, where, hint --------------------------------------------------------------


def test_an_unknown_key_in_the_file_is_rejected(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    path = _config(tmp_path, "colour = 'blue'\n")
    error = _refused(path)
    assert error.message == "invalid setting colour: Extra inputs are not permitted"
    assert error.where == str(path)
    assert error.hint == "fix colour in the config file or the SIGNALTUI_COLOUR variable"


def test_an_unknown_delivery_key_in_the_file_names_the_file(
    tmp_path: Path, env: pytest.MonkeyPatch
) -> None:
    path = _config(tmp_path, "[delivery]\nmax_attempt = 3\n")
    error = _refused(path)
    assert error.message == "invalid setting delivery.max_attempt: Extra inputs are not permitted"
    assert error.where == str(path)
    assert error.hint == (
        "fix delivery.max_attempt in the config file or the "
        "SIGNALTUI_DELIVERY__MAX_ATTEMPT variable"
    )
    # Variables for other delivery keys do not make the file's typo the environment's.
    env.setenv("SIGNALTUI_DELIVERY__TIMEOUT", "4")
    error = _refused(path)
    assert error.where == str(path)
    env.delenv("SIGNALTUI_DELIVERY__TIMEOUT")
    env.setenv("SIGNALTUI_DELIVERY", '{"timeout": 4}')
    error = _refused(path)
    assert error.where == str(path)


def test_an_unknown_delivery_variable_names_the_variable(
    tmp_path: Path, env: pytest.MonkeyPatch
) -> None:
    path = _config(tmp_path, "[delivery]\ntimeout = 4\n")
    env.setenv("SIGNALTUI_DELIVERY__BOGUS", "1")
    error = _refused(path)
    assert error.message == "invalid setting delivery.bogus: Extra inputs are not permitted"
    assert error.where == "environment (SIGNALTUI_DELIVERY__BOGUS)"
    # The same key inside a JSON value for the whole table names that variable.
    env.delenv("SIGNALTUI_DELIVERY__BOGUS")
    env.setenv("SIGNALTUI_DELIVERY", '{"bogus": 1}')
    error = _refused(path)
    assert error.where == "environment (SIGNALTUI_DELIVERY)"


def test_a_bad_file_value_names_the_file(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    path = _config(tmp_path, '[delivery]\nmax_attempts = "three"\n')
    error = _refused(path)
    assert error.message.startswith("invalid setting delivery.max_attempts: ")
    assert error.where == str(path)
    assert error.hint == (
        "fix delivery.max_attempts in the config file or the "
        "SIGNALTUI_DELIVERY__MAX_ATTEMPTS variable"
    )


def test_a_bad_variable_names_the_variable(tmp_path: Path, env: pytest.MonkeyPatch) -> None:
    path = _config(tmp_path, "[delivery]\nbackoff_base = 1\n")
    env.setenv("SIGNALTUI_DELIVERY__MAX_ATTEMPTS", "abc")
    error = _refused(path)
    assert error.message.startswith("invalid setting delivery.max_attempts: ")
    assert error.where == "environment (SIGNALTUI_DELIVERY__MAX_ATTEMPTS)"


def test_a_bad_flat_shortcut_is_caught_by_mapping_validation(
    tmp_path: Path, env: pytest.MonkeyPatch
) -> None:
    path = _config(tmp_path, "default_region = 'GBR'\n")
    error = _refused(path)
    assert error.message == (
        "invalid setting default_region: Value error, "
        "default_region must be a 2-letter region code like GB, got 'GBR'"
    )
    assert error.where == str(path)
    env.setenv("SIGNALTUI_DEFAULT_REGION", "GBR")
    error = _refused(_config(tmp_path, ""))
    assert error.where == "environment (SIGNALTUI_DEFAULT_REGION)"


def test_a_bad_value_with_no_file_is_attributed_to_settings(
    tmp_path: Path, env: pytest.MonkeyPatch
) -> None:
    # No --config and no SIGNALTUI_CONFIG: a missing default file is just skipped.
    env.setattr("signaltui.config.default_config_path", lambda: tmp_path / "absent.toml")
    error = _refused(delivery={"max_attempts": 0})
    assert error.message.startswith("invalid setting delivery.max_attempts: ")
    assert error.where == "settings"
    # A variable for another delivery key does not make the passed-in value the env's.
    env.setenv("SIGNALTUI_DELIVERY__TIMEOUT", "3")
    error = _refused(delivery={"max_attempts": 0})
    assert error.where == "settings"
