"""Defence in depth: the store masks credentials even when a caller forgets."""

from __future__ import annotations

from pathlib import Path

from signaltui.delivery.outcomes import DeliveryResult, RecordedResponse
from signaltui.store import Store, StoreItem
from signaltui.store.samples import sample_event, sample_request, sample_result, stamp

SECRETS = ("abc", "ck-secret-2", "k-secret-9", "rt-secret-7", "cs-secret-5", "tok-secret-3")
LEAKY_HEADERS = {"Authorization": "Basic abc", "X-Api-Key": "k-secret-9"}


def _file_bytes(folder: Path) -> bytes:
    # The main file plus any WAL/SHM left behind: a secret must be in none of them.
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())


def _leaky_result() -> DeliveryResult:
    result = sample_result("outreach", "delivered", attempts=2, headers=LEAKY_HEADERS)
    token_body = {"refresh_token": "rt-secret-7", "client_secret": "cs-secret-5", "n": 1}
    request = sample_request("outreach", dict(LEAKY_HEADERS)).model_copy(
        update={"url": "http://127.0.0.1:1/api/v2/prospects?api_key=tok-secret-3&page=2",
                "body": token_body}
    )  # fmt: skip
    response = RecordedResponse(
        status=200,
        headers={"Set-Cookie": "session=ck-secret-2"},
        body={"access_token": "tok-secret-3"},
    )
    return result.model_copy(update={"request": request, "response": response})


def test_secret_headers_are_masked_before_writing(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        event_id = store.record_event(sample_event(), sample_event(), stamp(0))
        decision = {"action": "deliver", "request": {"headers": dict(LEAKY_HEADERS)}}
        delivery_id = store.record_delivery(event_id, decision, _leaky_result(), mode="send")
        got = store.get_delivery(delivery_id)

    for attempt in got.attempts:
        assert attempt.request.headers["Authorization"] == "Basic ***"
        assert attempt.request.headers["X-Api-Key"] == "***"
    assert got.request is not None and got.response is not None
    assert got.request.headers == {"Authorization": "Basic ***", "X-Api-Key": "***"}
    assert got.request.url.endswith("?api_key=***&page=2")
    assert got.request.body == {"refresh_token": "***", "client_secret": "***", "n": 1}
    assert got.response.headers == {"Set-Cookie": "***"}
    assert got.response.body == {"access_token": "***"}
    assert got.decision["request"]["headers"] == {"Authorization": "Basic ***", "X-Api-Key": "***"}

    stored = _file_bytes(tmp_path)
    assert b"Basic ***" in stored  # the masked form is there, so the grep looks at real data
    for secret in SECRETS:
        assert secret.encode() not in stored, secret


def test_bulk_writes_are_redacted_too(tmp_path: Path) -> None:
    item = StoreItem(
        event=sample_event(), merged=sample_event(), received_at=stamp(0),
        decision={"action": "deliver"}, result=_leaky_result(),
    )  # fmt: skip
    with Store.open(tmp_path / "bulk.db") as store:
        store.record_many([item, item])
        assert store.db.execute("SELECT count(*) FROM attempts").fetchone() == (4,)
    stored = _file_bytes(tmp_path)
    for secret in SECRETS:
        assert secret.encode() not in stored, secret
