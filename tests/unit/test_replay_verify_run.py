"""run_verify reads the mapping config once per run, not once per exchange, and only when
an exchange needs it (a bad blueprint file still fails only a run that re-maps)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from signaltui.config import Settings, load_settings
from signaltui.errors import SignaltuiError
from signaltui.replay import ReplayOptions, run_verify
from tests.helpers import ROOT

RECORDINGS = sorted((ROOT / "recordings").glob("*.jsonl"))


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    reads = [0]
    real = Settings.mapping_config

    def counted(self: Settings):  # type: ignore[no-untyped-def]
        reads[0] += 1
        return real.fget(self)  # type: ignore[attr-defined]

    monkeypatch.setattr(Settings, "mapping_config", property(counted))
    return reads


def test_the_mapping_config_is_read_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _counting(monkeypatch)
    results = []
    summary = run_verify(RECORDINGS, load_settings(), ReplayOptions(), results.append)
    assert summary.counts["pass"] == len(results) > 3
    assert reads[0] == 1


def test_a_run_without_events_never_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blueprint = tmp_path / "bad.yaml"
    blueprint.write_text("version: 1\ndestination: nowhere\n")
    settings = load_settings(blueprints=[blueprint])
    with pytest.raises(SignaltuiError):
        run_verify(RECORDINGS, settings, ReplayOptions(), lambda result: None)
    captured = tmp_path / "captured.jsonl"  # traffic without events, as a HAR import gives
    lines = RECORDINGS[0].read_text(encoding="utf-8").splitlines()[:2]
    captured.write_text(
        "".join(json.dumps({**json.loads(line), "event": {}}) + "\n" for line in lines)
    )
    reads = _counting(monkeypatch)
    summary = run_verify([captured], settings, ReplayOptions(), lambda result: None)
    assert summary.no_event == summary.counts["skip"] == 2 and reads[0] == 0
