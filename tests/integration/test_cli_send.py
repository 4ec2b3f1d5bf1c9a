"""``signaltui send``: in-process mock, a real loopback mock server, live guards, exit codes."""

import json

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.config import Credentials
from signaltui.mock import create_app
from signaltui.mock.server import serve_in_thread
from signaltui.store import Store
from tests.helpers import FIXTURES

EVENTS = FIXTURES / "events"


def invoke(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def json_lines(output):
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_send_to_in_process_mock_delivers_and_stores(isolated_signaltui_env):
    result = invoke(
        "send", str(EVENTS / "outreach-demo-requested.jsonl"), "-d", "outreach", "--json"
    )
    assert result.exit_code == 0, result.output
    identify, track = json_lines(result.output)
    assert identify["outcome"] == "dropped" and identify["reason"] == "identify_only"
    assert track["outcome"] == "delivered" and track["response"]["status"] == 201
    assert track["response"]["body"]["data"]["attributes"]["tags"] == ["Signal", "demo-request"]
    assert track["request"]["headers"]["Authorization"] == "Bearer ***"
    with Store.open(isolated_signaltui_env / "store.db") as store:
        detail = store.get_delivery(track["delivery_id"])
    assert detail.outcome == "delivered" and detail.response.status == 201
    assert detail.event_row.email == "jane.doe@acme.com"


def test_spec_example_to_real_loopback_mock_server_prints_201():
    with serve_in_thread(create_app()) as url:
        result = invoke(
            "send", str(EVENTS / "outreach-demo-requested.jsonl"), "-d", "outreach", "--target", url
        )
    assert result.exit_code == 0, result.output
    assert f"outreach · Demo Requested → {url} · DELIVERED 201" in result.output


def test_rejected_delivery_exits_1_with_the_spec_hint():
    result = invoke("send", str(EVENTS / "apollo-session.jsonl"), "-d", "apollo", "--json")
    assert result.exit_code == 1
    rejected = [line for line in json_lines(result.output) if line["outcome"] == "rejected"]
    assert len(rejected) == 1 and rejected[0]["response"]["status"] == 422
    assert "first and last name" in rejected[0]["hint"]


def test_a_refusal_hint_reads_the_crms_answer(isolated_signaltui_env, tmp_path):
    # Against a real loopback mock: the second send of the same prospect is Outreach's
    # duplicate 422, and a blueprint writing a read-only attribute gets its own 422.
    events = str(EVENTS / "outreach-demo-requested.jsonl")
    read_only = tmp_path / "outreach.yaml"
    read_only.write_text(
        "version: 1\ndestination: outreach\nextends: preset\n"
        "fields:\n  /data/attributes/createdAt: {value: '2026-01-01'}\n"
    )
    with serve_in_thread(create_app()) as url:
        assert invoke("send", events, "-d", "outreach", "-t", url).exit_code == 0
        again = invoke("send", events, "-d", "outreach", "-t", url, "--json")
        field = invoke("--blueprints", str(read_only), "send", str(EVENTS / "demo-requested.json"),
                       "-d", "outreach", "-t", url, "--json")  # fmt: skip
    assert again.exit_code == 1 and field.exit_code == 1
    duplicate = json_lines(again.output)[-1]
    assert duplicate["outcome"] == "rejected"
    assert duplicate["hint"].startswith("A prospect with this email already exists in Outreach")
    (refused,) = json_lines(field.output)
    assert refused["hint"].startswith(
        "Outreach refused /data/attributes/createdAt: Attribute 'createdAt' is read-only."
    )
    with Store.open(isolated_signaltui_env / "store.db") as store:
        assert store.get_delivery(refused["delivery_id"]).hint == refused["hint"]


def test_dead_letter_against_a_flaky_server_exits_1(monkeypatch):
    monkeypatch.setenv("SIGNALTUI_DELIVERY__MAX_ATTEMPTS", "2")
    monkeypatch.setenv("SIGNALTUI_DELIVERY__BACKOFF_BASE", "0")
    with serve_in_thread(create_app(faults="flaky")) as url:
        result = invoke(
            "send", str(EVENTS / "close-lead-submitted.jsonl"), "-d", "close", "-t", url, "--json"
        )
    assert result.exit_code == 1
    track = json_lines(result.output)[-1]
    # Two sends, each (a 503, a dropped connection) followed by a look-up.
    assert (track["outcome"], track["attempts"]) == ("dead_lettered", 4)


def test_live_without_yes_is_refused_without_a_terminal():
    result = invoke("send", str(EVENTS / "demo-requested.json"), "-d", "close", "-t", "live")
    assert result.exit_code == 2
    assert "live sends need confirmation" in result.output


def test_live_with_yes_but_no_credentials_is_refused_before_any_request():
    result = invoke(
        "send", str(EVENTS / "demo-requested.json"), "-d", "close", "-t", "live", "--yes"
    )
    assert result.exit_code == 2
    assert "no close credentials configured" in result.output


@pytest.mark.parametrize("target", ["ftp://x", "http://127.0.0.1:1/api", "staging"])
def test_bad_target_is_bad_input(target):
    result = invoke("send", str(EVENTS / "demo-requested.json"), "-t", target)
    assert result.exit_code == 2 and "--target" in result.output


def test_configured_wrong_key_gets_the_mocks_401(monkeypatch):
    # The mock accepts exactly the key it was built with; the client sends another one.
    monkeypatch.setenv("SIGNALTUI_APOLLO_API_KEY", "key-the-client-sends")
    strict = create_app(credentials=Credentials(apollo_api_key="the-only-valid-key"))
    with serve_in_thread(strict) as url:
        result = invoke(
            "send", str(EVENTS / "demo-requested.json"), "-d", "apollo", "-t", url, "--json"
        )
    line = json_lines(result.output)[0]
    assert result.exit_code == 1
    assert (line["outcome"], line["response"]["status"]) == ("rejected", 401)
    assert "Create a Contact" in line["hint"]
    assert "key-the-client-sends" not in result.output
