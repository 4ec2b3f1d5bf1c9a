"""Snapshots of every tab, the help and the delivery detail at 80x24 and 120x40.

Regenerate with ``--snapshot-update`` (and look at the SVGs). Kept deterministic: a
temp store seeded with fixed timestamps, the built-in sample event, no running server
(its port is random), and HOME at the temp folder so the Settings tab's paths read
``~/t.db`` on every machine.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import RadioButton, TextArea

from signaltui.store import Store
from tests.tui.conftest import seed_store

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
SIZE = SIZES["120x40"]
#: What to press for each screen: a tab's F-key, the help, a stored delivery's detail.
SCREENS = {
    "compose": (),
    "preview": ("f3",),
    "send": ("f4",),
    "history": ("f5",),
    "replay": ("f6",),
    "mocks": ("f7",),
    "settings": ("f8",),
    "blueprints": ("f9",),
    "help": ("f1",),
    "detail": ("f5", "enter"),
}


@pytest.fixture
def app(make_app, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    store = Store.open(settings.db)
    seed_store(store, settings)
    return make_app(store=store)


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.pause(0.2)
    await pilot.app.workers.wait_for_complete()
    # A blinking cursor is captured at a random phase; a steady one is the same every run.
    for widget in pilot.app.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(snap_compare, app, screen: str, size: str) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        for key in SCREENS[screen]:
            await pilot.press(key)
            await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=show)


def test_invalid_json_banner(snap_compare, app) -> None:
    async def broken(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        pilot.app.query_one("#event-json", TextArea).load_text('{"type": "track", "event": ')
        await pilot.press("f3")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZES["80x24"], run_before=broken)


def test_send_live_banner(snap_compare, app) -> None:
    async def live(pilot: Pilot[Any]) -> None:
        await pilot.press("f4")
        pilot.app.query_one("#target-live", RadioButton).value = True
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=live)
