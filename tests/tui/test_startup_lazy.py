"""Start-up: the first screen waits for neither the other tabs, HTTP, the mocks nor SQLite.

The store, the mocks and the sessions start in a thread just after the first screen
(tui/services.py); the other tabs are built when first opened (tui/tabs.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select, Static, TabbedContent, TabPane

from signaltui.config import load_settings
from signaltui.mock import get_mock_state
from signaltui.tui.app import SignalApp
from signaltui.tui.render import verdicts_text
from signaltui.tui.services import Services
from signaltui.tui.tabs import PANE_TABS, TABS, holder_id
from tests.tui.conftest import ROOT, wait_until

#: What the first screen must not load: the services' worlds, every other tab's pane
#: module, the Blueprints editor's YAML grammar (tree_sitter itself comes with
#: Textual's TextArea, about 3 ms), and Pygments (rich.syntax, for the Preview's JSON).
DEFERRED_PACKAGES = (
    *("httpx", "starlette", "uvicorn", "sqlite3", "_sqlite3", "sqlite_utils"),
    "pygments",
)
DEFERRED_MODULES = (
    "signaltui.mock",
    "signaltui.store",
    "signaltui.service",
    "signaltui.tui.mocks",
    "signaltui.tui.sessions",
    "signaltui.blueprints.loader",  # the presets: compiled by the start-up thread
    "tree_sitter_yaml",
    "rich.syntax",
    "signaltui.delivery.outcomes",  # the delivery records: shown once something is sent
    *(module for _, module in PANE_TABS.values() if not module.endswith(".compose")),
)

FIRST_SCREEN = """\
import asyncio, json, sys
import signaltui.tui.app as app_module
from signaltui.config import load_settings

async def main():
    settings = load_settings(db=sys.argv[1])
    # The start-up thread held back: only what the first screen itself loads.
    app = app_module.SignalApp(settings, recordings="recordings/", start_delay=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        text = app.query_one("#event-json").text
        tabs = [str(tab.label) for tab in app.query("#main-tabs Tab")]
        loaded = sorted(sys.modules)
    print(json.dumps({"editor": text, "tabs": tabs, "loaded": loaded}))

asyncio.run(main())
"""


def test_the_first_screen_loads_neither_services_nor_other_tabs(tmp_path: Path) -> None:
    config = tmp_path / "empty.toml"
    config.write_text("")
    env = {
        "SIGNALTUI_CONFIG": str(config),
        "SIGNALTUI_TOKEN_FILE": str(tmp_path / "t.json"),
        "SIGNALTUI_CACHE_DIR": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN, str(tmp_path / "t.db")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**_clean_env(), **env},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert '"email"' in shown["editor"] and len(shown["tabs"]) == len(TABS)  # it is drawn
    loaded = set(shown["loaded"])
    assert sorted({m.split(".")[0] for m in loaded} & set(DEFERRED_PACKAGES)) == []
    early = [m for m in DEFERRED_MODULES if m in loaded]
    assert early == []
    assert not (tmp_path / "t.db").exists()  # nor is the store opened


def _clean_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("SIGNALTUI_")}


async def test_the_services_start_by_themselves_just_after_the_first_screen(
    make_app: Callable[..., SignalApp],
) -> None:
    app = make_app()
    assert not app.services.all_ready  # nothing made while the app is built
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.services.all_ready)
        assert app.store is not None and app.sessions.mock_app is app.mock_app


async def test_a_store_that_cannot_be_opened_is_still_reported_at_start(
    make_app: Callable[..., SignalApp], tmp_path: Path
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    app = make_app(settings=load_settings(db=folder, token_file=tmp_path / "t.json"))
    async with app.run_test(size=(120, 40)) as pilot:

        def messages() -> list[str]:
            return [n.message for n in app._notifications]

        await wait_until(pilot, lambda: any("History is off" in m for m in messages()))
        assert any("folder" in m for m in messages()), messages()
        assert app.store is None


@pytest.mark.parametrize("tab", [t for t in TABS if t != "compose"])
async def test_each_lazily_built_tab_is_built_and_shown_by_its_key(
    make_app: Callable[..., SignalApp], tab: str
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        holder = app.query_one(f"#{holder_id(tab)}", TabPane)
        assert list(holder.children) == []  # not built for the first screen
        await pilot.press(f"f{TABS.index(tab) + 2}")
        await pilot.pause()
        assert app.query_one("#main-tabs", TabbedContent).active == holder_id(tab)
        (pane,) = holder.children
        assert pane.id == tab and pane.is_mounted and pane.display
        assert pane.region.height > 0  # laid out on screen, not just mounted
        await pilot.press("f2")  # back, and again: the same pane, not a second one
        await pilot.press(f"f{TABS.index(tab) + 2}")
        await pilot.pause()
        assert list(holder.children) == [pane]


async def test_a_send_at_start_waits_for_the_mock_and_succeeds(
    make_app: Callable[..., SignalApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The start-up thread holds the services until the test lets it go: ctrl+r lands
    # while it is still making them, so the send has to wait for them.
    started, release = threading.Event(), threading.Event()
    real_start_all = Services.start_all

    def slow_start_all(self: Services) -> None:
        with self._lock:
            started.set()
            release.wait(30)
            real_start_all(self)

    monkeypatch.setattr(Services, "start_all", slow_start_all)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, started.is_set)
        await pilot.press("ctrl+r")
        status = app.query_one("#send-status", Static)
        await wait_until(pilot, lambda: "Sending to mock" in str(status.content))
        await pilot.pause(0.2)
        assert "Sending to mock" in str(status.content)  # waiting, not failed
        assert not app.services.all_ready
        release.set()
        await wait_until(pilot, lambda: "Sent to mock" in str(status.content))
        assert "apollo delivered" in str(status.content)
        journal = get_mock_state(app.mock_app).journal.entries(last=50)
        assert [e["crm"] for e in journal if e["method"] == "POST"]  # the one mock got it
        assert app.store is not None and len(app.store.list_deliveries(limit=10)) == 3


async def test_a_send_before_the_services_thread_runs_makes_them_itself(
    make_app: Callable[..., SignalApp],
) -> None:
    app = make_app(start_delay=3600)  # the start-up thread never comes
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.services.all_ready
        await pilot.press("ctrl+r")
        status = app.query_one("#send-status", Static)
        await wait_until(pilot, lambda: "Sent to mock" in str(status.content))
        assert app.services.all_ready


async def test_verdicts_and_the_event_picker_follow_once_the_presets_are_compiled(
    make_app: Callable[..., SignalApp],
) -> None:
    app = make_app(start_delay=3600)  # the start-up thread is started by hand below
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.1)
        verdicts = app.query_one("#verdicts", Static)
        pick = app.query_one("#f-event-pick", Select)
        assert str(verdicts.content) == "planning…" and pick.is_blank()
        # An edit before then is what gets planned once they are.
        app.query_one("#f-event", Input).value = "Lead Generated"
        await pilot.pause(0.1)
        app._start_up_thread()
        await wait_until(pilot, lambda: str(verdicts.content) != "planning…")
        assert app.event["event"] == "Lead Generated"
        assert pick.value == "Lead Generated"
        assert "Lead Generated" in [str(prompt) for prompt, _ in pick._options]
        decisions, _ = app.plan_current()
        assert decisions is not None
        assert str(verdicts.content) == verdicts_text(decisions).plain
        assert "Apollo    ✓ deliver" in str(verdicts.content)  # Lead Generated: Apollo maps it


async def test_the_presets_fill_in_under_a_dialog_opened_at_start(
    make_app: Callable[..., SignalApp],
) -> None:
    app = make_app(start_delay=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")  # the help is on top when the start-up thread finishes
        await pilot.pause()
        app._start_up_thread()
        await wait_until(pilot, lambda: app.services.all_ready)
        await pilot.press("escape")
        await pilot.pause()
        assert "✓ deliver" in str(app.query_one("#verdicts", Static).content)
        assert app.query_one("#f-event-pick", Select).value == app.event["event"]


def test_services_are_made_once_whoever_asks_first(tmp_path: Path) -> None:
    services = Services(load_settings(db=tmp_path / "t.db", token_file=tmp_path / "t.json"))
    made: list[Any] = []
    threads = [threading.Thread(target=lambda: made.append(services.sessions)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(s) for s in made}) == 1
    assert made[0].mock_app is services.mock_app and made[0].store is services.store
    services.store.close()


async def test_tab_labels_follow_the_terminal_width_both_ways(
    make_app: Callable[..., SignalApp],
) -> None:
    # Labels are relabelled only when the width crosses the line (not on every resize).
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tabbed = app.query_one("#main-tabs", TabbedContent)

        def label() -> str:
            return str(tabbed.get_tab(holder_id("send")).label)

        assert label() == "F4 Send"
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: label() == "Send")
        await pilot.resize_terminal(90, 24)
        await pilot.pause()
        assert label() == "Send"
        await pilot.resize_terminal(120, 40)
        await wait_until(pilot, lambda: label() == "F4 Send")


async def test_the_command_palette_opens_a_tab_not_built_yet(
    make_app: Callable[..., SignalApp],
) -> None:
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert list(app.query_one(f"#{holder_id('blueprints')}", TabPane).children) == []
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"go to blueprints")
        await pilot.pause(0.3)  # the palette searches in the background
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: app.query_one("#main-tabs", TabbedContent).active == holder_id("blueprints"),
        )
        await wait_until(pilot, lambda: bool(app.query("#bp-text")))


async def test_blueprints_that_cannot_be_planned_are_reported_not_left_planning(
    make_app: Callable[..., SignalApp], tmp_path: Path
) -> None:
    # The command line refuses a bad overlay before the app opens; an app given one
    # anyway (or an overlay broken since) says why nothing can be planned.
    bad = tmp_path / "close.yaml"
    bad.write_text("version: 1\ndestination: close\nfields:\n  /x: {from: [\n")
    settings = load_settings(db=tmp_path / "t.db", token_file=tmp_path / "t.json", blueprints=[bad])
    app = make_app(settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        verdicts = app.query_one("#verdicts", Static)
        await wait_until(pilot, lambda: str(verdicts.content).startswith("cannot plan:"))
        assert f"{bad}:5: not valid YAML" in str(verdicts.content)
        assert any("not valid YAML" in n.message for n in app._notifications)
        await pilot.press("f3")  # the Preview opens and says why, rather than crashing
        await wait_until(pilot, lambda: bool(app.screen.query("#preview-error")))
        error = app.screen.query_one("#preview-error", Static)
        await wait_until(pilot, lambda: "not valid YAML" in str(error.content))


async def test_an_unexpected_error_while_compiling_is_reported_too(
    make_app: Callable[..., SignalApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    import signaltui.tui.app as app_module

    def broken(config: object = None) -> tuple[str, ...]:
        raise RuntimeError("compiler bug")

    monkeypatch.setattr(app_module, "known_events", broken)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        verdicts = app.query_one("#verdicts", Static)
        await wait_until(pilot, lambda: "compiler bug" in str(verdicts.content))
        assert str(verdicts.content).startswith("cannot plan: unexpected error: RuntimeError")
