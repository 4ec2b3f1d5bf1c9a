"""HAR 1.2 out and in: schema-valid exports, lossless round trips, foreign captures."""

import json

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signaltui.cli import main
from signaltui.recordings import Exchange, iter_exchanges
from signaltui.recordings.har import HarWriter
from signaltui.recordings.har_import import import_har
from tests.helpers import FIXTURES, ROOT

SCHEMA = json.loads((ROOT / "tests" / "data" / "har-1.2.schema.json").read_text())
SESSIONS = {
    "apollo": "apollo-session.jsonl",
    "outreach": "outreach-session.jsonl",
    "close": "close-session.jsonl",
}


def invoke(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


@pytest.fixture
def stored():
    """A store holding delivered, rejected and dropped deliveries for all three CRMs."""
    for destination, name in SESSIONS.items():
        result = invoke("send", FIXTURES / "events" / name, "-d", destination)
        assert result.exit_code in (0, 1), result.output


def test_the_schema_itself_refuses_what_har_forbids():
    # The schema must have teeth, or a passing validation below would prove nothing.
    validator = jsonschema.Draft202012Validator(SCHEMA)
    good = {"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": []}}
    assert validator.is_valid(good)
    assert not validator.is_valid({"log": {**good["log"], "signaltui": {}}})  # no "_" prefix
    assert validator.is_valid({"log": {**good["log"], "_signaltui": {}}})
    assert not validator.is_valid({"log": {**good["log"], "version": "1.1"}})


def test_export_har_validates_and_carries_the_exchange(stored, tmp_path):
    har_path, jsonl_path = tmp_path / "out.har", tmp_path / "out.jsonl"
    assert invoke("recordings", "export", "--format", "har", "-o", har_path).exit_code == 0
    assert invoke("recordings", "export", "-o", jsonl_path).exit_code == 0
    har = json.loads(har_path.read_text())
    jsonschema.validate(har, SCHEMA, cls=jsonschema.Draft202012Validator)
    recorded = [e for _, e in iter_exchanges(jsonl_path)]
    with_request = [e for e in recorded if e.request is not None]
    entries = har["log"]["entries"]
    assert len(entries) == len(with_request) >= 6
    kept = har["log"]["_signaltui"]["without_request"]
    assert len(kept) == len(recorded) - len(with_request) >= 1
    assert all(item["outcome"] == "dropped" for item in kept)
    for entry, exchange in zip(entries, with_request, strict=True):
        block = entry["_signaltui"]
        assert block["id"] == exchange.id and block["outcome"] == exchange.outcome
        assert block["event"] == exchange.event
        assert block["decision"]["trace"] == exchange.decision.trace
        assert entry["request"]["url"] == exchange.request.url
        assert entry["response"]["status"] == exchange.response.status


def test_har_round_trip_is_lossless(stored, tmp_path):
    har_path, direct, back = tmp_path / "o.har", tmp_path / "direct.jsonl", tmp_path / "b.jsonl"
    invoke("recordings", "export", "--format", "har", "-o", har_path)
    invoke("recordings", "export", "-o", direct)
    result = invoke("recordings", "import", har_path, "-o", back)
    assert result.exit_code == 0, result.output
    assert "0 captured without an event" in result.output
    assert back.read_text() == direct.read_text()


def test_round_trip_of_shipped_recordings_keeps_missing_responses(tmp_path):
    # The shipped Close recording has a dead-lettered exchange with no response at all.
    originals = [
        e for f in sorted((ROOT / "recordings").glob("*.jsonl")) for _, e in iter_exchanges(f)
    ]
    assert any(e.request is not None and e.response is None for e in originals)
    with HarWriter(tmp_path / "r.har") as writer:
        for exchange in originals:
            writer.write(exchange)
    jsonschema.validate(json.loads((tmp_path / "r.har").read_text()), SCHEMA)
    restored = import_har(tmp_path / "r.har").exchanges
    assert [e.model_dump() for e in restored] == [e.model_dump() for e in originals]


def test_export_har_redacts_configured_secrets(stored, tmp_path, monkeypatch):
    # A secret that reached a stored body (it never should) is still masked in the HAR.
    monkeypatch.setenv("SIGNALTUI_CLOSE_API_KEY", "acme.com")
    har_path = tmp_path / "o.har"
    assert invoke("recordings", "export", "--format", "har", "-o", har_path).exit_code == 0
    assert "acme.com" not in har_path.read_text()


FOREIGN = ROOT / "tests" / "data" / "foreign-capture.har"
#: Every credential the hand-written capture holds, in every place a capture puts them.
FOREIGN_SECRETS = [
    "apollo-live-K3y-9f8e7d6c",  # X-Api-Key header, api_key query and JSON body field
    "OUTREACH-S3CRET+abcdef",  # client_secret in a form body (URL-encoded there) and params
    "RT-live-0987654321",  # refresh_token sent
    "RT-new-665544332211",  # refresh_token answered
    "AT-live-112233445566",  # access_token answered, Bearer header, echoed in a base64 body
    "AUTHCODE-778899",  # an OAuth authorization code
    "api_CLOSEKEY1234567",  # Close Basic credentials, and pasted into a description
    "COOKIE-VAL-424242",  # Cookie header and HAR cookies
    "CSRF-9999aaaa",
    "COOKIE-NEW-737373",  # Set-Cookie
]


def _forms(secret):
    from base64 import b64encode
    from urllib.parse import quote, quote_plus

    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        b64encode(secret.encode()).decode(),
        b64encode(f"{secret}:".encode()).decode(),
    }


def test_foreign_capture_imports_with_every_secret_gone(tmp_path):
    raw = FOREIGN.read_text()
    assert all(any(f in raw for f in _forms(s)) for s in FOREIGN_SECRETS)  # they are there
    out = tmp_path / "captured.jsonl"
    result = invoke("recordings", "import", FOREIGN, "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    leaks = [(s, f) for s in FOREIGN_SECRETS for f in _forms(s) if f in text]
    assert leaks == []
    exchanges = [e for _, e in iter_exchanges(out)]
    assert [e.destination for e in exchanges] == ["apollo"] * 2 + ["outreach"] * 3 + ["close"]
    assert all(e.event == {} and e.target == "live" for e in exchanges)
    assert [e.outcome for e in exchanges] == [
        "delivered",
        "rejected",
        "delivered",
        "rejected",
        "delivered",
        "delivered",
    ]
    # What is not secret survives: the lead, the answer's structure, header names.
    close = exchanges[-1]
    assert close.request.body["contacts"][0]["name"] == "Jane Doe"
    assert close.response.body["id"] == "lead_AbCdEf123"
    assert close.request.headers["Authorization"] == "Basic ***"
    assert "Set-Cookie" in close.response.headers
    assert exchanges[4].response.body["data"]["id"] == 4242  # base64 content decoded
    assert ":authority" not in exchanges[0].request.headers
    assert "skipped 2 entries for other hosts" in result.output
    assert "www.google-analytics.com x1" in result.output and "app.close.com x1" in result.output
    assert "skipped 1 outside the CRM APIs" in result.output


def test_import_is_deterministic(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    invoke("recordings", "import", FOREIGN, "-o", first)
    invoke("recordings", "import", FOREIGN, "-o", second)
    assert first.read_text() == second.read_text()  # ids come from the entries' content


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "invalid JSON"),
        ('{"log": {}}', "no log.entries"),
        ('{"log": {"version": "1.2", "entries": [{"request": {}}]}}', "missing"),
        (
            '{"log": {"entries": [{"request": {"method": "GET", "url": "https://x.org/"}}]}}',
            "nothing to import",
        ),
    ],
)
def test_bad_har_is_exit_2_naming_the_file(tmp_path, content, message):
    bad = tmp_path / "bad.har"
    bad.write_text(content)
    out = tmp_path / "out.jsonl"
    result = invoke("recordings", "import", bad, "-o", out)
    assert result.exit_code == 2 and message in result.output
    assert str(bad) in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_captured_exchanges_round_trip_through_har_too(tmp_path):
    captured = import_har(FOREIGN).exchanges
    with HarWriter(tmp_path / "again.har") as writer:
        for exchange in captured:
            writer.write(exchange)
    jsonschema.validate(json.loads((tmp_path / "again.har").read_text()), SCHEMA)
    again = import_har(tmp_path / "again.har")
    assert (again.restored, again.captured) == (len(captured), 0)
    assert [e.model_dump() for e in again.exchanges] == [e.model_dump() for e in captured]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    request_body=_json, response_body=_json, latency=st.floats(0, 1e6), status=st.integers(100, 599)
)
def test_any_bodies_round_trip(tmp_path, request_body, response_body, latency, status):
    exchange = Exchange.model_validate(
        {
            "id": "x1",
            "recorded_at": "2026-01-01T00:00:00.000Z",
            "destination": "close",
            "target": "mock",
            "event": {"type": "track", "event": "E"},
            "decision": {"action": "deliver"},
            "request": {
                "method": "POST",
                "url": "https://api.close.com/api/v1/lead/?a=1",
                "headers": {"Content-Type": "text/plain"},
                "body": request_body,
            },
            "response": {
                "status": status,
                "headers": {},
                "body": response_body,
                "latency_ms": latency,
            },
            "outcome": "delivered",
            "attempts": 1,
        }
    )
    path = tmp_path / "one.har"
    with HarWriter(path) as writer:
        written = writer.write(exchange)
    (restored,) = import_har(path).exchanges
    assert restored.model_dump() == written.model_dump()


def test_export_har_to_stdout(stored):
    result = invoke("recordings", "export", "--format", "har", "-o", "-")
    assert result.exit_code == 0
    har = json.loads(result.stdout)
    jsonschema.validate(har, SCHEMA)
    assert len(har["log"]["entries"]) >= 6
