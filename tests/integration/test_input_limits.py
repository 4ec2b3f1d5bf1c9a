"""Inputs that could never be stored or never end are refused with exit 2, before any send.

- events nested past the shared depth limit (preview and send; the store agrees);
- FIFOs and devices (preview, send, replay), standard input via ``-``;
- lines and files past their documented size caps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import httpx
import pytest
from click.testing import CliRunner

from signaltui import limits
from signaltui.cli import main
from signaltui.errors import InputError
from signaltui.mock import create_app
from signaltui.mock.server import serve_in_thread
from signaltui.store import Store
from tests.helpers import FIXTURES, track


def invoke(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def nested(levels: int) -> dict:
    """A track event whose ``properties`` make the whole event ``levels`` deep."""
    value: dict = {}
    for _ in range(levels - 2):  # the event object and properties are two levels
        value = {"a": value}
    return track(properties=value)


def test_the_limit_is_below_what_pydantic_can_serialise():
    assert limits.MAX_JSON_DEPTH < 255


@pytest.mark.parametrize("levels", [300, limits.MAX_JSON_DEPTH + 1])
def test_preview_refuses_an_event_past_the_depth_limit(tmp_path, levels):
    path = tmp_path / "deep.jsonl"
    path.write_text(json.dumps(nested(levels)) + "\n")
    result = invoke("preview", str(path), "--json")
    assert result.exit_code == 2
    assert f"nested more than {limits.MAX_JSON_DEPTH} levels" in result.output
    assert f"{path}:1" in result.output


def test_an_event_at_the_limit_is_previewed(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(nested(limits.MAX_JSON_DEPTH)))
    assert invoke("preview", str(path), "-d", "close", "--json").exit_code == 0


def test_send_refuses_a_too_deep_event_before_anything_is_sent(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(track()) + "\n" + json.dumps(nested(300)) + "\n")
    db = tmp_path / "store.db"
    with serve_in_thread(create_app()) as url:
        result = invoke("--db", str(db), "send", str(path), "-d", "close", "--target", url)
        journal = httpx.get(f"{url}/__mock/requests").json()
    assert result.exit_code == 2
    assert f"{path}:2" in result.output and "Traceback" not in result.output
    assert journal["count"] == 0
    assert not db.exists() or Store.open(db).list_events() == []


def test_the_store_refuses_what_the_reader_refuses():
    deep = nested(limits.MAX_JSON_DEPTH + 1)
    with Store.memory() as store, pytest.raises(InputError, match="nested more than"):
        store.record_event(deep, deep)
    ok = nested(limits.MAX_JSON_DEPTH)
    with Store.memory() as store:
        assert store.get_event(store.record_event(ok, ok)).id == 1


# -- what never ends ---------------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path):
    """A named pipe; a helper thread unblocks a reader after a while so a regression
    fails (empty input, not "named pipe") instead of hanging the suite."""
    path = tmp_path / "events.fifo"
    os.mkfifo(path)
    done = threading.Event()

    def unblock() -> None:
        if not done.wait(5):
            with open(path, "wb"):
                pass

    thread = threading.Thread(target=unblock, daemon=True)
    thread.start()
    yield path
    done.set()
    thread.join()


@pytest.mark.parametrize("command", [["preview"], ["send", "-d", "close"], ["replay"]])
def test_a_fifo_is_refused_at_once(fifo, command):
    result = invoke(*command, str(fifo))
    assert result.exit_code == 2
    assert "named pipe (FIFO)" in result.output


def _capped_run(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a child whose memory is capped at 1.5 GiB, so a reader that buffers an
    endless device fails quickly (MemoryError) instead of filling the machine."""
    import resource

    def cap() -> None:
        limit = 1536 * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "signaltui", *args],
        capture_output=True, text=True, timeout=60, preexec_fn=cap, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("command", [["preview"], ["replay"]])
def test_dev_zero_is_refused(command):
    started = time.monotonic()
    result = _capped_run(*command, "/dev/zero")
    assert result.returncode == 2, result.stderr[-1000:]
    assert "character device" in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 60


def test_preview_reads_standard_input():
    text = (FIXTURES / "events" / "demo-requested.json").read_text()
    result = invoke("preview", "-", "-d", "close", "--json", input=text)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[0])["action"] == "deliver"


def test_send_reads_standard_input(tmp_path):
    text = (FIXTURES / "events" / "demo-requested.json").read_text()
    result = invoke("--db", str(tmp_path / "s.db"), "send", "-", "-d", "close", input=text)
    assert result.exit_code == 0, result.output
    with Store.open(tmp_path / "s.db") as store:
        assert len(store.list_deliveries()) == 1


def test_standard_input_past_the_file_cap_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 1000)
    result = invoke("preview", "-", input=" " * 2000)
    assert result.exit_code == 2
    assert "standard input is larger than 1000 bytes" in result.output


def test_an_event_file_past_the_file_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 1000)
    path = tmp_path / "big.jsonl"
    path.write_text((json.dumps(track()) + "\n") * 10)
    result = invoke("preview", str(path))
    assert result.exit_code == 2 and "larger than 1000 bytes" in result.output


def test_an_event_line_past_the_line_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 2048)
    path = tmp_path / "long.jsonl"
    long_event = track(properties={"note": "x" * 4000})
    path.write_text(json.dumps(track()) + "\n" + json.dumps(long_event) + "\n")
    result = invoke("preview", str(path))
    assert result.exit_code == 2
    assert f"{path}:2" in result.output and "longer than 2 KiB" in result.output


def test_a_recording_line_past_the_line_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 2048)
    path = tmp_path / "long.jsonl"
    path.write_bytes(b"{" + b" " * 5000 + b"}\n")
    result = invoke("replay", str(path))
    assert result.exit_code == 2
    assert f"{path}:1" in result.output and "longer than 2 KiB" in result.output


def test_a_folder_of_recordings_still_replays(tmp_path):
    # Folders still expand to their *.jsonl files; only non-regular files are refused.
    folder = tmp_path / "recs"
    folder.mkdir()
    (folder / "one.jsonl").write_text((FIXTURES.parent / "recordings" / "close.jsonl").read_text())
    assert invoke("replay", str(folder)).exit_code == 0


@pytest.mark.parametrize("levels", [300, limits.MAX_JSON_DEPTH + 1])
def test_replay_refuses_a_recorded_event_past_the_depth_limit(tmp_path, levels):
    recorded = (FIXTURES.parent / "recordings" / "close.jsonl").read_text().splitlines()
    exchange = json.loads(recorded[0])
    exchange["event"] = {**exchange["event"], "properties": nested(levels)["properties"]}
    path = tmp_path / "deep.jsonl"
    path.write_text(recorded[0] + "\n" + json.dumps(exchange) + "\n")
    for mode in ("verify", "send"):
        result = invoke("--db", str(tmp_path / "s.db"), "replay", str(path), "--mode", mode)
        assert result.exit_code == 2, result.output
        assert f"{path}:2" in result.output
        assert f"nested more than {limits.MAX_JSON_DEPTH} levels" in result.output
