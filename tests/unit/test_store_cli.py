"""``signaltui events list|show|search`` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from signaltui.delivery.outcomes import Outcome
from signaltui.store import Store
from signaltui.store.cli import events
from signaltui.store.samples import sample_event, sample_result, stamp


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    with Store.open(path) as store:
        jane = sample_event("Jane", "O'Brien", "jane@acme.com", "Acme Inc")
        bob = sample_event("Bob", "Stone", "bob@beta.io", "Beta", event="Signed Up")
        cases: list[tuple[dict[str, Any], Outcome]] = [(jane, "delivered"), (bob, "rejected")]
        for n, (event, outcome) in enumerate(cases):
            event_id = store.record_event(event, event, stamp(n * 60))
            result = sample_result("close", outcome, attempts=2, started=n * 60)
            decision = {"action": "deliver", "reason": None, "warnings": ["title too long"]}
            store.record_delivery(event_id, decision, result, mode="send")
    return path


def _run(db_path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(events, list(args), obj={"db": str(db_path)})
    return result.exit_code, result.stdout, result.stderr


def test_list_table(db_path: Path) -> None:
    code, out, _ = _run(db_path, "list")
    assert code == 0
    header, first, second = out.splitlines()
    assert header.split() == [
        "ID", "CREATED", "DESTINATION", "TARGET", "OUTCOME", "HTTP", "TRIES", "EVENT", "EMAIL",
    ]  # fmt: skip
    assert first.split()[:2] == ["2", "2026-11-22"] and "bob@beta.io" in first
    assert "rejected" in first and "422" in first
    assert first.index("bob@beta.io") == second.index("jane@acme.com")  # aligned columns


def test_list_json_lines_with_filters(db_path: Path) -> None:
    code, out, _ = _run(db_path, "list", "--outcome", "delivered", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [(r["id"], r["email"], r["outcome"], r["attempt_count"]) for r in rows] == [
        (1, "jane@acme.com", "delivered", 2)
    ]
    _, out, _ = _run(db_path, "list", "--json", "--since", "2026-11-22T10:00:30Z")
    assert [json.loads(line)["email"] for line in out.splitlines()] == ["bob@beta.io"]
    _, out, _ = _run(db_path, "list", "--json", "--event", "Signed Up", "--limit", "1")
    assert len(out.splitlines()) == 1


def test_list_nothing_and_bad_input(db_path: Path) -> None:
    code, out, err = _run(db_path, "list", "--email", "nobody@x.io")
    assert (code, out) == (0, "")
    assert "No deliveries match" in err
    code, _, err = _run(db_path, "list", "--since", "last tuesday")
    assert code == 2
    assert "not an ISO 8601" in err and "Traceback" not in err
    code, _, _ = _run(db_path, "list", "--outcome", "great")
    assert code == 2  # click's own choice check


def test_show_human_and_json(db_path: Path) -> None:
    code, out, _ = _run(db_path, "show", "1")
    assert code == 0
    assert "Delivery 1: close -> mock (send)" in out
    assert "Jane O'Brien <jane@acme.com>, Acme Inc" in out
    assert "warning    title too long" in out
    assert "1. 2026-11-22T10:00:00.000Z  503, then waited 0.5s" in out

    code, out, _ = _run(db_path, "show", "1", "--json")
    detail = json.loads(out)
    assert code == 0
    assert detail["id"] == 1 and detail["event_row"]["email"] == "jane@acme.com"
    assert [a["response"]["status"] for a in detail["attempts"]] == [503, 200]


def test_show_unknown_or_bad_id_exits_2(db_path: Path) -> None:
    code, _, err = _run(db_path, "show", "42")
    assert code == 2
    assert "no delivery with id 42" in err and "events list" in err
    code, _, _ = _run(db_path, "show", "forty-two")
    assert code == 2


def test_search(db_path: Path) -> None:
    code, out, _ = _run(db_path, "search", "O'Brien", "--json")
    assert code == 0
    assert [json.loads(line)["email"] for line in out.splitlines()] == ["jane@acme.com"]
    code, out, _ = _run(db_path, "search", "beta")
    assert code == 0 and "bob@beta.io" in out and "jane@acme.com" not in out


def test_store_path_from_settings_when_no_obj(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNALTUI_DB", str(db_path))
    monkeypatch.setenv("SIGNALTUI_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    result = CliRunner().invoke(events, ["list", "--json"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2


def test_bad_store_file_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 500)
    code, _, err = _run(junk, "list")
    assert code == 2
    assert "not a readable SQLite database" in err and str(junk) in err


def test_store_path_from_an_app_context_object(db_path: Path) -> None:
    class FakeSettings:
        db = db_path

    class FakeAppContext:
        """Shaped like the top-level group's context object (settings() -> Settings)."""

        def settings(self) -> FakeSettings:
            return FakeSettings()

    result = CliRunner().invoke(events, ["list", "--json"], obj=FakeAppContext())
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2
