"""Malformed recording lines: every problem is a RecordingError naming file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from signaltui.errors import RecordingError
from signaltui.recordings import Exchange, iter_exchanges

GOOD: dict[str, Any] = Exchange(
    id="g",
    recorded_at="2026-11-22T10:00:00Z",
    destination="apollo",
    target="mock",
    event={"type": "track"},
    decision={"action": "drop", "reason": "missing_email"},
    outcome="dropped",
    attempts=0,
).model_dump(mode="json")


def recording(tmp_path: Path, *lines: str, newline_at_end: bool = True) -> Path:
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(lines) + ("\n" if newline_at_end else ""))
    return path


def read_error(path: Path) -> RecordingError:
    with pytest.raises(RecordingError) as info:
        list(iter_exchanges(path))
    return info.value


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = recording(tmp_path, "", json.dumps(GOOD), "   ", json.dumps({**GOOD, "id": "h"}))
    assert [(n, e.id) for n, e in iter_exchanges(path)] == [(2, "g"), (4, "h")]


def test_last_line_without_newline_is_accepted_when_complete(tmp_path: Path) -> None:
    path = recording(tmp_path, json.dumps(GOOD), newline_at_end=False)
    assert [e.id for _, e in iter_exchanges(path)] == ["g"]


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    path = recording(tmp_path, json.dumps(GOOD), "{not json}", json.dumps(GOOD))
    error = read_error(path)
    assert error.where == f"{path}:2"
    assert "invalid JSON" in error.message and error.hint


def test_truncated_last_line_is_reported_as_truncated(tmp_path: Path) -> None:
    path = recording(tmp_path, json.dumps(GOOD), json.dumps(GOOD)[:40], newline_at_end=False)
    error = read_error(path)
    assert error.where == f"{path}:2"
    assert "truncated" in error.message
    assert "interrupted" in (error.hint or "")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("[1, 2]", "an array"), ('"x"', "a string"), ("3", "a number"), ("null", "null")],
)
def test_non_object_line(tmp_path: Path, text: str, kind: str) -> None:
    error = read_error(recording(tmp_path, json.dumps(GOOD), text))
    assert error.where == f"{tmp_path / 'r.jsonl'}:2"
    assert f"expected a JSON object, got {kind}" in error.message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"outcome": None}, "outcome"),
        ({"attempts": "1"}, "attempts"),
        ({"attempts": True}, "attempts"),
        ({"destination": "hubspot"}, "destination"),
        ({"decision": {"reason": None}}, "decision.action"),
        ({"response": {"status": "200"}}, "response.status"),
    ],
)
def test_missing_field_or_wrong_type_names_the_field(
    tmp_path: Path, change: dict, field: str
) -> None:
    line = {**GOOD, **change}
    line = {k: v for k, v in line.items() if v is not None}
    error = read_error(recording(tmp_path, json.dumps(line)))
    assert error.where == f"{tmp_path / 'r.jsonl'}:1"
    assert f"{field}:" in error.message


def test_invalid_utf8_is_an_error_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + b'{"id": "\xff"}\n')
    error = read_error(path)
    assert error.where == f"{path}:2" and "UTF-8" in error.message


def test_bom_on_first_line_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n")
    assert [e.id for _, e in iter_exchanges(path)] == ["g"]


def test_errors_list_collects_bad_lines_and_keeps_going(tmp_path: Path) -> None:
    path = recording(tmp_path, "oops", json.dumps(GOOD), "[]", json.dumps({**GOOD, "id": "h"}))
    errors: list[RecordingError] = []
    ids = [e.id for _, e in iter_exchanges(path, errors=errors)]
    assert ids == ["g", "h"]
    assert [e.where for e in errors] == [f"{path}:1", f"{path}:3"]


def test_error_renders_path_line_message_and_hint(tmp_path: Path) -> None:
    path = recording(tmp_path, "{")
    text = str(read_error(path))
    assert text.startswith(f"{path}:1: ") and "hint:" in text
