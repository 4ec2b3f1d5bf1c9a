"""Secrets never reach a recording: headers, secret body keys, and known secret strings."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from signaltui.recordings import Exchange, RecordingWriter, iter_exchanges, redact_exchange

CLOSE_KEY = "api_5ecretCloseKey0123"
APOLLO_KEY = "apollo-K3y-xyz987654"
ACCESS = "outreach-access-AAA111"
REFRESH = "outreach-refresh-RRR222"
CLIENT_SECRET = "cl!ent s3cret/+="  # needs URL-encoding: caught in its encoded forms too
SECRETS = [CLOSE_KEY, APOLLO_KEY, ACCESS, REFRESH, CLIENT_SECRET]


def exchange(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "x",
        "recorded_at": "2026-11-22T10:00:00Z",
        "destination": "close",
        "target": "live",
        "event": {"type": "track", "traits": {"email": "jane@acme.com"}},
        "decision": {"action": "deliver", "reason": None},
        "request": None,
        "response": None,
        "outcome": "delivered",
        "attempts": 1,
    }
    data.update(changes)
    return data


def leaky_exchanges() -> list[dict[str, Any]]:
    basic = base64.b64encode(f"{CLOSE_KEY}:".encode()).decode()
    return [
        exchange(
            request={
                "method": "POST",
                "url": "https://api.close.com/api/v1/lead/",
                "headers": {"Authorization": f"Basic {basic}"},
                "body": {},
            }
        ),
        exchange(
            destination="apollo",
            request={
                "method": "POST",
                "url": f"https://x/api/v1/contacts?api_key={APOLLO_KEY}",
                "headers": {"X-Api-Key": APOLLO_KEY, "Content-Type": "application/json"},
                "body": {"note": f"key was {APOLLO_KEY} oops"},
            },
            response={
                "status": 401,
                "headers": {"Set-Cookie": "s=abc"},
                "body": {"error": f"invalid key {APOLLO_KEY}"},
            },
        ),
        exchange(
            destination="outreach",
            request={
                "method": "POST",
                "url": "https://api.outreach.io/api/v2/prospects",
                "headers": {"Authorization": f"Bearer {ACCESS}"},
                "body": {},
            },
            response={
                "status": 200,
                "headers": {"X-Auth-Token": "zzz-hidden-zzz"},
                "body": {
                    "access_token": ACCESS,
                    "refresh_token": REFRESH,
                    "token_type": "bearer",
                    "expires_in": 7200,
                },
            },
        ),
        exchange(
            destination="outreach",
            request={
                "method": "POST",
                "url": "https://api.outreach.io/oauth/token",
                "headers": {},
                "body": "grant_type=refresh_token&client_secret=other-unknown-secret"
                f"&refresh_token={REFRESH}&client_id=cid",
            },
            response={
                "status": 400,
                "headers": {},
                "body": json.dumps({"refresh_token": "unlisted-token-value"}),
            },
            outcome="failed",
        ),
        exchange(
            event={
                "type": "track",
                "properties": {
                    "deep": [{"text": f"see {CLIENT_SECRET} here"}],
                    "url": "https://example.com/?s=" + "cl%21ent%20s3cret%2F%2B%3D",
                    "form": "q=cl%21ent+s3cret%2F%2B%3D",
                    "password": "hunter2-pw",
                },
            }
        ),
    ]


def test_no_secret_reaches_the_written_file(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    with RecordingWriter(path, secrets=SECRETS) as writer:
        for item in leaky_exchanges():
            writer.write(item)

    raw = path.read_bytes()
    basic = base64.b64encode(f"{CLOSE_KEY}:".encode())
    forbidden = [s.encode() for s in SECRETS] + [
        basic,
        b"other-unknown-secret",
        b"unlisted-token-value",
        b"zzz-hidden-zzz",
        b"hunter2-pw",
        b"s=abc",
        b"cl%21ent",
        b"cl%21ent+s3cret",
    ]
    leaked = [s for s in forbidden if s in raw]
    assert leaked == []
    assert raw.count(b"\n") == 5  # every exchange still written, one line each


def test_redaction_keeps_the_shape_and_non_secret_data(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    with RecordingWriter(path, secrets=SECRETS) as writer:
        for item in leaky_exchanges():
            writer.write(item)
    # As plain dicts: the assertions read like the file and need no None checks.
    close, apollo, outreach, token, event = (e.model_dump() for _, e in iter_exchanges(path))

    assert close["request"]["headers"] == {"Authorization": "Basic ***"}
    assert apollo["request"]["headers"] == {"X-Api-Key": "***", "Content-Type": "application/json"}
    assert apollo["request"]["url"].endswith("?api_key=***")
    assert apollo["response"]["body"] == {"error": "invalid key ***"}
    assert outreach["request"]["headers"] == {"Authorization": "Bearer ***"}
    assert outreach["response"]["body"] == {
        "access_token": "***",
        "refresh_token": "***",
        "token_type": "bearer",
        "expires_in": 7200,
    }
    assert token["request"]["body"] == (
        "grant_type=refresh_token&client_secret=***&refresh_token=***&client_id=cid"
    )
    assert apollo["event"]["traits"] == {"email": "jane@acme.com"}
    assert event["event"]["properties"]["deep"] == [{"text": "see *** here"}]
    assert event["event"]["properties"]["password"] == "***"


def test_redact_returns_the_same_kind_and_leaves_the_input_alone() -> None:
    original = leaky_exchanges()[2]
    snapshot = json.dumps(original)

    as_dict = redact_exchange(original, SECRETS)
    as_model = redact_exchange(Exchange.model_validate(original), SECRETS)

    assert json.dumps(original) == snapshot
    assert isinstance(as_dict, dict) and isinstance(as_model, Exchange)
    assert as_model.model_dump()["response"]["body"] == as_dict["response"]["body"]
    assert redact_exchange(as_dict, SECRETS) == as_dict  # idempotent


def test_header_masking_applies_without_any_known_secret() -> None:
    redacted = redact_exchange(leaky_exchanges()[2])
    assert redacted["request"]["headers"] == {"Authorization": "Bearer ***"}
    assert ACCESS not in json.dumps(redacted)
