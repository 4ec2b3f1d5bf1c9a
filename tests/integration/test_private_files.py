"""Files holding lead PII are created private (0600): the store and its WAL/SHM files,
recordings written by ``send --record`` and ``recordings export``, and replay reports
(their differences quote request fields such as emails), and repro bundles."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.store import Store
from tests.helpers import track


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    # A permissive umask, so only the code's own modes can make the files private.
    previous = os.umask(0o002)
    yield
    os.umask(previous)


def test_a_new_store_and_its_wal_and_shm_are_private(tmp_path, open_umask):
    db = tmp_path / "store.db"
    with Store.open(db) as store:
        event = track()
        store.record_event(event, event)
        files = sorted(tmp_path.glob("store.db*"))
        assert [p.name for p in files] == ["store.db", "store.db-shm", "store.db-wal"]
        assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}


def test_recordings_and_exports_and_reports_are_private(tmp_path, open_umask):
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps(track()) + "\n")
    db = tmp_path / "store.db"
    runner = CliRunner()
    recorded = tmp_path / "recorded.jsonl"
    exported = tmp_path / "exported.jsonl"
    har = tmp_path / "exported.har"
    report, junit = tmp_path / "report.json", tmp_path / "report.xml"
    html, markdown = tmp_path / "report.html", tmp_path / "report.md"
    bundle = tmp_path / "delivery-1.zip"
    steps = [
        ["send", str(events), "-d", "close", "--record", str(recorded)],
        ["recordings", "export", "--output", str(exported)],
        ["recordings", "export", "--format", "har", "--output", str(har)],
        ["replay", str(recorded), "--json", str(report), "--junit", str(junit)],
        ["replay", str(recorded), "--html", str(html), "--markdown", str(markdown)],
        ["bundle", "delivery-1", "-o", str(bundle)],
    ]
    for args in steps:
        result = runner.invoke(main, ["--db", str(db), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    files = (recorded, exported, har, report, junit, html, markdown, bundle)
    written = {p.name: mode(p) for p in files}
    assert written == {name: 0o600 for name in written}
