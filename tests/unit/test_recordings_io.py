"""Writing and reading recordings: round trip, whole lines only, folders, constant memory."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from signaltui.delivery.outcomes import DeliveryResult, RecordedRequest, RecordedResponse
from signaltui.errors import InputError
from signaltui.recordings import (
    Exchange,
    RecordingWriter,
    exchange_from_result,
    exchange_key,
    iter_exchanges,
    iter_paths,
    new_exchange_id,
)


def sample(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "ex-1",
        "recorded_at": "2026-11-22T10:00:01.000Z",
        "destination": "close",
        "target": "mock",
        "event": {"type": "track", "event": "Demo Requested", "traits": {"email": "j@acme.com"}},
        "decision": {"action": "deliver", "reason": None, "warnings": ["w"], "trace": []},
        "request": {
            "method": "POST",
            "url": "http://127.0.0.1:9/api/v1/lead/",
            "headers": {"Content-Type": "application/json"},
            "body": {"name": "Acme Inc", "contacts": [{"name": "Jane Doe"}]},
        },
        "response": {"status": 200, "headers": {"x-rate": "1"}, "body": {"id": "lead_1"}},
        "outcome": "delivered",
        "attempts": 1,
        "hint": "extra optional field",
    }
    data.update(changes)
    return data


def test_write_then_read_gives_equal_exchanges(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    originals = [
        Exchange.model_validate(sample()),
        Exchange.model_validate(
            sample(
                id="ex-2",
                request=None,
                response=None,
                outcome="dropped",
                attempts=0,
                decision={"action": "drop", "reason": "consent_not_granted"},
            )
        ),
    ]
    with RecordingWriter(path) as writer:
        for exchange in originals:
            writer.write(exchange)
    assert writer.count == 2

    read = list(iter_exchanges(path))

    assert [n for n, _ in read] == [1, 2]
    assert [e for _, e in read] == originals
    first = json.loads(path.read_text().splitlines()[0])
    assert (first["format"], first["version"]) == ("signaltui.recording", 1)


def test_unknown_extra_keys_survive_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    with RecordingWriter(path) as writer:
        writer.write(sample(replay_of="ex-0"))
    ((_, exchange),) = iter_exchanges(path)
    assert exchange.model_extra == {"replay_of": "ex-0"}
    assert exchange.hint == "extra optional field"


def test_append_mode_adds_to_an_existing_file_and_heals_a_partial_line(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    with RecordingWriter(path) as writer:
        writer.write(sample(id="a"))
    with path.open("ab") as f:  # an earlier writer died mid-line
        f.write(b'{"format": "signaltui.rec')
    with RecordingWriter(path) as writer:
        writer.write(sample(id="b"))

    errors: list = []
    ids = [e.id for _, e in iter_exchanges(path, errors=errors)]

    assert ids == ["a", "b"]
    assert len(errors) == 1 and errors[0].where == f"{path}:2"


def test_each_line_is_flushed_as_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    with RecordingWriter(path) as writer:
        writer.write(sample(id="a"))
        # Still inside the block: the line must already be on disk, whole.
        assert [e.id for _, e in iter_exchanges(path)] == ["a"]


def test_atomic_export_replaces_only_on_success(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    with RecordingWriter(path, atomic=True) as writer:
        writer.write(sample(id="old"))
    with pytest.raises(KeyboardInterrupt), RecordingWriter(path, atomic=True) as writer:
        writer.write(sample(id="new"))
        raise KeyboardInterrupt

    assert [e.id for _, e in iter_exchanges(path)] == ["old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.jsonl"]


def test_exchange_from_result_and_keys() -> None:
    result = DeliveryResult(
        destination="apollo",
        target="mock",
        outcome="rejected",
        hint="check the key",
        request=RecordedRequest(method="POST", url="http://127.0.0.1/api/v1/contacts", body={}),
        response=RecordedResponse(status=422, body={"error": "bad"}),
    )
    exchange = exchange_from_result(
        result,
        event={"type": "track"},
        decision={"action": "deliver", "reason": None, "destination": "apollo"},
        exchange_id="k1",
    )
    assert exchange.response is not None
    assert (exchange.outcome, exchange.hint, exchange.response.status) == (
        "rejected",
        "check the key",
        422,
    )
    assert exchange_key(exchange) == "k1" == exchange_key(exchange.model_dump())
    assert exchange.recorded_at.endswith("Z")
    assert new_exchange_id() != new_exchange_id()


def test_folders_yield_jsonl_files_recursively_in_sorted_order(tmp_path: Path) -> None:
    for name in ["b.jsonl", "a/z.jsonl", "a/b/c.jsonl", "c.txt", "A.jsonl"]:
        (tmp_path / "rec" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "rec" / name).write_text("")
    single = tmp_path / "single.log"
    single.write_text("")

    found = list(iter_paths([single, tmp_path / "rec", tmp_path / "rec" / "b.jsonl"]))

    rel = [p.relative_to(tmp_path).as_posix() for p in found]
    assert rel == ["single.log", "rec/A.jsonl", "rec/a/b/c.jsonl", "rec/a/z.jsonl", "rec/b.jsonl"]


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        list(iter_paths([tmp_path / "nope.jsonl"]))
    assert info.value.where == str(tmp_path / "nope.jsonl")
    with pytest.raises(InputError):
        list(iter_exchanges(tmp_path / "nope.jsonl"))


def test_reading_streams_in_constant_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    # A lean (dropped) exchange keeps the run short; the point is the line count.
    lean = sample(
        request=None,
        response=None,
        outcome="dropped",
        attempts=0,
        decision={"action": "drop", "reason": "consent_not_granted"},
    )
    line = (Exchange.model_validate(lean).model_dump_json() + "\n").encode()
    lines = 200_000
    with path.open("wb") as f:
        for _ in range(lines // 1000):
            f.write(line * 1000)
    size = path.stat().st_size
    assert size > 50_000_000  # tens of megabytes

    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_exchanges(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == lines
    # Holding even the file's bytes would need `size`; a streaming reader needs ~one line.
    assert peak < size / 100
