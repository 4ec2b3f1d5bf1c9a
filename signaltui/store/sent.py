"""The send path's write, in two steps: build a delivery's rows, then store them.

:meth:`Store.record_sent` is both steps in a row. A send calls them apart: it builds the
rows (:meth:`Store.prepare_sent`) on the event loop, and :class:`~signaltui.store.writer.
StoreWriter` stores them (:meth:`Store.write_sent_many`), together with the deliveries
finishing close to it, on the loop or, when the store is busy elsewhere, in its writer
thread. That thread then runs almost only SQLite, which lets go of the GIL while it works.

Preparing redacts exactly as the single writes do (the result scrubbed of the store's
secrets, the decision's request redacted and the decision scrubbed, every header, URL
and body redacted again as rows are built); nothing is stored until :func:`write`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from signaltui.delivery.outcomes import DeliveryResult
from signaltui.errors import InputError
from signaltui.recordings.redact import scrub_json_encoded, scrub_result
from signaltui.store import rows, times
from signaltui.store.jsontext import dumps
from signaltui.store.schema import index_events

if TYPE_CHECKING:
    from signaltui.store.base import StoreBase


@dataclass(frozen=True, slots=True)
class SentRows:
    """One delivery's rows, ready to store; ids are filled in when written.

    ``event`` is the ``events`` row (``None`` when ``event_id`` names a stored event);
    the first column of every row (its id, or the attempt's delivery id) is a
    placeholder, and so is the delivery's ``event_id``.
    """

    event: tuple[Any, ...] | None
    event_id: int | None
    delivery: tuple[Any, ...]
    attempts: list[tuple[Any, ...]]


def prepare(
    secrets: tuple[str, ...],
    now: str,
    event: dict[str, Any],
    merged: dict[str, Any],
    decision: dict[str, Any] | BaseModel | None,
    result: DeliveryResult,
    *,
    mode: str,
    event_id: int | None,
    received_at: str | None,
    run_id: int | None,
    replay_of: str | None,
    exchange_key: str | None,
    scrubbed_of: tuple[str, ...] = (),
) -> SentRows:
    """The rows :meth:`Store.record_sent` stores, built and redacted, nothing written.

    ``now`` is the store clock's time, for the timestamps not given. ``scrubbed_of``:
    secrets ``result`` was already scrubbed of (:func:`scrub_result`, by the caller);
    it is scrubbed here again unless they include every one of ``secrets``.
    """
    if not mode:
        raise InputError("a delivery needs a mode such as 'send'", where="record_delivery")
    event_row = None
    if event_id is None:
        received = times.normalize(received_at or now, field="received_at")
        event_row = rows.event_values(0, event, merged, received)
    safe, decision_json = scrub_json_encoded(rows.safe_decision(decision), secrets, dumps)
    if not set(secrets).issubset(scrubbed_of):
        result = scrub_result(result, secrets)
    started = result.attempts[0].started_at if result.attempts else None
    created = times.normalize(received_at or started or now, field="created_at")
    delivery, attempts = rows.delivery_rows(
        0, 0, safe, result, mode=mode, run_id=run_id, replay_of=replay_of,
        exchange_key=exchange_key, created_at=created,
        finished_at=times.normalize(now, field="finished_at"), decision_json=decision_json,
    )  # fmt: skip
    return SentRows(event_row, event_id, delivery, attempts)


_INSERT_EVENT = (
    f"INSERT INTO events ({rows.EVENT_COLUMNS}) VALUES ({rows.placeholders(rows.EVENT_COLUMNS)})"
)
_INSERT_DELIVERY = (
    f"INSERT INTO deliveries ({rows.DELIVERY_COLUMNS}) "
    f"VALUES ({rows.placeholders(rows.DELIVERY_COLUMNS)})"
)
_INSERT_ATTEMPT = (
    f"INSERT INTO attempts ({rows.ATTEMPT_COLUMNS}) "
    f"VALUES ({rows.placeholders(rows.ATTEMPT_COLUMNS)})"
)


def write(store: StoreBase, prepared: SentRows, *, wait: bool = True) -> tuple[int, int]:
    """Store ``prepared`` in one transaction; returns ``(event_id, delivery_id)``.

    With ``wait=False``, :class:`~signaltui.store.base.WouldWait` (nothing written)
    rather than waiting for another thread's or process's write.

    Ids come from SQLite (a NULL ``INTEGER PRIMARY KEY`` becomes the largest id plus
    one, what ``_next_id`` would pick) so each row is one statement: the writer thread
    takes the GIL back once per statement, and fewer statements mean fewer waits.
    """
    with store._write(wait=wait):
        conn = store.db.conn
        event_id = prepared.event_id
        if prepared.event is not None:
            event_id = conn.execute(_INSERT_EVENT, (None, *prepared.event[1:])).lastrowid
            assert event_id is not None
            index_events(conn, event_id, event_id)
        delivery = (None, event_id, *prepared.delivery[2:])
        delivery_id = conn.execute(_INSERT_DELIVERY, delivery).lastrowid
        assert delivery_id is not None
        attempts = [(delivery_id, *attempt[1:]) for attempt in prepared.attempts]
        if attempts:
            conn.executemany(_INSERT_ATTEMPT, attempts)
    return int(event_id), int(delivery_id)  # type: ignore[arg-type]
