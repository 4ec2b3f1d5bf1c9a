"""Every test runs with a clean signaltui environment: no user config, no real store."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def isolated_signaltui_env(tmp_path_factory, monkeypatch):
    """Drop SIGNALTUI_* variables and point config, store and token cache at a temp dir."""
    for name in list(os.environ):
        if name.startswith("SIGNALTUI_"):
            monkeypatch.delenv(name)
    # On GitHub Actions every replay run by a test would append to the job's summary.
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    home = tmp_path_factory.mktemp("signaltui-home")
    config = home / "config.toml"
    config.write_text("")
    monkeypatch.setenv("SIGNALTUI_CONFIG", str(config))
    monkeypatch.setenv("SIGNALTUI_DB", str(home / "store.db"))
    monkeypatch.setenv("SIGNALTUI_TOKEN_FILE", str(home / "outreach-token.json"))
    monkeypatch.setenv("SIGNALTUI_CACHE_DIR", str(home / "cache"))  # never the user's
    return home
