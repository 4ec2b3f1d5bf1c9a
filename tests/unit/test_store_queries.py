"""Listing and searching: filters, time ranges, ordering, paging and full-text search."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, cast

import pytest

from signaltui.delivery.outcomes import Outcome
from signaltui.errors import InputError
from signaltui.store import Store
from signaltui.store.queries import fts_query
from signaltui.store.samples import sample_event, sample_result, stamp

LEADS = [
    # (first, last, email, company, event, destination, outcome, target, hour)
    ("Jane", "Doe", "jane@acme.com", "Acme Inc", "Demo Requested", "close", "delivered", "mock", 0),
    ("Seán", "O'Brien", "sean@obrien.ie", "O'Brien & Sons", "Signed Up", "apollo", "rejected",
     "live", 1),
    ("Li", "Wei", "li.wei@example.cn", "北京 Data", "Demo Requested", "outreach", "dropped", "mock",
     2),
    ("Jane", "Smith", "JANE.SMITH@Beta.io", "Beta-Labs", "Demo Requested", "apollo",
     "dead_lettered", "http://127.0.0.1:9", 3),
]  # fmt: skip


@pytest.fixture
def fresh_db() -> Iterator[Store]:
    with Store.memory() as store:
        for first, last, email, company, name, dest, outcome, target, hour in LEADS:
            event = sample_event(first, last, email, company, event=name, message_id=email)
            event_id = store.record_event(event, event, stamp(hour * 3600))
            outcome = cast(Outcome, outcome)
            result = sample_result(dest, outcome, target=target, started=hour * 3600 + 1)
            store.record_delivery(
                event_id, {}, result, mode="send", created_at=stamp(hour * 3600 + 1)
            )
        yield store


def _emails(rows: Sequence[Any]) -> list[str | None]:
    return [r.email for r in rows]


def test_newest_first_and_paging(fresh_db: Store) -> None:
    everything = fresh_db.list_deliveries()
    assert _emails(everything) == [
        "jane.smith@beta.io", "li.wei@example.cn", "sean@obrien.ie", "jane@acme.com",
    ]  # fmt: skip
    assert fresh_db.list_deliveries(limit=2, offset=1) == everything[1:3]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"email": " Jane@ACME.com "}, ["jane@acme.com"]),
        ({"email": "jane.smith@beta.io"}, ["jane.smith@beta.io"]),
        ({"event": "Signed Up"}, ["sean@obrien.ie"]),
        ({"destination": "apollo"}, ["jane.smith@beta.io", "sean@obrien.ie"]),
        ({"outcome": "dropped"}, ["li.wei@example.cn"]),
        ({"target": "live"}, ["sean@obrien.ie"]),
        ({"destination": "apollo", "outcome": "rejected"}, ["sean@obrien.ie"]),
        ({"event": "Demo Requested", "destination": "close"}, ["jane@acme.com"]),
        ({"mode": "replay-send"}, []),
    ],
)
def test_filters(fresh_db: Store, filters: dict[str, Any], expected: list[str]) -> None:
    assert _emails(fresh_db.list_deliveries(**filters)) == expected


def test_time_ranges_since_inclusive_until_exclusive(fresh_db: Store) -> None:
    # Deliveries were created at 10:00:01, 11:00:01, 12:00:01 and 13:00:01 UTC.
    rows = fresh_db.list_deliveries(since="2026-11-22T11:00:01Z", until="2026-11-22T13:00:01Z")
    assert _emails(rows) == ["li.wei@example.cn", "sean@obrien.ie"]
    # An offset is converted to UTC: 12:30+01:00 is 11:30Z.
    assert _emails(fresh_db.list_deliveries(until="2026-11-22T12:30:00+01:00")) == [
        "sean@obrien.ie", "jane@acme.com",
    ]  # fmt: skip
    assert len(fresh_db.list_deliveries(since="2026-11-22", until="2026-11-23")) == 4
    assert fresh_db.list_deliveries(until="2026-11-22") == []


def test_bad_filter_values_are_input_errors(fresh_db: Store) -> None:
    with pytest.raises(InputError, match="since 'yesterday' is not an ISO 8601"):
        fresh_db.list_deliveries(since="yesterday")
    with pytest.raises(InputError, match="unknown outcome 'ok'"):
        fresh_db.list_deliveries(outcome="ok")
    with pytest.raises(InputError, match="limit"):
        fresh_db.list_deliveries(limit=0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jane@acme.com", ["jane@acme.com"]),
        ("O'Brien", ["sean@obrien.ie"]),
        ("o'brien & sons", ["sean@obrien.ie"]),
        ("jane", ["jane.smith@beta.io", "jane@acme.com"]),
        ("JAN", ["jane.smith@beta.io", "jane@acme.com"]),  # prefix, any case
        ("beta-labs", ["jane.smith@beta.io"]),
        ("北京", ["li.wei@example.cn"]),
        ("Seán", ["sean@obrien.ie"]),
        ('"unbalanced', []),
        ("acme NOT", []),  # NOT is a word here, not an operator
        ("OR", []),
        ("*", []),
        ("  ", []),
        ("jane smith", ["jane.smith@beta.io"]),
    ],
)
def test_search_with_awkward_text(fresh_db: Store, text: str, expected: list[str]) -> None:
    assert _emails(fresh_db.search(text)) == expected


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('jane@acme.com OR "x') == '"jane@acme.com"* "OR"* "x"*'
    assert fts_query("- * ()") is None


def test_search_combines_with_filters(fresh_db: Store) -> None:
    rows = fresh_db.list_deliveries(text="jane", destination="close")
    assert _emails(rows) == ["jane@acme.com"]


def test_list_and_search_events(fresh_db: Store) -> None:
    events = fresh_db.list_events()
    assert [e.email for e in events][:2] == ["jane.smith@beta.io", "li.wei@example.cn"]
    assert [e.email for e in fresh_db.list_events(event="Signed Up")] == ["sean@obrien.ie"]
    assert [e.email for e in fresh_db.list_events(since=stamp(3 * 3600))] == ["jane.smith@beta.io"]
    assert [e.company for e in fresh_db.search_events("sons")] == ["O'Brien & Sons"]
    assert fresh_db.get_event(events[0].id).merged["traits"]["lastName"] == "Smith"


def test_outcome_values_are_all_filterable(fresh_db: Store) -> None:
    counts: dict[Outcome, int] = {
        "delivered": 1, "dropped": 1, "rejected": 1, "failed": 0, "dead_lettered": 1,
    }  # fmt: skip
    for outcome, count in counts.items():
        assert len(fresh_db.list_deliveries(outcome=outcome)) == count
