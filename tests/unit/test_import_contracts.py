"""The layering rules in pyproject.toml hold, and they forbid what docs/architecture.md says.

``lint-imports`` is what CI runs; running it here too means a layering break fails the
test suite a developer runs, not only CI.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["name"]: contract for contract in config["contracts"]}


def test_contracts_forbid_what_the_architecture_promises():
    contracts = _contracts().values()
    by_source = {tuple(c["source_modules"]): set(c["forbidden_modules"]) for c in contracts}
    assert by_source[("signaltui.core",)] >= {
        "textual", "httpx", "sqlite3", "sqlite_utils", "starlette", "uvicorn"
    }  # fmt: skip
    assert by_source[("signaltui.tui",)] >= {"signaltui.store", "signaltui.delivery"}
    assert by_source[("signaltui.mock",)] >= {"signaltui.delivery"}


def test_lint_imports_keeps_every_contract():
    command = Path(sys.executable).with_name("lint-imports")
    if not command.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    done = subprocess.run([command], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert f"{len(_contracts())} kept, 0 broken" in done.stdout
