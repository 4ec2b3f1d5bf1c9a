"""Fixtures shared by the unit tests: a fresh preset cache (preset and compiled-code caches)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from signaltui.blueprints import compiled, loader


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder (made private by the cache itself), and no presets or
    compiled sets remembered in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("SIGNALTUI_CACHE_DIR", str(folder))
    loader.presets.cache_clear()
    compiled._by_settings.clear()
    yield folder
    loader.presets.cache_clear()
    compiled._by_settings.clear()
