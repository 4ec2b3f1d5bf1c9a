"""Read-side SQL: filtered lists, full-text search, one delivery in full.

Functions here take the store's :class:`~signaltui.store.connection.StoreDB` and plain
filter values and return row models; :class:`signaltui.store.Store` wraps them with
locking and error handling.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from signaltui.delivery.outcomes import OUTCOMES
from signaltui.errors import InputError
from signaltui.store import search, times
from signaltui.store.connection import StoreDB
from signaltui.store.models import DeliveryDetail, DeliveryRow, EventRow
from signaltui.store.rows import attempt_from, final_exchange, loads, merged_from

_DELIVERY_FIELDS = """
d.id, d.event_id, d.created_at, d.finished_at, d.destination, d.target, d.mode, d.action,
d.outcome, d.reason, d.hint, d.response_status, d.attempt_count, d.run_id, d.replay_of,
d.exchange_key, d.retry_at, e.event, e.email, e.name, e.company"""
_DELIVERY_FROM = " FROM deliveries d JOIN events e ON e.id = d.event_id"
_DELIVERY_SELECT = "SELECT" + _DELIVERY_FIELDS + _DELIVERY_FROM
_DETAIL_SELECT = (
    "SELECT"
    + _DELIVERY_FIELDS
    + ", d.decision_json, d.request_json, d.response_headers_json, d.response_body_json,"
    + " d.response_latency_ms"
    + _DELIVERY_FROM
    + " WHERE d.id = ?"
)
_EVENT_SELECT = "SELECT * FROM events e"
# Is any row at least as new as ? whose event id is below ? (see signaltui.store.search)?
# The unary + keeps SQLite on the time index rather than the id range.
_NEWER_DELIVERY = "SELECT 1 FROM deliveries d WHERE d.created_at >= ? AND +d.event_id < ? LIMIT 1"
_NEWER_EVENT = "SELECT 1 FROM events e WHERE e.received_at >= ? AND +e.id < ? LIMIT 1"


def fts_query(text: str) -> str | None:
    """User text as a safe FTS5 MATCH expression: every word a quoted prefix phrase.

    Quoting keeps ``@``, ``.``, ``'``, ``-``, ``AND``/``OR``/``NOT`` and stray ``"`` from
    being read as query syntax; the trailing ``*`` lets ``jan`` find ``Jane``. Returns
    ``None`` when nothing searchable is left.
    """
    words = [w.replace('"', "") for w in text.split()]
    phrases = [f'"{w}"*' for w in words if any(ch.isalnum() for ch in w)]
    return " ".join(phrases) or None


@dataclass
class Filters:
    """A WHERE clause assembled from optional filters, with its parameters."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, value: Any) -> None:
        """Add ``clause`` (with one ``?``) unless ``value`` is ``None``."""
        if value is not None:
            self.clauses.append(clause)
            self.params.append(value)

    def sql(self) -> str:
        """`` WHERE a AND b`` or an empty string."""
        return " WHERE " + " AND ".join(self.clauses) if self.clauses else ""


def _page(limit: int, offset: int) -> tuple[int, int]:
    if limit < 1 or offset < 0:
        raise InputError(
            f"limit must be at least 1 and offset at least 0 (got {limit}, {offset})",
            where="limit/offset",
            hint="e.g. --limit 50",
        )
    return limit, offset


def _time(value: str | datetime | None, name: str) -> str | None:
    return None if value is None else times.normalize(value, field=name)


def _common(
    f: Filters,
    time_column: str,
    email: str | None,
    event: str | None,
    since: str | datetime | None,
    until: str | datetime | None,
) -> None:
    """Add the filters events and deliveries share (all but the text search)."""
    f.add("e.email = ?", email.strip().lower() if email else None)
    f.add("e.event = ?", event)
    f.add(f"{time_column} >= ?", _time(since, "since"))
    f.add(f"{time_column} < ?", _time(until, "until"))


def _listed(
    db: StoreDB,
    select: str,
    f: Filters,
    text: str | None,
    time_column: str,
    newer_outside: str,
    page: tuple[int, int],
    *,
    coarse: bool,
) -> list[dict[str, Any]]:
    """Rows of ``select`` passing ``f`` (and ``text``), newest first, one page of them.

    ``time_column`` is ``<alias>.<column>``; ties on time go newest id first. ``coarse``
    says the other filters keep many rows (outcome, destination… but no email, run or
    time window): only then can reading matches newest first beat SQLite's own plan.
    """
    alias, time_key = time_column.split(".")
    order = f" ORDER BY {time_column} DESC, {alias}.id DESC"
    if text is None:
        return list(db.query(select + f.sql() + order + " LIMIT ? OFFSET ?", [*f.params, *page]))
    match = fts_query(text)
    if match is None:
        return []

    def rows_for(ids_json: str | None, tail: str, params: list[Any]) -> list[dict[str, Any]]:
        if ids_json is None:
            restricted = Filters(list(f.clauses), list(f.params))
            restricted.add(search.MATCH_CLAUSE, match)
        else:
            # The id list drives: a unary + keeps SQLite from scanning another index
            # (say every "rejected" delivery) and testing each against the list.
            restricted = Filters(["+" + clause for clause in f.clauses], list(f.params))
            restricted.add(search.IDS_CLAUSE, ids_json)
        return list(db.query(select + restricted.sql() + tail, [*restricted.params, *params]))

    if not coarse:
        return rows_for(None, order + " LIMIT ? OFFSET ?", list(page))
    query = search.TextQuery(rows_for, time_key, order, newer_outside)
    return search.newest(db, match, query, *page)


def list_deliveries(
    db: StoreDB,
    *,
    email: str | None = None,
    event: str | None = None,
    destination: str | None = None,
    outcome: str | None = None,
    since: str | datetime | None = None,
    until: str | datetime | None = None,
    target: str | None = None,
    mode: str | None = None,
    run_id: int | None = None,
    text: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[DeliveryRow]:
    """Deliveries matching every given filter, newest first (``until`` is exclusive)."""
    if outcome is not None and outcome not in OUTCOMES:
        raise InputError(
            f"unknown outcome {outcome!r}",
            where="outcome",
            hint="use one of " + ", ".join(OUTCOMES),
        )
    f = Filters()
    _common(f, "d.created_at", email, event, since, until)
    f.add("d.destination = ?", destination)
    f.add("d.outcome = ?", outcome)
    f.add("d.target = ?", target)
    f.add("d.mode = ?", mode)
    f.add("d.run_id = ?", run_id)
    page = _page(limit, offset)
    coarse = email is None and run_id is None and since is None and until is None
    rows = _listed(
        db, _DELIVERY_SELECT, f, text, "d.created_at", _NEWER_DELIVERY, page, coarse=coarse
    )
    return [DeliveryRow.model_validate(row) for row in rows]


def event_from(row: dict[str, Any]) -> EventRow:
    """An :class:`EventRow` from an ``events`` row."""
    data = dict(row)
    raw_json = data.pop("raw_json")
    data["raw"] = loads(raw_json)
    data["merged"] = merged_from(raw_json, data.pop("merged_json"))
    return EventRow.model_validate(data)


def list_events(
    db: StoreDB,
    *,
    email: str | None = None,
    event: str | None = None,
    since: str | datetime | None = None,
    until: str | datetime | None = None,
    text: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[EventRow]:
    """Events matching every given filter, newest first by ``received_at``."""
    f = Filters()
    _common(f, "e.received_at", email, event, since, until)
    page = _page(limit, offset)
    coarse = email is None and since is None and until is None
    rows = _listed(db, _EVENT_SELECT, f, text, "e.received_at", _NEWER_EVENT, page, coarse=coarse)
    return [event_from(row) for row in rows]


def get_event(db: StoreDB, event_id: int) -> EventRow | None:
    """One event, or ``None`` when there is no event ``event_id``."""
    rows = list(db.query(_EVENT_SELECT + " WHERE e.id = ?", [event_id]))
    return event_from(rows[0]) if rows else None


def get_delivery(db: StoreDB, delivery_id: int) -> DeliveryDetail | None:
    """One delivery with its event, decision, final exchange and attempts, or ``None``."""
    row = next(iter(db.query(_DETAIL_SELECT, [delivery_id])), None)
    if row is None:
        return None
    listed = {key: row[key] for key in DeliveryRow.model_fields}
    attempts = db.query(
        "SELECT * FROM attempts WHERE delivery_id = ? ORDER BY number", [delivery_id]
    )
    tries = [attempt_from(a) for a in attempts]
    request, response = final_exchange(row, tries)
    return DeliveryDetail(
        **listed,
        event_row=get_event(db, row["event_id"]),
        decision=loads(row["decision_json"]) or {},
        request=request,
        response=response,
        attempts=tries,
    )


def deferred_open(db: StoreDB, limit: int) -> list[DeliveryRow]:
    """Deferred deliveries no later delivery has followed up, soonest due first.

    A follow-up is a delivery whose ``replay_of`` is ``delivery-<id>`` of the deferred one
    (what :func:`signaltui.service.resend_due_deferred` writes).
    """
    sql = (
        _DELIVERY_SELECT
        + " WHERE d.outcome = 'deferred' AND NOT EXISTS (SELECT 1 FROM deliveries f"
        + " WHERE f.replay_of = 'delivery-' || d.id) ORDER BY d.retry_at, d.id LIMIT ?"
    )
    return [DeliveryRow.model_validate(row) for row in db.query(sql, [limit])]


def exchange_keys(db: StoreDB, run_ids: list[int], outcomes: tuple[str, ...]) -> set[str]:
    """Exchange keys of deliveries in ``run_ids`` that ended with one of ``outcomes``."""
    if not run_ids:
        return set()
    sql = (
        f"SELECT DISTINCT exchange_key FROM deliveries WHERE exchange_key IS NOT NULL "
        f"AND run_id IN ({', '.join('?' for _ in run_ids)}) "
        f"AND outcome IN ({', '.join('?' for _ in outcomes)})"
    )
    return {row["exchange_key"] for row in db.query(sql, [*run_ids, *outcomes])}


def delivered_emails(db: StoreDB, destination: str, target: str, emails: Iterable[str]) -> set[str]:
    """Which ``emails`` (lowercased, trimmed) were delivered to ``destination`` at ``target``.

    Matched on the stored event's email, which the store keeps trimmed and lowercased as
    the mapping normalises it (so the ``events.email`` index serves the look-up); asked
    in chunks so a long list stays under SQLite's variable limit.
    """
    wanted = sorted({email.strip().lower() for email in emails if email and email.strip()})
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        sql = (
            "SELECT DISTINCT e.email AS email FROM events e "
            "JOIN deliveries d ON d.event_id = e.id "
            f"WHERE e.email IN ({', '.join('?' for _ in chunk)}) "
            "AND d.outcome = 'delivered' AND d.destination = ? AND d.target = ?"
        )
        found.update(row["email"] for row in db.query(sql, [*chunk, destination, target]))
    return found
