"""The collector is paused from the bare ``signaltui`` command to the first screen only."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from signaltui import startup_gc
from signaltui.cli import main


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    startup_gc.resume()
    gc.enable()


def test_resume_turns_on_only_what_pause_turned_off() -> None:
    startup_gc.pause()
    assert not gc.isenabled()
    startup_gc.resume()
    assert gc.isenabled()
    gc.disable()  # off by someone else: neither pause nor resume turns it on
    startup_gc.pause()
    startup_gc.resume()
    assert not gc.isenabled()


def test_the_bare_command_runs_the_app_with_it_paused_then_on_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from signaltui.tui.app import SignalApp

    seen: list[bool] = []

    def run(self: SignalApp, *args: Any, **kwargs: Any) -> None:
        seen.append(gc.isenabled())

    monkeypatch.setattr(SignalApp, "run", run)
    config = tmp_path / "empty.toml"
    config.write_text("")
    env = {"SIGNALTUI_CONFIG": str(config), "SIGNALTUI_DB": str(tmp_path / "t.db")}
    result = CliRunner().invoke(main, [], env=env)
    assert result.exit_code == 0, result.output
    assert seen == [False]  # paused while the app started
    assert gc.isenabled()  # and on again once it ended


def test_a_bad_config_is_reported_and_leaves_the_collector_on(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("this is [not toml\n")
    result = CliRunner().invoke(main, [], env={"SIGNALTUI_CONFIG": str(config)})
    assert result.exit_code != 0 and "error:" in result.output
    assert gc.isenabled()  # the app never started: on again when the command ended


def test_a_command_leaves_the_collector_alone(tmp_path: Path) -> None:
    config = tmp_path / "empty.toml"
    config.write_text("")
    result = CliRunner().invoke(main, ["blueprints", "list"], env={"SIGNALTUI_CONFIG": str(config)})
    assert result.exit_code == 0, result.output
    assert gc.isenabled()


def test_a_pause_of_our_own_process_freezes_what_start_up_made_on_resume() -> None:
    gc.unfreeze()
    startup_gc.pause()  # as an app built by a test: nothing frozen
    startup_gc.resume()
    assert gc.get_freeze_count() == 0
    startup_gc.pause(freeze=True)  # as entry() does
    made = [object() for _ in range(10)]
    startup_gc.resume()
    try:
        assert gc.isenabled() and gc.get_freeze_count() > 0 and made
    finally:
        gc.unfreeze()
