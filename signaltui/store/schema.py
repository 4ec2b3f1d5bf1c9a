"""The store schema as a list of migrations, applied one by one.

``PRAGMA user_version`` holds how many migrations a database has had. Opening a store
runs the missing ones in order, each in its own transaction, so a crash mid-upgrade
leaves the database at the last complete version. Migrations are append-only: once
released, a step is never edited; a change is a new step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from signaltui.errors import StoreError
from signaltui.store.connection import table_names

if TYPE_CHECKING:  # imported when a migration runs: most commands open a store as it is
    from sqlite_utils import Database


class Connected(Protocol):
    """What :func:`migrate` needs of a database: its connection (the store's
    :class:`~signaltui.store.connection.StoreDB`, or a sqlite-utils ``Database``)."""

    @property
    def conn(self) -> sqlite3.Connection: ...


def _v1_base_tables(db: Database) -> None:
    """Events, deliveries, their attempts, and replay runs."""
    db.table("events").create(
        {
            "id": int,
            "message_id": str,
            "type": str,
            "event": str,
            "user_id": str,
            "anonymous_id": str,
            "email": str,
            "name": str,
            "company": str,
            "received_at": str,
            "raw_json": str,
            "merged_json": str,
        },
        pk="id",
        not_null=["received_at", "raw_json", "merged_json"],
    )
    db.table("runs").create(
        {
            "id": int,
            "kind": str,
            "resume_key": str,
            "meta_json": str,
            "started_at": str,
            "finished_at": str,
            "summary_json": str,
        },
        pk="id",
        not_null=["kind", "started_at"],
    )
    db.table("deliveries").create(
        {
            "id": int,
            "event_id": int,
            "destination": str,
            "target": str,
            "mode": str,
            "run_id": int,
            "action": str,
            "reason": str,
            "outcome": str,
            "hint": str,
            "decision_json": str,
            "request_json": str,
            "response_status": int,
            "response_headers_json": str,
            "response_body_json": str,
            "response_latency_ms": float,
            "attempt_count": int,
            "created_at": str,
            "finished_at": str,
            "replay_of": str,
            "exchange_key": str,
        },
        pk="id",
        foreign_keys=[("event_id", "events", "id"), ("run_id", "runs", "id")],
        not_null=["event_id", "destination", "target", "mode", "action", "outcome", "created_at"],
        defaults={"attempt_count": 0},
    )
    db.table("attempts").create(
        {
            "id": int,
            "delivery_id": int,
            "number": int,
            "started_at": str,
            "request_json": str,
            "response_status": int,
            "response_headers_json": str,
            "response_body_json": str,
            "latency_ms": float,
            "error": str,
            "wait_seconds": float,
        },
        pk="id",
        foreign_keys=[("delivery_id", "deliveries", "id")],
        not_null=["delivery_id", "number", "started_at", "request_json"],
    )
    db.table("attempts").create_index(["delivery_id", "number"], unique=True)


def _v2_indexes_and_search(db: Database) -> None:
    """Indexes behind the list filters, and full-text search over who a lead is."""
    db.table("events").create_index(["email"])
    db.table("events").create_index(["event"])
    db.table("events").create_index(["received_at"])
    db.table("deliveries").create_index(["event_id"])
    db.table("deliveries").create_index(["destination"])
    db.table("deliveries").create_index(["outcome"])
    db.table("deliveries").create_index(["created_at"])
    db.table("deliveries").create_index(["run_id", "exchange_key"])
    db.table("runs").create_index(["resume_key"])
    # Triggers keep the index in step with every insert, update and delete.
    db.table("events").enable_fts(["name", "email", "company"], create_triggers=True)


def _v3_history_order_indexes(db: Database) -> None:
    """Filtered history lists read newest first: index each filter with ``created_at``.

    Without these, "latest 100 failed" sorts every row with that outcome.
    """
    for column in ("outcome", "destination"):
        db.table("deliveries").create_index([column, "created_at"], if_not_exists=True)


def _v4_lean_writes(db: Database) -> None:
    """Make bulk writes cheaper; rows already stored are kept as they are.

    - The ``(outcome)`` and ``(destination)`` indexes are prefixes of the v3
      ``(…, created_at)`` ones, which serve every query they served: drop them.
    - ``(run_id, exchange_key)`` only serves replay-run lookups, so it becomes partial
      (``WHERE run_id IS NOT NULL``): plain sends no longer add to it.
    - The full-text index is no longer fed by a per-row insert trigger: the store adds
      each write's events in one ``INSERT … SELECT`` (see :func:`index_events`), about
      ten times cheaper per row. The update and delete triggers stay, so an edited or
      removed event still leaves the index right.
    """
    db.execute("DROP INDEX IF EXISTS idx_deliveries_outcome")
    db.execute("DROP INDEX IF EXISTS idx_deliveries_destination")
    db.execute("DROP INDEX IF EXISTS idx_deliveries_run_id_exchange_key")
    db.execute(
        "CREATE INDEX idx_deliveries_run_id_exchange_key ON deliveries (run_id, exchange_key) "
        "WHERE run_id IS NOT NULL"
    )
    db.execute("DROP TRIGGER IF EXISTS events_ai")


def _v5_merged_stored_once(db: Database) -> None:
    """An event whose merged form is the event itself keeps one JSON copy, not two.

    New rows hold ``''`` in ``merged_json`` for "the same as ``raw_json``" (a bulk
    import writes about a fifth less). ``merged_json`` stays NOT NULL and rows already
    stored keep their copy, so nothing is rewritten; the version step is what matters,
    since code that only knows v4 would not understand ``''`` and must refuse the file.
    """
    del db  # no SQL: only the meaning of a column value changes


def _v6_search_without_column_sizes(db: Database) -> None:
    """The full-text index stops keeping each row's column sizes (FTS5 ``columnsize=0``).

    Only bm25 ranking reads them, and signaltui orders matches newest first, never by
    rank; at a million events that side table cost about a tenth of each bulk insert.
    The index is rebuilt from ``events`` once; the update and delete triggers stay.
    """
    db.execute("DROP TABLE events_fts")
    db.execute(
        'CREATE VIRTUAL TABLE "events_fts" USING FTS5 ("name", "email", "company", '
        'content="events", columnsize=0)'
    )
    db.execute("INSERT INTO events_fts (events_fts) VALUES ('rebuild')")


def _v7_lookups_and_deferred(db: Database) -> None:
    """Attempts say what they were; a deferred delivery keeps when it is due.

    - ``attempts.kind``: ``send`` or ``lookup`` (a read that checked whether a create
      whose answer was lost had been applied); NULL in older rows means ``send``.
    - ``attempts.note``: what a look-up found, or why a send counted as it did.
    - ``deliveries.retry_at``: for the ``deferred`` outcome, the ISO 8601 UTC time the
      CRM asked to wait for; indexed with the outcome for "what is due".
    """
    db.execute("ALTER TABLE attempts ADD COLUMN kind TEXT")
    db.execute("ALTER TABLE attempts ADD COLUMN note TEXT")
    db.execute("ALTER TABLE deliveries ADD COLUMN retry_at TEXT")
    db.execute(
        "CREATE INDEX idx_deliveries_deferred_due ON deliveries (retry_at) "
        "WHERE outcome = 'deferred'"
    )
    # "Was this deferred delivery sent again?" looks a follow-up up by its replay_of.
    db.execute(
        "CREATE INDEX idx_deliveries_replay_of ON deliveries (replay_of) "
        "WHERE replay_of IS NOT NULL"
    )


def index_events(conn: sqlite3.Connection, first_id: int, last_id: int) -> None:
    """Add events ``first_id``..``last_id`` (just inserted) to the full-text index.

    Since v4 no trigger does this; ``Store._insert_events`` pairs it with every insert.
    """
    conn.execute(
        "INSERT INTO events_fts (rowid, name, email, company) "
        "SELECT id, name, email, company FROM events WHERE id BETWEEN ? AND ?",
        [first_id, last_id],
    )


Migration = Callable[["Database"], None]

#: Migration ``n`` (1-based) upgrades a database from version ``n - 1`` to ``n``.
MIGRATIONS: list[Migration] = [
    _v1_base_tables,
    _v2_indexes_and_search,
    _v3_history_order_indexes,
    _v4_lean_writes,
    _v5_merged_stored_once,
    _v6_search_without_column_sizes,
    _v7_lookups_and_deferred,
]
LATEST_VERSION = len(MIGRATIONS)

_OUR_TABLES = {"events", "deliveries", "attempts", "runs"}


def schema_version(db: Connected) -> int:
    """The number of migrations ``db`` has had (0 for a new, empty file)."""
    return int(db.conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: Connected, where: str, *, target: int = LATEST_VERSION) -> int:
    """Bring ``db`` up to version ``target`` step by step; return the version reached.

    Each step runs in its own ``BEGIN IMMEDIATE`` transaction and re-reads the version
    inside it: when several processes open a fresh file at once, one migrates and the
    others wait for it (up to the busy timeout) and then find nothing left to do. A
    deferred transaction would instead fail at once when two readers both try to write.

    Raises :class:`StoreError` for a database newer than this code knows, or for a
    version-0 database that already holds tables of its own (someone else's file).
    """
    current = _checked_version(db, where)
    if current >= target:
        return current
    from sqlite_utils import Database

    # Its default recursive_triggers=on would differ from a store opened without it.
    builder = Database(db.conn, recursive_triggers=False, execute_plugins=False)
    conn = db.conn
    while current < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = _checked_version(db, where)
            if current < target:
                MIGRATIONS[current](builder)
                current += 1
                # user_version is transactional, so the step and its number commit together.
                conn.execute(f"PRAGMA user_version = {current}")
        except BaseException:
            conn.rollback()
            raise
        conn.execute("COMMIT")
    return current


def _checked_version(db: Connected, where: str) -> int:
    """The schema version, after refusing files this code must not migrate."""
    current = schema_version(db)
    if current > LATEST_VERSION:
        raise StoreError(
            f"the store has schema version {current}, but this signaltui knows only up to "
            f"version {LATEST_VERSION}",
            where=where,
            hint="upgrade signaltui, or point --db / SIGNALTUI_DB at another file",
        )
    if current == 0:
        foreign = set(table_names(db.conn)) - _OUR_TABLES
        if foreign:
            raise StoreError(
                f"this SQLite file is not a signaltui store (it has tables: "
                f"{', '.join(sorted(foreign)[:5])})",
                where=where,
                hint="point --db / SIGNALTUI_DB at a new or existing signaltui store",
            )
    return current
