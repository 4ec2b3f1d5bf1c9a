"""Bad input everywhere a user can give it: exit 2, a message that helps, no traceback,
and no stored byte or row changed.

The cases (``bad_input_cases.CASES``) cover event files for ``preview`` and ``send``,
recordings for ``replay`` in both modes, broken or foreign stores for every command that
opens one, and invalid configuration from the file and the environment. Each runs through
the click group in process (an uncaught exception would be the traceback a user sees); a
few also run as ``python -m signaltui`` to prove the console entry point behaves the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from signaltui.cli import main
from tests.helpers import ROOT
from tests.integration.bad_input_cases import (
    CASES,
    GOOD_EVENT,
    STORE_COMMANDS,
    Scenario,
    recording_line,
)


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding one real delivery, made by the CLI itself."""
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    result = CliRunner().invoke(main, ["--db", str(path), "send", str(GOOD_EVENT)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def store(seeded_store: Path, tmp_path: Path) -> Path:
    """A private single-file copy of the seeded store (the backup API folds in the WAL)."""
    copy = tmp_path / "store" / "signaltui.db"
    copy.parent.mkdir()
    source, target = sqlite3.connect(seeded_store), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return copy


def fingerprint(path: Path) -> set[str]:
    """The store's rows (a logical dump) when it is SQLite, else a hash of its raw bytes."""
    if not path.is_file():
        return {"absent" if not path.exists() else "directory"}
    raw = path.read_bytes()
    if not raw.startswith(b"SQLite format 3\x00"):
        return {hashlib.sha256(raw).hexdigest()}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        # FTS shadow tables are a derived index whose pages shift on any insert.
        rows = (line for line in conn.iterdump() if "_fts_" not in line)
        return {f"user_version {version}", *rows}
    finally:
        conn.close()


def assert_unchanged(before: set[str], after: set[str], may_grow: tuple[str, ...] = ()) -> None:
    """Nothing lost or changed; new rows only in ``may_grow`` tables (``*``: any table)."""
    assert before <= after, f"rows lost or changed: {sorted(before - after)[:5]}"
    prefixes = (
        ("INSERT INTO ",) if "*" in may_grow else tuple(f'INSERT INTO "{t}"' for t in may_grow)
    )
    added = [line for line in after - before if not (prefixes and line.startswith(prefixes))]
    assert not added, f"rows added: {added[:5]}"


def assert_clear_failure(result: Result, expect: list[str]) -> None:
    """Exit 2, only SystemExit, and stderr that says what, where and what to do."""
    detail = (
        f"exit {result.exit_code}\nstdout: {result.stdout[-2000:]}\nstderr: {result.stderr[-2000:]}"
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}\n{detail}") from result.exception
    assert result.exit_code == 2, detail
    assert "Traceback" not in result.output, detail
    stderr = result.stderr
    assert stderr.strip(), detail
    for text in expect:
        assert text in stderr, f"{text!r} not in stderr\n{detail}"
    # What to do: our errors carry a hint; click's usage errors point at --help.
    assert "hint:" in stderr or "--help" in stderr or "-h' for help" in stderr, detail


def invoke(scenario: Scenario, monkeypatch: pytest.MonkeyPatch) -> Result:
    for name, value in scenario.env.items():
        monkeypatch.setenv(name, value)
    return CliRunner().invoke(main, scenario.args)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_exits_2_with_a_clear_message(name, tmp_path, store, monkeypatch):
    scenario = CASES[name](tmp_path, store)
    before = fingerprint(scenario.db) if scenario.db else None
    result = invoke(scenario, monkeypatch)
    assert_clear_failure(result, scenario.expect)
    if scenario.db is not None:
        assert_unchanged(before, fingerprint(scenario.db), scenario.may_grow)


def test_locked_store_exits_2_and_keeps_its_rows(tmp_path, store):
    """Another connection holds BEGIN EXCLUSIVE: send waits its busy timeout (5 s), then
    says the store is locked, and every row is still there once the lock is gone."""
    before = fingerprint(store)
    holder = sqlite3.connect(store, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = CliRunner().invoke(main, ["--db", str(store), *STORE_COMMANDS["send"](tmp_path)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_clear_failure(result, [str(store), "locked"])
    assert_unchanged(before, fingerprint(store))


@pytest.mark.parametrize(
    ("traits", "warning"),
    [
        ({"email": 12345, "firstName": "A", "lastName": "B"}, "email '12345' is not a valid"),
        ({"email": "a@b.co", "phone": True, "firstName": ["A"], "lastName": "B"}, "first_name"),
    ],
)
def test_wrong_trait_types_are_tolerated_with_a_warning(traits, warning, tmp_path):
    """A trait of the wrong type is not bad input: it is left out, and preview says so."""
    event = {"type": "track", "event": "Signed Up", "traits": traits}
    event["context"] = {"consent": {"marketing": True}}
    path = tmp_path / "e.json"
    path.write_text(json.dumps(event))
    result = CliRunner().invoke(main, ["preview", str(path), "-d", "apollo", "--json"])
    assert result.exit_code == 0, result.output
    assert warning in " ".join(json.loads(result.stdout)["warnings"])


@pytest.mark.parametrize("mode", ["verify", "send"])
def test_recorded_event_that_is_not_an_event_fails_that_exchange(mode, tmp_path, store):
    """Replay reports it as an errored exchange (exit 1), naming file, line and field."""
    path = tmp_path / "bad.jsonl"
    path.write_text(recording_line(event={"type": "page"}) + "\n")
    before = fingerprint(store)
    result = CliRunner().invoke(main, ["--db", str(store), "replay", str(path), "--mode", mode])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{path}:1" in result.stdout and "not a valid event" in result.stdout
    if mode == "verify":
        assert_unchanged(before, fingerprint(store))


def test_huge_field_is_carried_whole_without_a_crash(tmp_path):
    """A 5 MB name is valid JSON: preview plans it in full (the CRM may refuse it later)."""
    name = "N" * 5_000_000
    path = tmp_path / "big.json"
    path.write_text(
        '{"type": "track", "event": "Signed Up", "context": {"consent": {"marketing": true}},'
        f' "traits": {{"firstName": "{name}", "lastName": "Doe", "email": "a@b.co"}}}}'
    )
    result = CliRunner().invoke(main, ["preview", str(path), "-d", "apollo", "--json"])
    assert result.exit_code == 0
    assert f'"first_name":"{name}"' in result.stdout


def test_utf8_bom_event_file_is_read(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_EVENT.read_bytes())
    result = CliRunner().invoke(main, ["preview", str(path), "--json"])
    assert result.exit_code == 0, result.output
    # Read as the same event: the same decisions as the file without the BOM.
    plain = CliRunner().invoke(main, ["preview", str(GOOD_EVENT), "--json"])
    assert plain.exit_code == 0, plain.output
    assert result.stdout == plain.stdout


@pytest.mark.parametrize("name", ["send-malformed-jsonl", "replay-verify-truncated-last-line"])
def test_console_entry_point_prints_no_traceback(name, tmp_path, store):
    scenario = CASES[name](tmp_path, store)
    env = {**os.environ, **scenario.env}
    result = subprocess.run(
        [sys.executable, "-m", "signaltui", *scenario.args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert all(text in result.stderr for text in scenario.expect), result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_unreadable_store_file_exits_2(tmp_path, store):
    before = fingerprint(store)
    store.chmod(0)
    try:
        result = CliRunner().invoke(main, ["--db", str(store), "events", "list"])
    finally:
        store.chmod(0o644)
    assert_clear_failure(result, [str(store)])
    assert_unchanged(before, fingerprint(store))


def test_db_option_beats_the_environment(tmp_path, monkeypatch):
    """--db names the store even when SIGNALTUI_DB is set (it used to lose to it)."""
    from_env, from_flag = tmp_path / "env.db", tmp_path / "flag.db"
    monkeypatch.setenv("SIGNALTUI_DB", str(from_env))
    result = CliRunner().invoke(main, ["--db", str(from_flag), "send", str(GOOD_EVENT)])
    assert result.exit_code == 0, result.output
    assert from_flag.exists() and not from_env.exists()
