"""The fault suite at a small size: every phase of ``benchmarks/bench_faults.py`` with 15
deliveries (5 per CRM), judged by the mock's own state and the store."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import ROOT


def _suite() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_faults", ROOT / "benchmarks" / "bench_faults.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("SIGNALTUI_")]:
        monkeypatch.delenv(name)
    (tmp_path / "empty.toml").write_text("")
    monkeypatch.setenv("SIGNALTUI_CONFIG", str(tmp_path / "empty.toml"))
    monkeypatch.setenv("SIGNALTUI_TOKEN_FILE", str(tmp_path / "token.json"))


def test_sixty_deliveries_under_every_fault_no_duplicate_none_lost_none_misclassified(
    tmp_path: Path,
) -> None:
    suite = _suite()
    phases = {f.name: f for f in suite.run_suite(60, tmp_path)}
    assert set(phases) == {"lost-response", "mixed", "limits", "token-expiry"}
    for figures in phases.values():
        assert figures.deliveries == 15
        assert (figures.duplicates, figures.lost, figures.wrong) == (0, 0, 0), figures.problems
        assert figures.outcomes == {"delivered": 15}, figures.problems
    # The faults really happened, and the client's answers to them are visible:
    lost = phases["lost-response"]
    assert lost.recovered == 15 and lost.lookups >= 15  # every create's answer was lost
    assert len(phases["mixed"].faults) >= 2, phases["mixed"].faults  # several kinds
    assert sum(phases["limits"].rate_limited.values()) > 0  # enforced windows were reached
    tokens = phases["token-expiry"]
    assert tokens.mints > 1 and tokens.mints_throttled > 0  # the mint throttle bit
