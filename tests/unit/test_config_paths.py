"""File-path settings must be written as text: ``db = 5`` is a config error, not file "5"."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.config import load_settings
from signaltui.errors import ConfigError


@pytest.fixture(autouse=True)
def paths_from_the_file_only(monkeypatch):
    # The suite points these at a temp dir by variable; here the config file must decide.
    monkeypatch.delenv("SIGNALTUI_DB")
    monkeypatch.delenv("SIGNALTUI_TOKEN_FILE")


@pytest.mark.parametrize(
    ("line", "kind"),
    [("db = 5", "int"), ("db = true", "bool"), ("token_file = ['a']", "list"), ('db = ""', "")],
)
def test_a_non_text_path_in_the_config_file_is_refused(tmp_path, line, kind):
    config = tmp_path / "config.toml"
    config.write_text(line + "\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert str(config) in caught.value.render()
    assert ("must not be empty" if not kind else f"must be a string, got {kind}") in (
        caught.value.message
    )


def test_the_cli_exits_2_naming_the_setting(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("db = 5\n")
    monkeypatch.setenv("SIGNALTUI_CONFIG", str(config))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["events", "list"])
    assert result.exit_code == 2
    assert "invalid setting db" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "5").exists()


def test_text_paths_still_work(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'db = "{tmp_path / "s.db"}"\n')
    assert load_settings(config).db == tmp_path / "s.db"
