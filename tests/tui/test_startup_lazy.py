"""Start-up: the first screen waits for neither HTTP, the mocks nor SQLite."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from signaltui.config import load_settings
from signaltui.tui.app import SignalApp
from tests.tui.conftest import wait_until


def test_importing_the_app_loads_no_http_mock_or_sqlite_modules() -> None:
    code = (
        "import json, sys\n"
        "import signaltui.tui.app\n"
        "heavy = {'httpx', 'starlette', 'uvicorn', 'sqlite3', '_sqlite3', 'sqlite_utils'}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


async def test_the_store_opens_just_after_the_first_screen(
    make_app: Callable[..., SignalApp],
) -> None:
    app = make_app()
    assert app._store is None  # not opened while the app is built
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await wait_until(pilot, lambda: app._store is not None)
        assert app.store is app._store


async def test_a_store_that_cannot_be_opened_is_still_reported_on_start(
    make_app: Callable[..., SignalApp], tmp_path: Path
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    app = make_app(settings=load_settings(db=folder, token_file=tmp_path / "t.json"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()

        def messages() -> list[Any]:
            return [n.message for n in app._notifications]

        await wait_until(pilot, lambda: any("History is off" in m for m in messages()))
        assert any("folder" in m for m in messages()), messages()
        assert app.store is None


async def test_mock_app_and_sessions_are_made_on_first_use(
    make_app: Callable[..., SignalApp],
) -> None:
    app = make_app()
    assert app._mock_app is None and app._sessions is None
    assert app.sessions.mock_app is app.mock_app  # one in-process mock for the session
