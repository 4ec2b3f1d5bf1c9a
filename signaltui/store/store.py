"""The :class:`Store`: events, deliveries, attempts and replay runs in one SQLite file.

Every public method turns sqlite3 failures into :class:`~signaltui.errors.StoreError`,
writes in a single ``BEGIN IMMEDIATE`` transaction (a delivery is stored whole or not at
all), and redacts requests again on the way in. Access is serialised with a lock so the
TUI's worker threads can share one store.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from signaltui.delivery.outcomes import DeliveryResult
from signaltui.errors import InputError
from signaltui.recordings.redact import scrub_json, scrub_result
from signaltui.store import queries, rows, runs, sent, times
from signaltui.store.base import StoreBase
from signaltui.store.models import DeliveryDetail, DeliveryRow, EventRow, RunRow, StoreItem

When = str | datetime | None


class Store(StoreBase):
    """One open store. Build it with :meth:`open` (a file) or :meth:`memory` (tests)."""

    # -- writing ----------------------------------------------------------------------

    def record_event(
        self, event: dict[str, Any], merged: dict[str, Any], received_at: When = None
    ) -> int:
        """Store one event as received and as merged; return its id."""
        received = times.normalize(received_at or self._now(), field="received_at")
        with self._write():
            event_id = self._next_id("events")
            values = rows.event_values(event_id, event, merged, received)
            self._insert_events([values])
        return event_id

    def record_delivery(
        self,
        event_id: int,
        decision: dict[str, Any] | BaseModel | None,
        result: DeliveryResult,
        *,
        mode: str,
        run_id: int | None = None,
        replay_of: str | None = None,
        exchange_key: str | None = None,
        created_at: When = None,
        finished_at: When = None,
    ) -> int:
        """Store a delivery (any outcome, ``dropped`` too) and its attempts atomically.

        ``decision`` is the core's decision (``action``, ``reason``, ``warnings``,
        ``trace``, optionally ``request``). ``created_at`` defaults to the first
        attempt's start, else now; ``finished_at`` to now.
        """
        safe = self._scrubbed_decision(rows.safe_decision(decision))
        result = scrub_result(result, self.secrets)
        with self._write():
            delivery_id = self._next_id("deliveries")
            self._insert_delivery(
                delivery_id,
                event_id,
                safe,
                result,
                mode,
                run_id,
                replay_of,
                exchange_key,
                created_at,
                finished_at,
            )
        return delivery_id

    def record_sent(
        self,
        event: dict[str, Any],
        merged: dict[str, Any],
        decision: dict[str, Any] | BaseModel | None,
        result: DeliveryResult,
        *,
        mode: str,
        event_id: int | None = None,
        received_at: When = None,
        run_id: int | None = None,
        replay_of: str | None = None,
        exchange_key: str | None = None,
    ) -> tuple[int, int]:
        """Store one delivery and (unless ``event_id`` names a stored one) its event.

        One transaction for both: a crash never leaves an event without its delivery,
        and a send pays one commit per delivery. Returns ``(event_id, delivery_id)``.
        The same as :meth:`write_sent` of :meth:`prepare_sent`.
        """
        prepared = self.prepare_sent(
            event, merged, decision, result, mode=mode, event_id=event_id,
            received_at=received_at, run_id=run_id, replay_of=replay_of,
            exchange_key=exchange_key,
        )  # fmt: skip
        return self.write_sent(prepared)

    def prepare_sent(
        self,
        event: dict[str, Any],
        merged: dict[str, Any],
        decision: dict[str, Any] | BaseModel | None,
        result: DeliveryResult,
        *,
        mode: str,
        event_id: int | None = None,
        received_at: When = None,
        run_id: int | None = None,
        replay_of: str | None = None,
        exchange_key: str | None = None,
        scrubbed_of: tuple[str, ...] = (),
    ) -> sent.SentRows:
        """:meth:`record_sent`'s rows, redacted, without touching the file (no lock:
        callable from any thread); store them with :meth:`write_sent`.

        ``scrubbed_of``: the secrets ``result`` was already scrubbed of
        (:func:`~signaltui.recordings.redact.scrub_result`); the store's own are
        masked again unless all of them are among these."""
        received = (
            None if received_at is None else times.normalize(received_at, field="received_at")
        )
        return sent.prepare(
            self.secrets, self._now(), event, merged, decision, result, mode=mode,
            event_id=event_id, received_at=received, run_id=run_id, replay_of=replay_of,
            exchange_key=exchange_key, scrubbed_of=scrubbed_of,
        )  # fmt: skip

    def write_sent(self, prepared: sent.SentRows, *, wait: bool = True) -> tuple[int, int]:
        """Store what :meth:`prepare_sent` built, in one transaction (joining an outer
        one on this thread); returns ``(event_id, delivery_id)``. With ``wait=False``
        it raises :class:`~signaltui.store.base.WouldWait`, having written nothing,
        when another thread or process is writing."""
        return sent.write(self, prepared, wait=wait)

    def write_sent_many(
        self, prepared: list[sent.SentRows], *, wait: bool = True
    ) -> list[tuple[int, int]]:
        """:meth:`write_sent` for several deliveries in one transaction (all or none);
        ``wait`` as for :meth:`write_sent`."""
        with self._write(wait=wait):
            return [sent.write(self, rows, wait=wait) for rows in prepared]

    def _insert_delivery(
        self,
        delivery_id: int,
        event_id: int,
        decision: dict[str, Any],
        result: DeliveryResult,
        mode: str,
        run_id: int | None,
        replay_of: str | None,
        exchange_key: str | None,
        created_at: When,
        finished_at: When,
    ) -> None:
        if not mode:
            raise InputError("a delivery needs a mode such as 'send'", where="record_delivery")
        started = result.attempts[0].started_at if result.attempts else None
        created = times.normalize(created_at or started or self._now(), field="created_at")
        finished = times.normalize(finished_at or self._now(), field="finished_at")
        delivery, attempts = rows.delivery_rows(
            delivery_id, event_id, decision, result, mode=mode, run_id=run_id,
            replay_of=replay_of, exchange_key=exchange_key,
            created_at=created, finished_at=finished,
        )  # fmt: skip
        self._insert("deliveries", rows.DELIVERY_COLUMNS, [delivery])
        self._insert("attempts", rows.ATTEMPT_COLUMNS, attempts)

    def record_many(self, items: Iterable[StoreItem], *, batch_size: int = 5000) -> int:
        """Store many events (and deliveries) fast, ``batch_size`` per transaction.

        Each batch commits whole; returns how many items were stored.
        """
        count = 0
        batch: list[StoreItem] = []
        for item in items:
            batch.append(item)
            if len(batch) >= batch_size:
                count += self._record_batch(batch)
                batch = []
        if batch:
            count += self._record_batch(batch)
        return count

    def _record_batch(self, batch: list[StoreItem]) -> int:
        with self._write():
            event_id = self._next_id("events")
            delivery_id = self._next_id("deliveries")
            events: list[tuple[Any, ...]] = []
            deliveries: list[tuple[Any, ...]] = []
            attempts: list[tuple[Any, ...]] = []
            for item in batch:
                received = times.normalize(item.received_at, field="received_at")
                events.append(rows.event_values(event_id, item.event, item.merged, received))
                if item.result is not None:
                    result = scrub_result(item.result, self.secrets)
                    started = result.attempts[0].started_at if result.attempts else None
                    created = times.normalize(item.created_at or started or received)
                    finished = times.normalize(item.finished_at or created)
                    delivery, tries = rows.delivery_rows(
                        delivery_id, event_id,
                        self._scrubbed_decision(rows.safe_decision(item.decision)), result,
                        mode=item.mode, run_id=item.run_id, replay_of=item.replay_of,
                        exchange_key=item.exchange_key, created_at=created, finished_at=finished,
                    )  # fmt: skip
                    deliveries.append(delivery)
                    attempts.extend(tries)
                    delivery_id += 1
                event_id += 1
            self._insert_events(events)
            self._insert("deliveries", rows.DELIVERY_COLUMNS, deliveries)
            self._insert("attempts", rows.ATTEMPT_COLUMNS, attempts)
        return len(batch)

    def _scrubbed_decision(self, decision: dict[str, Any]) -> dict[str, Any]:
        return scrub_json(decision, self.secrets)

    # -- reading ----------------------------------------------------------------------

    def list_deliveries(
        self,
        email: str | None = None,
        event: str | None = None,
        destination: str | None = None,
        outcome: str | None = None,
        since: When = None,
        until: When = None,
        target: str | None = None,
        limit: int = 100,
        offset: int = 0,
        *,
        mode: str | None = None,
        run_id: int | None = None,
        text: str | None = None,
    ) -> list[DeliveryRow]:
        """Deliveries matching every given filter, newest first.

        ``since`` is inclusive and ``until`` exclusive (ISO dates or times); ``email``
        matches case-insensitively; ``text`` is a full-text search (see :meth:`search`).
        """
        with self._guard():
            return queries.list_deliveries(
                self.db, email=email, event=event, destination=destination, outcome=outcome,
                since=since, until=until, target=target, mode=mode, run_id=run_id, text=text,
                limit=limit, offset=offset,
            )  # fmt: skip

    def get_delivery(self, delivery_id: int) -> DeliveryDetail:
        """One delivery in full; :class:`NotFoundError` when there is none."""
        with self._guard():
            detail = queries.get_delivery(self.db, delivery_id)
        if detail is None:
            raise self._missing("delivery", delivery_id)
        return detail

    def deferred_open(self, limit: int = 1000) -> list[DeliveryRow]:
        """Deferred deliveries not yet sent again, soonest ``retry_at`` first."""
        with self._guard():
            return queries.deferred_open(self.db, limit)

    def search(self, text: str, limit: int = 100) -> list[DeliveryRow]:
        """Deliveries whose lead's name, email or company matches ``text``, newest first.

        Words match as prefixes in any order; punctuation (``jane@acme.com``,
        ``O'Brien``) is safe. Text without letters or digits matches nothing.
        """
        return self.list_deliveries(text=text, limit=limit)

    def list_events(
        self,
        email: str | None = None,
        event: str | None = None,
        since: When = None,
        until: When = None,
        text: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[EventRow]:
        """Events matching every given filter, newest first by ``received_at``."""
        with self._guard():
            return queries.list_events(
                self.db, email=email, event=event, since=since, until=until, text=text,
                limit=limit, offset=offset,
            )  # fmt: skip

    def search_events(self, text: str, limit: int = 100) -> list[EventRow]:
        """Events whose name, email or company matches ``text``, newest first."""
        return self.list_events(text=text, limit=limit)

    def get_event(self, event_id: int) -> EventRow:
        """One event; :class:`NotFoundError` when there is none."""
        with self._guard():
            row = queries.get_event(self.db, event_id)
        if row is None:
            raise self._missing("event", event_id)
        return row

    # -- replay runs (see signaltui.store.runs) -----------------------------------------

    def start_run(
        self,
        kind: str,
        meta: dict[str, Any] | None = None,
        *,
        resume_key: str | None = None,
        started_at: When = None,
    ) -> int:
        """Start a run (e.g. ``kind="replay-send"``) and return its id."""
        started = times.normalize(started_at or self._now(), field="started_at")
        with self._write():
            return runs.insert_run(self.db, kind, meta or {}, resume_key, started)

    def finish_run(self, run_id: int, summary: dict[str, Any], finished_at: When = None) -> None:
        """Mark a run finished with its ``summary`` (counts, pass/fail…)."""
        finished = times.normalize(finished_at or self._now(), field="finished_at")
        with self._write():
            found = runs.finish(self.db, run_id, summary, finished)
        if not found:
            raise self._missing("run", run_id)

    def get_run(self, run_id: int) -> RunRow:
        """One run; :class:`NotFoundError` when there is none."""
        with self._guard():
            row = runs.get(self.db, run_id)
        if row is None:
            raise self._missing("run", run_id)
        return row

    def find_run(self, resume_key: str) -> RunRow | None:
        """The newest run under ``resume_key`` (finished or not), or ``None``."""
        with self._guard():
            return runs.latest(self.db, resume_key)

    def delivered_exchange_keys(self, run: int | str) -> set[str]:
        """Exchange keys already delivered in run ``run`` (an id) or under a resume key.

        A resumed replay skips these; any other outcome is tried again.
        """
        with self._guard():
            ids = runs.run_ids(self.db, run)
            return queries.exchange_keys(self.db, ids, runs.DONE_OUTCOMES)

    def delivered_emails(self, destination: str, target: str, emails: Iterable[str]) -> set[str]:
        """The ``emails`` already delivered to ``destination`` at ``target`` (a send plan's
        duplicate check); lowercased."""
        with self._guard():
            return queries.delivered_emails(self.db, destination, target, emails)
