"""Newest-first full-text lists that do not sort every match.

A word that every lead shares ("acme") matches the whole table. Joining and sorting
all those matches by time just to show the newest 100 took seconds at a million rows.
Instead the full-text index is read newest event first (FTS5 walks its rowids, which
are event ids, in descending order without sorting), a growing chunk at a time, until
enough rows pass the other filters. The result is then checked, not assumed: if any
row outside the chunks read could be newer than the last one kept (times that do not
follow insertion order, e.g. an import of old traffic), the exact query runs instead.
Few matches (a name, an email) go straight to the exact query, which is cheap for them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from signaltui.store.connection import StoreDB

#: Up to this many matches, join and sort them all: exact and cheap.
FEW_MATCHES = 2000
#: Give up walking after this many matching events (plus ``20 * (limit + offset)``)
#: and run the exact query: the other filters are too selective for a walk to pay.
WALK_LIMIT = 5000
_FIRST_CHUNK = 200
_MAX_CHUNK = 8192

#: ``e.id`` is one of a JSON list of ids: one parameter however many ids.
IDS_CLAUSE = "e.id IN (SELECT value FROM json_each(?))"
#: ``e.id`` is a match of the full-text query.
MATCH_CLAUSE = "e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)"

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class TextQuery:
    """How to read one kind of row (deliveries or events) for a text search.

    ``rows_for(ids_json, tail, params)`` runs the caller's filtered SELECT restricted to
    the events in the JSON list ``ids_json`` (``None``: every full-text match), with SQL
    ``tail`` (ORDER BY, LIMIT) and its ``params`` appended. ``time_key`` names the row's
    time column; ``order`` is the ORDER BY of a full list; ``newer_outside`` is SQL that
    finds a row at or after a time (first parameter) whose event id is below a bound
    (second): a row the walk has not read.
    """

    rows_for: Callable[[str | None, str, list[Any]], Rows]
    time_key: str
    order: str
    newer_outside: str


def newest(db: StoreDB, match: str, query: TextQuery, limit: int, offset: int) -> Rows:
    """Rows whose event matches ``match``, newest first, ``limit`` after ``offset``."""
    page = [limit, offset]
    cursor = db.conn.execute(
        "SELECT rowid FROM events_fts WHERE events_fts MATCH ? ORDER BY rowid DESC", [match]
    )
    try:
        ids = [row[0] for row in cursor.fetchmany(FEW_MATCHES + 1)]
        if len(ids) <= FEW_MATCHES:
            return query.rows_for(json.dumps(ids), query.order + " LIMIT ? OFFSET ?", page)
        found = _walk(cursor, ids, query, limit + offset)
    finally:
        cursor.close()
    if found is None:  # not provably the newest: run the exact query
        return query.rows_for(None, query.order + " LIMIT ? OFFSET ?", page)
    return found[offset : offset + limit]


def _walk(cursor: Any, ids: list[int], query: TextQuery, need: int) -> Rows | None:
    """The ``need`` newest rows, or ``None`` when that cannot be shown cheaply."""
    found: Rows = []
    read = 0
    chunk = max(_FIRST_CHUNK, 2 * need)
    exhausted = False
    while len(found) < need:
        if read >= WALK_LIMIT + 20 * need:
            return None
        missing = chunk - (len(ids) - read)
        if missing > 0 and not exhausted:
            more = cursor.fetchmany(missing)
            ids.extend(row[0] for row in more)
            exhausted = len(more) < missing
        batch = ids[read : read + chunk]
        if not batch:
            break
        read += len(batch)
        found.extend(query.rows_for(json.dumps(batch), "", []))
        chunk = min(chunk * 2, _MAX_CHUNK)
    found.sort(key=lambda row: (row[query.time_key], row["id"]), reverse=True)
    if exhausted and read >= len(ids):
        return found[:need]  # every match was read: the sort is the whole answer
    # Rows of events not read yet (lower ids) that are at least as new as the last
    # row kept would belong in the answer: if there is any, the walk was not enough.
    params = [found[need - 1][query.time_key], ids[read - 1]]
    if cursor.connection.execute(query.newer_outside, params).fetchone() is not None:
        return None
    return found[:need]
