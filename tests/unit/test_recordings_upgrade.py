"""Format versions: version 0 upgrades to 1, steps chain in order, unknown versions fail."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from signaltui.errors import RecordingError
from signaltui.recordings import UPGRADES, iter_exchanges, supported_versions, upgrade

V0_LINE: dict[str, Any] = {
    "ts": "2025-06-01T09:00:00Z",
    "dest": "outreach",
    "event": {"type": "track", "event": "Demo Requested"},
    "action": "deliver",
    "reason": None,
    "request": {"method": "POST", "url": "http://127.0.0.1/api/v2/prospects", "body": {}},
    "response_status": 201,
    "response_body": {"data": {"id": 7}},
    "status": "sent",
}


def write_lines(path: Path, *lines: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_version_0_line_is_upgraded_to_version_1(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "old.jsonl",
        V0_LINE,
        {
            **V0_LINE,
            "version": 0,
            "id": "given",
            "status": "skipped",
            "request": None,
            "response_status": None,
        },
    )

    (_, first), (_, second) = iter_exchanges(path)

    assert (first.version, first.destination, first.target) == (1, "outreach", "mock")
    assert first.recorded_at == "2025-06-01T09:00:00Z"
    assert first.decision.action == "deliver"
    assert first.response is not None and first.response.status == 201
    assert first.response.body == {"data": {"id": 7}}
    assert (first.outcome, first.attempts) == ("delivered", 1)
    assert (second.id, second.outcome, second.attempts, second.response) == (
        "given",
        "dropped",
        0,
        None,
    )


def test_version_0_ids_are_deterministic(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "old.jsonl", V0_LINE)
    ids = {e.id for _ in range(2) for _, e in iter_exchanges(path)}
    assert len(ids) == 1 and ids.pop().startswith("v0-")


def test_steps_run_in_order_up_to_the_target(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
        seen.append(data["version"])
        return {**data, "version": 2, "outcome_v2": data["outcome"]}

    monkeypatch.setitem(UPGRADES, 1, v1_to_v2)

    result = upgrade(dict(V0_LINE), target=2)

    # v0 → v1 ran first (v1_to_v2 saw a version-1 dict with a v1 outcome), then v1 → v2.
    assert seen == [1]
    assert (result["version"], result["outcome_v2"]) == (2, "delivered")
    assert supported_versions(target=2) == [0, 1, 2]


def test_a_custom_registry_chains_every_step() -> None:
    calls: list[str] = []

    def step(n: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def run(data: dict[str, Any]) -> dict[str, Any]:
            calls.append(f"{n}->{n + 1}")
            return {**data, "version": n + 1}

        return run

    registry = {2: step(2), 0: step(0), 1: step(1)}
    out = upgrade({"format": "signaltui.recording", "version": 0}, registry=registry, target=3)
    assert calls == ["0->1", "1->2", "2->3"] and out["version"] == 3


@pytest.mark.parametrize("version", [2, 99, -1])
def test_unknown_version_names_file_line_and_supported_versions(
    tmp_path: Path, version: int
) -> None:
    path = write_lines(
        tmp_path / "new.jsonl",
        {"format": "signaltui.recording", "version": 1},
        {"format": "signaltui.recording", "version": version},
    )
    errors: list[RecordingError] = []
    list(iter_exchanges(path, errors=errors))

    bad = errors[-1]
    assert bad.where == f"{path}:2"
    assert f"unknown recording version {version}" in bad.message
    assert "supported versions: 0, 1" in bad.message
    assert str(path) in str(bad)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ({"format": "other.tool", "version": 1}, "not a signaltui recording line"),
        ({"format": "signaltui.recording", "version": "1"}, "must be an integer"),
        ({"format": "signaltui.recording"}, "must be an integer"),
        ({**V0_LINE, "status": ["sent"]}, "outcome"),
    ],
)
def test_bad_version_markers_are_clear_errors(tmp_path: Path, line: dict, expected: str) -> None:
    path = write_lines(tmp_path / "x.jsonl", line)
    with pytest.raises(RecordingError) as info:
        list(iter_exchanges(path))
    assert expected in info.value.message
    assert info.value.where == f"{path}:1"


def test_v0_errors_say_the_line_was_upgraded(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "x.jsonl", {"dest": "nowhere"})
    with pytest.raises(RecordingError, match="after upgrading from version 0"):
        list(iter_exchanges(path))
