"""Replay runs, so an interrupted replay can resume without re-sending.

A run is one ``signaltui replay --mode send`` (or batch send). Its ``resume_key`` names
*what* is being replayed (e.g. a hash of the recording paths, target and mode), so a
re-invocation after a crash finds the earlier attempt(s). Each replayed exchange is
stored as a delivery with the run's id and the exchange's ``exchange_key``; resuming
means skipping the keys that were already delivered under the same run or resume key.
"""

from __future__ import annotations

from typing import Any

from signaltui.store.connection import StoreDB
from signaltui.store.models import RunRow
from signaltui.store.rows import dumps, loads

#: Outcomes that count as done when resuming: re-sending these would duplicate a lead.
DONE_OUTCOMES: tuple[str, ...] = ("delivered",)


def insert_run(
    db: StoreDB, kind: str, meta: dict[str, Any], resume_key: str | None, started_at: str
) -> int:
    """Insert a run row and return its id."""
    cursor = db.execute(
        "INSERT INTO runs (kind, resume_key, meta_json, started_at) VALUES (?, ?, ?, ?)",
        [kind, resume_key, dumps(meta), started_at],
    )
    return int(cursor.lastrowid or 0)


def finish(db: StoreDB, run_id: int, summary: dict[str, Any], finished_at: str) -> bool:
    """Mark a run finished with ``summary``; False when there is no such run."""
    cursor = db.execute(
        "UPDATE runs SET finished_at = ?, summary_json = ? WHERE id = ?",
        [finished_at, dumps(summary), run_id],
    )
    return cursor.rowcount > 0


def _run_from(row: dict[str, Any]) -> RunRow:
    data = dict(row)
    data["meta"] = loads(data.pop("meta_json")) or {}
    data["summary"] = loads(data.pop("summary_json"))
    return RunRow.model_validate(data)


def get(db: StoreDB, run_id: int) -> RunRow | None:
    """One run, or ``None``."""
    rows = list(db.query("SELECT * FROM runs WHERE id = ?", [run_id]))
    return _run_from(rows[0]) if rows else None


def latest(db: StoreDB, resume_key: str) -> RunRow | None:
    """The newest run started under ``resume_key``, or ``None``."""
    rows = list(
        db.query("SELECT * FROM runs WHERE resume_key = ? ORDER BY id DESC LIMIT 1", [resume_key])
    )
    return _run_from(rows[0]) if rows else None


def run_ids(db: StoreDB, run: int | str) -> list[int]:
    """The run ids ``run`` stands for: that one id, or every run under a resume key."""
    if isinstance(run, int):
        return [run]
    return [row["id"] for row in db.query("SELECT id FROM runs WHERE resume_key = ?", [run])]
