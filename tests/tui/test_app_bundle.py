"""History: ctrl+b writes the selected delivery as a repro bundle in the current folder."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from textual.widgets import DataTable

from signaltui.store import Store
from tests.integration.test_deferred import PAST, _store_deferred
from tests.tui.conftest import wait_until


async def test_ctrl_b_in_history_bundles_the_selected_delivery(
    make_app, settings, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with Store.open(settings.db) as store:
        first = _store_deferred(store, "mock", PAST)
        second = _store_deferred(store, "mock", PAST)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        history = app.query_one("#history-table", DataTable)
        await wait_until(pilot, lambda: history.row_count == 2)
        history.focus()
        await pilot.press("down")  # newest first: the second row is the first delivery
        await pilot.press("ctrl+b")
        path = tmp_path / f"delivery-{first}.zip"
        await wait_until(pilot, path.exists)
        messages = [n.message for n in app._notifications]
        assert any(f"Wrote {path}" in m for m in messages), messages
    assert not (tmp_path / f"delivery-{second}.zip").exists()
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        verdict = json.loads(archive.read("verdict.json"))
    assert manifest["delivery"] == f"delivery-{first}"
    assert verdict["outcome"] == "deferred"
    assert "jane.doe@acme.com" not in archive_text(path).lower()


def archive_text(path: Path) -> str:
    """Every file of the zip, as one JSON string (for a look for raw PII)."""
    with zipfile.ZipFile(path) as archive:
        return json.dumps({n: archive.read(n).decode() for n in archive.namelist()})


async def test_ctrl_b_with_an_empty_history_says_what_to_do(make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        app.query_one("#history-table", DataTable).focus()
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: bool(app._notifications))
        assert any("Select a delivery" in n.message for n in app._notifications)
    assert list(tmp_path.glob("*.zip")) == []
