"""Blueprints as data changed nothing: today's preview JSON equals the pre-blueprint goldens.

The goldens in tests/data/preview-golden were captured before the mapping became YAML
(``generate.py`` there). Each line must come out byte for byte the same, except that a
trace row may carry one new key, ``at``, naming the blueprint rule (``presets/close.yaml:23``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from signaltui.cli import main

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "preview-golden"
sys.path.insert(0, str(GOLDEN))
import generate  # noqa: E402  (the script that captured the goldens names the cases)

sys.path.remove(str(GOLDEN))

CASES = generate.cases()


def _without_at(line: str) -> tuple[str, list[str]]:
    """``line`` re-encoded with each trace row's ``at`` removed, and the ``at`` values."""
    data = json.loads(line)
    ats = []
    for row in data["trace"]:
        extra = set(row) - {"field", "source", "rule", "omitted"}
        assert extra <= {"at"}, f"unexpected trace keys {extra}"
        if "at" in row:
            assert list(row)[-1] == "at", "at must come after the existing keys"
            ats.append(row.pop("at"))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")), ats


def test_there_are_goldens_for_every_fixture_and_destination():
    fixtures = list(generate.EVENTS.iterdir())
    assert len(CASES) == len(fixtures) * 4 + 6
    for name, *_ in CASES:
        assert (GOLDEN / name).stat().st_size > 0


@pytest.mark.parametrize(
    ("name", "fixture", "destination", "config"), CASES, ids=[case[0] for case in CASES]
)
def test_preview_json_is_the_golden_plus_at(name, fixture, destination, config, monkeypatch):
    monkeypatch.setenv("SIGNALTUI_CONFIG", str(config or GOLDEN / "empty.toml"))
    result = CliRunner().invoke(
        main, ["preview", str(fixture), "-d", destination, "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    golden = (GOLDEN / name).read_text(encoding="utf-8").splitlines()
    now = result.output.splitlines()
    assert len(now) == len(golden)
    for index, (line, expected) in enumerate(zip(now, golden, strict=True)):
        # The golden re-encodes to itself, so comparing re-encoded text compares bytes.
        assert _without_at(expected)[0] == expected
        stripped, ats = _without_at(line)
        assert stripped == expected, f"{name} line {index + 1}"
        for at in ats:
            assert at.startswith((f"presets/{destination}.yaml:", "config: mapping.")), at
