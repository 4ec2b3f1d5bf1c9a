"""The request journal is a bounded ring, read page by page with ``since`` and ``limit``."""

from __future__ import annotations

from signaltui.mock import create_app, get_mock_state
from signaltui.mock.journal import JOURNAL_SIZE, Journal
from tests.integration.conftest import open_mock_client

KEY = {"Authorization": "Basic YXBpX2s6"}


def add(journal: Journal, n: int, crm: str = "close") -> None:
    journal.add(crm=crm, method="POST", path=f"/p{n}", query="", headers={}, body=n, now=0.0)


def test_the_ring_keeps_the_newest_records_and_their_numbers():
    journal = Journal(size=3)
    for n in range(5):
        add(journal, n)
    assert [e["seq"] for e in journal.entries()] == [3, 4, 5]
    assert journal.entry(2) is None and journal.entry(3)["body"] == 2
    assert journal.bounds() == {
        "capacity": 3, "kept": 3, "first_seq": 3, "last_seq": 5, "total": 5
    }  # fmt: skip
    assert [e["seq"] for e in journal.entries(since=3)] == [4, 5]
    assert [e["seq"] for e in journal.entries(since=0, limit=2)] == [3, 4]
    journal.clear()
    add(journal, 9)
    assert journal.entry(1)["body"] == 9  # numbering starts over after a clear


def test_default_size_is_documented_and_settable():
    assert JOURNAL_SIZE == 10_000
    assert get_mock_state(create_app()).journal.size == JOURNAL_SIZE
    assert get_mock_state(create_app(journal_size=5)).journal.size == 5


async def test_requests_path_pages_with_since_and_limit(mock_client):
    for n in range(5):
        await mock_client.post("/api/v1/lead/", json={"name": f"L{n}"}, headers=KEY)
    first = (await mock_client.get("/__mock/requests", params={"limit": 2})).json()
    assert [e["seq"] for e in first["requests"]] == [1, 2]
    assert (first["count"], first["last_seq"], first["capacity"]) == (2, 5, JOURNAL_SIZE)
    rest = (await mock_client.get("/__mock/requests", params={"since": 2})).json()
    assert [e["body"]["name"] for e in rest["requests"]] == ["L2", "L3", "L4"]
    assert (await mock_client.get("/__mock/requests", params={"since": 5})).json()["count"] == 0


async def test_a_small_ring_over_http_reports_what_it_dropped():
    app = create_app(journal_size=2)
    async with open_mock_client(app, "loopback") as client:
        for n in range(4):
            await client.post("/api/v1/lead/", json={"name": f"L{n}"}, headers=KEY)
        journal = (await client.get("/__mock/requests")).json()
    assert [e["seq"] for e in journal["requests"]] == [3, 4]
    assert (journal["first_seq"], journal["total"]) == (3, 4)
    assert len(get_mock_state(app).close_leads) == 4  # the records are not the journal


async def test_state_path_counts_records_and_duplicates(mock_client):
    lead = {"name": "Acme", "contacts": [{"emails": [{"email": "a@acme.com"}]}]}
    for _ in range(2):
        await mock_client.post("/api/v1/lead/", json=lead, headers=KEY)
    summary = (await mock_client.get("/__mock/state")).json()
    assert summary["crms"]["close"] == {
        "records": 2, "duplicates": 1, "created": 2, "lost_responses": 0, "rate_limited": 0
    }  # fmt: skip
    assert summary["crms"]["apollo"]["records"] == 0
    assert summary["limits"] == {"enforce": True, "scale": 1.0}
    assert summary["journal"]["kept"] == 2
