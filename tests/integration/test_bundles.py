"""Repro bundles end to end: a real store, a loopback mock, `bundle`, `replay FILE.zip`.

Each delivery is sent with the CLI to a CRM mock served on 127.0.0.1 (or to a plain
loopback server that always fails or echoes), bundled, opened as a zip and replayed.
"""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import zipfile
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from click.testing import CliRunner, Result

from signaltui.bundle.hashing import PiiHasher
from signaltui.cli import main
from signaltui.delivery.outcomes import DeliveryResult, RecordedRequest, RecordedResponse
from signaltui.store import Store
from tests.helpers import loopback_http, track

EMAIL = "jane.doe@acme.com"
MESSAGE = "Please call me back about pricing for our whole team"
#: Every raw PII text of the event below, as it or its normal forms could appear.
PII = ["jane.doe@acme.com", "jane.doe%40acme.com", "Jane", "Doe", "Acme", "+447700900123",
       "7700 900123", "7700900123", "user-1", "Please call me back"]  # fmt: skip
EXPECTED_FILES = {
    "manifest.json", "event.json", "event-raw.json", "decision.json", "request.json",
    "response.json", "attempts.json", "journal.json", "verdict.json", "config.json",
    "recording.jsonl",
}  # fmt: skip


def lead(**overrides: Any) -> dict[str, Any]:
    event = track("Lead Submitted", properties={"message": MESSAGE, "lead_type": "Pricing"})
    event.update(overrides)
    return event


def cli(*args: str, db: Path) -> Result:
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    assert "Traceback" not in result.output
    return result


def send(tmp_path: Path, target: str, event: dict[str, Any] | None = None) -> Path:
    """Send one event to Close at ``target`` with the CLI; return the store."""
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps(event or lead()) + "\n")
    db = tmp_path / "store.db"
    cli("send", str(events), "-d", "close", "--target", target, db=db)
    return db


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def tokens(contents: dict[str, bytes], pattern: str) -> set[str]:
    return {m for data in contents.values() for m in re.findall(pattern, data.decode())}


def test_round_trip_bundle_contents_and_replay(tmp_path: Path, mock_server: str) -> None:
    db = send(tmp_path, mock_server)
    bundle = tmp_path / "b.zip"
    previous = os.umask(0o002)  # a permissive umask: only the code's modes make it private
    try:
        result = cli("bundle", "delivery-1", "-o", str(bundle), db=db)
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert f"wrote {bundle}" in result.output
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600
    with zipfile.ZipFile(bundle) as archive:
        assert {info.filename for info in archive.infolist()} == EXPECTED_FILES
        assert {(info.external_attr >> 16) & 0o777 for info in archive.infolist()} == {0o600}
    contents = members(bundle)
    manifest = json.loads(contents["manifest.json"])
    assert (manifest["format"], manifest["version"]) == ("signaltui.bundle", 1)
    assert manifest["signaltui_version"] and manifest["created_at"].endswith("Z")
    assert set(manifest["files"]) == EXPECTED_FILES
    assert "salt" in manifest["pii"] and manifest["check"] == {"matches": True, "differences": []}
    with Store.open(db) as store:
        stored = store.get_delivery(1)
    attempts = json.loads(contents["attempts.json"])
    assert len(attempts) == stored.attempt_count == 1
    journal = json.loads(contents["journal.json"])
    assert [(e["method"], e["path"], e["status"]) for e in journal] == [
        ("POST", "/api/v1/lead/", 200)
    ]
    assert journal[0]["body"] == json.loads(contents["request.json"])["body"]
    verdict = json.loads(contents["verdict.json"])
    assert (verdict["outcome"], verdict["delivery"]) == ("delivered", "delivery-1")
    config = json.loads(contents["config.json"])
    assert config["credentials"]["close_api_key"] is None and "db" not in config
    assert json.loads(contents["response.json"])["status"] == 200

    replayed = cli("replay", str(bundle), db=db)
    assert replayed.exit_code == 0, replayed.output
    assert "verify: pass" in replayed.output
    assert "re-run on mock: delivered → delivered; pass" in replayed.output
    with Store.open(db) as store:  # the re-run went to a scratch store
        assert len(store.list_deliveries()) == 1
    verified = cli("replay", str(bundle), "--mode", "verify", db=db)
    assert verified.exit_code == 0 and "re-run" not in verified.output


def test_same_email_hashes_the_same_within_a_bundle_and_not_across(
    tmp_path: Path, mock_server: str
) -> None:
    db = send(tmp_path, mock_server)
    first, second = tmp_path / "1.zip", tmp_path / "2.zip"
    for path in (first, second):
        assert cli("bundle", "1", "-o", str(path), db=db).exit_code == 0
    one, two = members(first), members(second)
    email = r"h-[0-9a-f]{16}@example\.invalid"
    [token] = tokens(one, email)  # one token for the one email, in every file
    for name in ("event.json", "event-raw.json", "request.json", "response.json",
                 "attempts.json", "journal.json", "recording.jsonl"):  # fmt: skip
        assert token in one[name].decode(), name
    assert tokens(two, email) and tokens(two, email) != {token}
    request = json.loads(one["request.json"])["body"]
    event = json.loads(one["event.json"])
    contact = request["contacts"][0]
    assert contact["emails"] == [{"email": token}] and event["traits"]["email"] == token
    first_name, last_name = event["traits"]["firstName"], event["traits"]["lastName"]
    assert contact["name"] == f"{first_name} {last_name}"  # joined like the originals
    phone = contact["phones"][0]["phone"]
    parsed = phonenumbers.parse(phone, None)
    assert phonenumbers.is_valid_number(parsed) and parsed.country_code == 44
    assert phone == phonenumbers.format_number(
        phonenumbers.parse(event["traits"]["phone"], None), phonenumbers.PhoneNumberFormat.E164
    )


class _EchoClose(BaseHTTPRequestHandler):
    """A Close stand-in that echoes the credential and the whole request body back."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        auth = self.headers.get("Authorization", "")
        key = base64.b64decode(auth.split(" ", 1)[1]).decode()
        answer = json.dumps({"id": "lead_1", "seen": auth, "key": key, "echo": body.decode()})
        data = answer.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Echo", auth)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


SECRET = "api_Bundle+Planted/Secret=1"


def test_no_raw_pii_and_no_secret_in_the_zip(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'close_api_key = "{SECRET}"\n')
    monkeypatch.setenv("SIGNALTUI_CONFIG", str(config))
    with loopback_http(_EchoClose) as server:
        db = send(tmp_path, f"http://127.0.0.1:{server.server_address[1]}")
    # A row the store kept without knowing the secret: the bundle must remove it itself.
    with Store.open(db) as store:
        event = lead()
        event_id = store.record_event(event, event)
        echoed = RecordedResponse(status=200, body={"note": f"key {SECRET} for {EMAIL}"})
        result = DeliveryResult(
            destination="close",
            target="mock",
            outcome="delivered",
            request=RecordedRequest(method="POST", url="https://api.close.com/api/v1/lead/"),
            response=echoed,
        )
        planted = store.record_delivery(event_id, {"action": "deliver"}, result, mode="send")
    for delivery in (1, planted):
        bundle = tmp_path / f"{delivery}.zip"
        made = cli("bundle", str(delivery), "-o", str(bundle), db=db)
        assert made.exit_code == 0, made.output
        contents = members(bundle)
        everything = b"".join([*contents.values(), bundle.read_bytes()]).decode("latin-1")
        assert json.loads(contents["config.json"])["credentials"]["close_api_key"].startswith(
            "<set"
        )
        for form in (SECRET, base64.b64encode(f"{SECRET}:".encode()).decode(), "Bundle+Planted"):
            assert form not in everything, (delivery, form)
        for text in PII:
            assert text.lower() not in everything.lower(), (delivery, text)
    assert "echo" in json.loads(members(tmp_path / "1.zip")["response.json"])["body"]


class _AlwaysDown(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        data = b'{"error": "down"}'
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def test_a_dead_lettered_bundle_holds_every_attempt(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SIGNALTUI_DELIVERY__BACKOFF_BASE", "0")
    with loopback_http(_AlwaysDown) as server:
        db = send(tmp_path, f"http://127.0.0.1:{server.server_address[1]}")
    with Store.open(db) as store:
        stored = store.get_delivery(1)
    assert stored.outcome == "dead_lettered" and stored.attempt_count >= 3
    bundle = tmp_path / "dead.zip"
    assert cli("bundle", "delivery-1", "-o", str(bundle), db=db).exit_code == 0
    contents = members(bundle)
    attempts = json.loads(contents["attempts.json"])
    assert [a["number"] for a in attempts] == [a.number for a in stored.attempts]
    assert [a["response"]["status"] for a in attempts if a["kind"] == "send"] == [500] * 3
    assert len(json.loads(contents["journal.json"])) == len(attempts)
    assert json.loads(contents["verdict.json"])["outcome"] == "dead_lettered"
    replayed = cli("replay", str(bundle), db=db)
    assert replayed.exit_code == 0, replayed.output
    assert "dead_lettered → delivered" in replayed.output


# -- bad input: a clear message and exit 2, never a traceback ----------------------------


@pytest.fixture
def bundle_and_db(tmp_path: Path, mock_server: str) -> tuple[Path, Path]:
    db = send(tmp_path, mock_server)
    bundle = tmp_path / "good.zip"
    assert cli("bundle", "1", "-o", str(bundle), db=db).exit_code == 0
    return bundle, db


def test_bundle_refuses_unknown_delivery_and_unwritable_path(bundle_and_db, tmp_path) -> None:
    _, db = bundle_and_db
    unknown = cli("bundle", "delivery-99", "-o", str(tmp_path / "x.zip"), db=db)
    assert unknown.exit_code == 2 and "there is no delivery with id 99" in unknown.output
    assert not (tmp_path / "x.zip").exists()
    nowhere = cli("bundle", "1", "-o", str(tmp_path / "missing" / "x.zip"), db=db)
    assert nowhere.exit_code == 2 and "cannot write the bundle" in nowhere.output
    assert "-o FILE.zip" in nowhere.output
    not_an_id = cli("bundle", "latest", db=db)
    assert not_an_id.exit_code == 2 and "is not a delivery id" in not_an_id.output


def _rewrite(source: Path, target: Path, change: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            new.writestr(name, change.get(name, old.read(name)))
    return target


def test_replay_refuses_corrupt_foreign_and_newer_bundles(bundle_and_db, tmp_path) -> None:
    bundle, db = bundle_and_db
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip")
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("readme.txt", "hello")
    manifest = json.loads(members(bundle)["manifest.json"])
    newer_manifest = json.dumps({**manifest, "version": 2}).encode()
    newer = _rewrite(bundle, tmp_path / "newer.zip", {"manifest.json": newer_manifest})
    damaged = _rewrite(bundle, tmp_path / "damaged.zip", {"recording.jsonl": b"{not json\n"})
    cases = {
        corrupt: "not a zip file",
        foreign: "the bundle has no manifest.json",
        newer: "bundle format version 2 is newer than this signaltui reads (up to 1)",
        damaged: "the bundle's recording is damaged",
        tmp_path / "absent.zip": "no such bundle file",
    }
    for path, message in cases.items():
        result = cli("replay", str(path), db=db)
        assert result.exit_code == 2, (path, result.output)
        assert message in result.output and "hint:" in result.output, result.output
    mixed = cli("replay", str(bundle), str(tmp_path / "events.jsonl"), db=db)
    assert mixed.exit_code == 2 and "cannot be mixed" in mixed.output
    options = cli("replay", str(bundle), "--junit", str(tmp_path / "r.xml"), "-d", "close", db=db)
    assert options.exit_code == 2
    assert "not taken by a bundle replay: --destination, --junit" in options.output
    assert not (tmp_path / "r.xml").exists()
    verify_to = cli("replay", str(bundle), "--mode", "verify", "-t", "live", db=db)
    assert verify_to.exit_code == 2 and "not taken by a bundle replay: --target" in verify_to.output
    mutate = cli("replay", str(bundle), "--mode", "mutate", db=db)
    assert mutate.exit_code == 2 and "--mode mutate takes recordings" in mutate.output


def test_a_bundle_whose_request_today_maps_differently_fails_verify(bundle_and_db, tmp_path):
    bundle, db = bundle_and_db
    line = json.loads(members(bundle)["recording.jsonl"])
    line["request"]["body"]["description"] = "something else"
    edited = _rewrite(bundle, tmp_path / "edited.zip",
                      {"recording.jsonl": (json.dumps(line) + "\n").encode()})  # fmt: skip
    result = cli("replay", str(edited), db=db)
    assert result.exit_code == 1, result.output
    assert "verify: FAIL" in result.output and "request.body" in result.output
    assert f"{edited}:recording.jsonl" in result.output  # the bundle, not a scratch copy


def test_a_lead_named_like_signaltuis_own_words_still_verifies(tmp_path, mock_server):
    """Company "Demo Signal", last name "Close": the Outreach tags (Signal,
    demo-request), the event name, the destination and the CRM host keep their words."""
    event = lead(event="Demo Requested")
    event["traits"].update({"company": "Demo Signal", "lastName": "Close"})
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps(event) + "\n")
    db = tmp_path / "store.db"
    assert cli("send", str(events), "-d", "outreach", "-t", mock_server, db=db).exit_code == 0
    bundle = tmp_path / "named.zip"
    made = cli("bundle", "1", "-o", str(bundle), db=db)
    assert made.exit_code == 0 and "warning" not in made.output, made.output
    contents = members(bundle)
    assert json.loads(contents["manifest.json"])["check"]["matches"] is True
    body = json.loads(contents["request.json"])["body"]["data"]["attributes"]
    assert body["tags"] == ["Signal", "demo-request"]
    assert "demo" not in body["company"].lower() and "close" not in body["lastName"].lower()
    assert json.loads(contents["event.json"])["event"] == "Demo Requested"
    assert json.loads(contents["verdict.json"])["destination"] == "outreach"
    replayed = cli("replay", str(bundle), db=db)
    assert replayed.exit_code == 0 and "verify: pass" in replayed.output, replayed.output


def test_the_salt_is_never_written(tmp_path: Path, mock_server: str) -> None:
    from signaltui.bundle import build_bundle
    from signaltui.config import load_settings

    db = send(tmp_path, mock_server)
    salt = b"a-known-salt-for-this-test-only!"
    with Store.open(db) as store:
        contents = build_bundle(store.get_delivery(1), load_settings(db=db), salt=salt)
    everything = b"".join(contents.values())
    for form in (salt, salt.hex().encode(), base64.b64encode(salt)):
        assert form not in everything
    again = PiiHasher(salt).email(EMAIL)
    assert again.encode() in everything  # the salt given was the one used


def test_a_lost_answer_and_its_lookup_carry_the_same_hashed_email(
    tmp_path: Path, mock_server: str
) -> None:
    """Dedupe stays reproducible: the look-up that found the lead a lost answer had
    created searches by the very token the create sent."""
    import httpx

    httpx.post(f"{mock_server}/__mock/faults", json={"profile": "lost-response"}).raise_for_status()
    db = send(tmp_path, mock_server)
    bundle = tmp_path / "lost.zip"
    assert cli("bundle", "1", "-o", str(bundle), db=db).exit_code == 0
    contents = members(bundle)
    attempts = json.loads(contents["attempts.json"])
    assert [a["kind"] for a in attempts] == ["send", "lookup"]
    [token] = tokens(contents, r"h-[0-9a-f]{16}@example\.invalid")
    assert token.replace("@", "%40") in attempts[1]["request"]["url"]
    assert token in json.dumps(attempts[1]["response"]["body"])
    journal = json.loads(contents["journal.json"])
    assert [(e["method"], e["status"]) for e in journal] == [("POST", None), ("GET", 200)]
    assert token.replace("@", "%40") in journal[1]["query"]
    replayed = cli("replay", str(bundle), db=db)
    assert replayed.exit_code == 0 and "verify: pass" in replayed.output, replayed.output


OVERLAY = """version: 1
destination: close
extends: preset
fields:
  /description: {value: Set by the bundle test overlay}
"""


def test_the_overlays_in_force_travel_in_the_bundle_and_drive_its_replay(
    tmp_path: Path, mock_server: str
) -> None:
    overlay = tmp_path / "close.yaml"
    overlay.write_text(OVERLAY)
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps(lead()) + "\n")
    db = tmp_path / "store.db"
    sent = cli("send", str(events), "-d", "close", "-t", mock_server,
               "--blueprints", str(overlay), db=db)  # fmt: skip
    assert sent.exit_code == 0, sent.output
    bundle = tmp_path / "overlay.zip"
    made = cli("bundle", "1", "-o", str(bundle), "--blueprints", str(overlay), db=db)
    assert made.exit_code == 0 and "warning" not in made.output, made.output
    contents = members(bundle)
    assert contents["blueprints/01-close.yaml"].decode() == OVERLAY
    assert json.loads(contents["config.json"])["blueprints"] == ["01-close.yaml"]
    body = json.loads(contents["request.json"])["body"]
    assert body["description"] == "Set by the bundle test overlay"
    # The replay plans with the bundled overlay, not with whatever is in force here.
    replayed = cli("replay", str(bundle), db=db)
    assert replayed.exit_code == 0 and "verify: pass" in replayed.output, replayed.output
    # Bundled without the overlay it was sent with: the manifest and a warning say so.
    plain = tmp_path / "plain.zip"
    warned = cli("bundle", "1", "-o", str(plain), db=db)
    assert warned.exit_code == 0 and "warning: today's mapping" in warned.output
    assert json.loads(members(plain)["manifest.json"])["check"]["matches"] is False
    assert cli("replay", str(plain), db=db).exit_code == 1
