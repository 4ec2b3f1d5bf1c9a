"""Interrupted replays resume without re-sending; exports carry no secrets."""

import asyncio
import json

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.config import load_settings
from signaltui.mock import create_app, get_mock_state
from signaltui.recordings import iter_exchanges
from signaltui.replay import ReplayOptions, run_send
from signaltui.service import DeliverySession
from signaltui.store import Store
from signaltui.targets import Target
from tests.helpers import FIXTURES, ROOT


def _close_recording(path, count):
    template = next(e for _, e in iter_exchanges(ROOT / "recordings" / "close.jsonl") if e.request)
    with path.open("w") as handle:
        for index in range(count):
            exchange = template.model_copy(update={"id": f"exchange-{index}"})
            handle.write(exchange.model_dump_json() + "\n")


class Interrupt(BaseException):
    """Stands in for Ctrl-C arriving mid-replay."""


def _journal_posts(app):
    journal = get_mock_state(app).journal
    return [r for r in journal.entries() if r["method"] == "POST"]


@pytest.mark.parametrize("stop_after", [1, 3])
def test_interrupted_send_replay_resumes_without_resending(tmp_path, stop_after):
    recording = tmp_path / "close.jsonl"
    _close_recording(recording, 5)
    settings = load_settings(db=tmp_path / "store.db")
    app = create_app()

    async def replay(on_result):
        with Store.open(settings.db) as store:
            async with DeliverySession(settings, Target("mock"), store=store, mock_app=app) as s:
                return await run_send([recording], s, ReplayOptions(concurrency=1), on_result)

    seen = []

    def stop_midway(result):
        seen.append(result.exchange_id)
        if len(seen) == stop_after:
            raise Interrupt

    with pytest.raises(Interrupt):
        asyncio.run(replay(stop_midway))
    assert len(_journal_posts(app)) == stop_after

    summary = asyncio.run(replay(lambda result: None))
    assert summary.resumed_skips == stop_after
    assert summary.counts["pass"] == 5 - stop_after
    # Each exchange reached the CRM exactly once across both runs.
    assert len(_journal_posts(app)) == 5
    with Store.open(settings.db) as store:
        rows = store.list_deliveries()
        assert sorted(r.exchange_key for r in rows) == [f"exchange-{i}" for i in range(5)]
        assert len({r.run_id for r in rows}) == 1
        assert store.get_run(rows[0].run_id).finished_at is not None

    # A finished run is not resumed: replaying again sends everything again.
    again = asyncio.run(replay(lambda result: None))
    assert again.resumed_skips == 0 and again.counts["pass"] == 5


def test_no_secret_survives_send_replay_and_export(isolated_signaltui_env, monkeypatch, tmp_path):
    secrets = {
        "SIGNALTUI_APOLLO_API_KEY": "apollo-key-SECRET-1",
        "SIGNALTUI_CLOSE_API_KEY": "api_close_SECRET_2",
        "SIGNALTUI_OUTREACH_CLIENT_ID": "client-id-SECRET-3",
        "SIGNALTUI_OUTREACH_CLIENT_SECRET": "client-secret-SECRET-4",
        "SIGNALTUI_OUTREACH_REFRESH_TOKEN": "refresh-SECRET-5",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    outputs = []
    for args in (
        [
            "send",
            str(FIXTURES / "events" / "demo-requested.json"),
            "--json",
            "--record",
            str(tmp_path / "sent.jsonl"),
        ],
        [
            "replay",
            str(tmp_path / "sent.jsonl"),
            "--mode",
            "send",
            "--json",
            str(tmp_path / "r.json"),
        ],
        ["recordings", "export", "-o", str(tmp_path / "export.jsonl")],
        ["events", "list", "--json"],
    ):
        result = runner.invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    exported = [json.loads(line) for line in (tmp_path / "export.jsonl").read_text().splitlines()]
    assert {e["outcome"] for e in exported} == {"delivered"} and len(exported) == 6
    blobs = [text.encode() for text in outputs]
    blobs += [p.read_bytes() for p in tmp_path.iterdir() if p.is_file()]
    blobs += [p.read_bytes() for p in isolated_signaltui_env.iterdir() if p.is_file()]
    for value in secrets.values():
        assert not any(value.encode() in blob for blob in blobs), value
