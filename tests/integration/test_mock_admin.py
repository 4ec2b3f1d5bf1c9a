"""The ``/__mock`` admin API (journal, reset, faults) and ``signaltui mock serve``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.errors import InputError
from signaltui.mock.cli import command
from signaltui.mock.server import serve_in_thread


async def test_journal_records_requests_as_received(mock_client):
    await mock_client.post(
        "/api/v1/contacts?x=1",
        json={"first_name": "A", "last_name": "B"},
        headers={"X-Api-Key": "key-1"},
    )
    await mock_client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": "r", "client_id": "c"},
    )
    await mock_client.get("/__mock/faults")  # admin calls are not journaled
    journal = (await mock_client.get("/__mock/requests")).json()
    assert journal["count"] == 2
    apollo, token = journal["requests"]
    assert (apollo["crm"], apollo["method"], apollo["path"]) == (
        "apollo",
        "POST",
        "/api/v1/contacts",
    )
    assert apollo["query"] == "x=1"
    assert apollo["headers"]["x-api-key"] == "key-1"
    assert apollo["body"] == {"first_name": "A", "last_name": "B"}
    assert apollo["status"] == 200 and apollo["received_at"].endswith("Z")
    assert token["body"]["grant_type"] == "refresh_token"
    assert token["status"] == 401  # no client_secret
    only = (await mock_client.get("/__mock/requests", params={"crm": "outreach"})).json()
    assert [e["path"] for e in only["requests"]] == ["/oauth/token"]


async def test_unknown_paths_are_journaled_404s(mock_client):
    response = await mock_client.post("/v1/contacts", json={})
    assert response.status_code == 404
    assert "POST /api/v1/contacts" in response.json()["routes"]
    journal = (await mock_client.get("/__mock/requests")).json()["requests"]
    assert (journal[0]["path"], journal[0]["status"], journal[0]["crm"]) == (
        "/v1/contacts",
        404,
        None,
    )


async def test_reset_clears_journal_and_records(mock_client):
    auth = {"Authorization": "Bearer api_k"}
    lead = (await mock_client.post("/api/v1/lead/", json={"name": "Acme"}, headers=auth)).json()
    assert (await mock_client.post("/__mock/reset")).json() == {"reset": True}
    assert (await mock_client.get("/__mock/requests")).json()["count"] == 0
    gone = await mock_client.get(f"/api/v1/lead/{lead['id']}/", headers=auth)
    assert gone.status_code == 404


async def test_faults_can_be_read_and_switched(mock_client):
    current = (await mock_client.get("/__mock/faults")).json()
    assert current["profile"] == "none" and "mixed" in current["profiles"]
    switched = await mock_client.post("/__mock/faults", json={"profile": "slow"})
    assert switched.status_code == 200 and switched.json()["profile"] == "slow"
    refused = await mock_client.post("/__mock/faults", json={"profile": "chaos"})
    assert refused.status_code == 400
    assert "unknown fault profile" in refused.json()["error"]
    assert (await mock_client.get("/__mock/faults")).json()["profile"] == "slow"


def test_serve_help_lists_every_profile():
    result = CliRunner().invoke(command, ["--help"])
    assert result.exit_code == 0
    for name in ("none", "rate-limited", "flaky", "slow", "token-expiry", "mixed"):
        assert name in result.output
    assert "dropped connection" in result.output


def test_serve_rejects_an_unknown_profile():
    result = CliRunner().invoke(command, ["--faults", "chaos"])
    assert result.exit_code == 2
    assert "chaos" in result.output


def test_serve_refuses_a_non_loopback_host():
    result = CliRunner().invoke(command, ["--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 2
    assert "refusing to serve" in result.output and "--allow-remote" in result.output


def test_serve_reads_the_config_file_given_to_signaltui(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('close_api_key = "api_k"\nno_such_setting = 1\n')
    # A remote host too, so a command that ignored --config would fail fast, not serve.
    args = ["--config", str(config), "mock", "serve", "--host", "0.0.0.0", "--port", "0"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "no_such_setting" in result.output and "refusing" not in result.output


def test_serve_in_thread_refuses_a_non_loopback_host():
    with pytest.raises(InputError), serve_in_thread({}, host="0.0.0.0"):
        pass


def test_journal_copies_the_newest_records_or_one_by_number():
    from signaltui.mock.journal import Journal

    journal = Journal()
    for n in range(5):
        journal.add(
            crm="apollo" if n % 2 else "close", method="POST", path=f"/p{n}", query="",
            headers={}, body={"n": n}, now=0.0,
        )  # fmt: skip
    assert [e["seq"] for e in journal.entries(last=2)] == [4, 5]
    assert [e["seq"] for e in journal.entries("close", last=2)] == [3, 5]
    assert len(journal.entries(last=99)) == 5
    third = journal.entry(3)
    assert third is not None and third["path"] == "/p2"
    third["body"]["n"] = "changed"  # a copy: the journal keeps what arrived
    assert journal.entry(3)["body"] == {"n": 2}
    assert journal.entry(0) is None and journal.entry(6) is None
    journal.clear()
    assert journal.entry(1) is None
