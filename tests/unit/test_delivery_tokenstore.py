"""The Outreach token file: atomic, private, versioned, and clear when it is broken."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from signaltui.delivery.tokenstore import FileTokenStore, StoredToken, seed_fingerprint
from signaltui.errors import DeliveryError

OUTREACH = "https://api.outreach.io"


def test_round_trip_per_base_url_with_private_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "tokens.json"
    store = FileTokenStore(path)
    assert store.load(OUTREACH) is None  # no file yet
    live = StoredToken(seed="s1", refresh_token="r-live", access_token="a", expires_at=5.0)
    mock = StoredToken(seed="s1", refresh_token="r-mock")
    store.save(OUTREACH, live)
    store.save("http://127.0.0.1:8765", mock)
    again = FileTokenStore(path)
    assert again.load(OUTREACH) == live
    assert again.load("http://127.0.0.1:8765") == mock
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_fingerprint_is_one_way_and_changes_with_either_part() -> None:
    seed = seed_fingerprint("client", "refresh-secret")
    assert "refresh-secret" not in seed
    assert seed != seed_fingerprint("client", "refresh-other")
    assert seed != seed_fingerprint("other-client", "refresh-secret")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else"}', "not a signaltui token file"),
        ('{"format": "signaltui.outreach-tokens", "version": 99, "tokens": {}}', "version 99"),
    ],
)
def test_broken_file_is_a_clear_error(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "tokens.json"
    path.write_text(content)
    with pytest.raises(DeliveryError, match=needle) as info:
        FileTokenStore(path).load(OUTREACH)
    assert info.value.hint is not None and "delete it" in info.value.hint


def test_failed_write_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tokens.json"
    store = FileTokenStore(path)
    store.save(OUTREACH, StoredToken(seed="s", refresh_token="old"))
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(DeliveryError, match="cannot save the Outreach token file"):
        store.save(OUTREACH, StoredToken(seed="s", refresh_token="new"))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["tokens.json"]
