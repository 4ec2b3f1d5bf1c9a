"""Stored deliveries as recording lines: what ``recordings export`` writes and what the
terminal app's History tab re-sends (through a send replay) from."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from signaltui.errors import StoreError, first_error
from signaltui.recordings.model import Exchange, RecordedDecision
from signaltui.recordings.writer import RecordingWriter
from signaltui.store import Store
from signaltui.store.models import DeliveryDetail

PAGE = 500


def exchange_from_detail(detail: DeliveryDetail) -> Exchange:
    """The recording line for one stored delivery; its id names the delivery it came from.

    Raises :class:`StoreError` when the row cannot be a recording line (an outcome or
    destination signaltui never writes, e.g. a store edited by hand).
    """
    decision = {
        k: v
        for k, v in detail.decision.items()
        if k in ("action", "reason", "warnings", "trace", "detail")
    }
    decision.setdefault("action", detail.action)
    try:
        return Exchange(
            id=f"delivery-{detail.id}",
            recorded_at=detail.created_at,
            destination=detail.destination,
            target=detail.target,
            event=detail.event_row.merged or detail.event_row.raw,
            decision=RecordedDecision.model_validate(decision),
            request=detail.request,
            response=detail.response,
            outcome=detail.outcome,
            attempts=detail.attempt_count,
            hint=detail.hint,
            retry_at=detail.retry_at,
        )
    except ValidationError as exc:
        field, problem = first_error(exc)
        raise StoreError(
            f"cannot export it: {field}: {problem}",
            where=f"stored delivery {detail.id}",
            hint="leave it out with --outcome, --destination, --since or --until",
        ) from exc


def iter_details(store: Store, **filters: str | None) -> Iterator[DeliveryDetail]:
    """Every matching stored delivery, oldest first, a page at a time."""
    rows: list[int] = []
    offset = 0
    while page := store.list_deliveries(limit=PAGE, offset=offset, **filters):  # type: ignore[arg-type]
        rows.extend(row.id for row in page)
        offset += len(page)
    for delivery_id in reversed(rows):
        yield store.get_delivery(delivery_id)


def export_deliveries(
    store: Store,
    path: Path,
    *,
    outcomes: tuple[str, ...],
    destination: str | None = None,
    secrets: Iterable[str] = (),
) -> int:
    """Write the stored deliveries with ``outcomes`` (of ``destination``, if given) to the
    recording ``path``, replaced whole and private (0600); returns how many."""
    count = 0
    with RecordingWriter(path, secrets=list(secrets), atomic=True) as writer:
        for outcome in outcomes:
            for detail in iter_details(store, outcome=outcome, destination=destination):
                writer.write(exchange_from_detail(detail))
                count += 1
    return count
