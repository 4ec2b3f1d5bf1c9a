"""``replay --mode send --plan``: nothing sent, --json, --check-target against a real
loopback mock, the confirm before a live send, --skip-duplicates."""

from __future__ import annotations

import json
import socket

import httpx
import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.store import Store
from tests.helpers import ROOT

RECORDINGS = ROOT / "recordings"
#: The create endpoints: a plan, with or without --check-target, never calls one.
CREATES = {("POST", "/api/v1/contacts"), ("POST", "/api/v2/prospects"), ("POST", "/api/v1/lead/")}


def invoke(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def journal(url: str, since: int = 0) -> list[dict]:
    return httpx.get(f"{url}/__mock/requests", params={"since": since}).json()["requests"]


def last_seq(url: str) -> int:
    return httpx.get(f"{url}/__mock/requests").json()["last_seq"]


def plan_json(*args) -> dict:
    result = invoke("replay", RECORDINGS, "--mode", "send", "--plan", "--json", "-", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_plan_sends_nothing_and_stores_nothing(mock_server, isolated_signaltui_env):
    result = invoke("replay", RECORDINGS, "--mode", "send", "--plan", "-t", mock_server)
    assert result.exit_code == 0, result.output
    assert "Send plan: 9 exchange(s)" in result.output and "(nothing sent)" in result.output
    assert "estimated time" in result.output and "assumes:" in result.output
    assert journal(mock_server) == []
    with Store.open(isolated_signaltui_env / "store.db") as store:
        assert store.list_deliveries() == []


def _assumed(plan: dict) -> str:
    return " | ".join(plan["estimate"]["assumptions"])


def test_the_plan_reads_a_mock_servers_own_limits(mock_server):
    assert "as the server reports them at GET /__mock/limits" in _assumed(
        plan_json("-t", mock_server)
    )
    httpx.post(f"{mock_server}/__mock/limits", json={"limits": "scale:60"})
    scaled = _assumed(plan_json("-t", mock_server))
    assert "as the server reports them" in scaled and "every window 60 times shorter" in scaled
    httpx.post(f"{mock_server}/__mock/limits", json={"limits": "off"})
    off = _assumed(plan_json("-t", mock_server))
    assert "the mock server reports --limits off" in off and "Apollo 200/min" not in off
    assert journal(mock_server) == []  # the question is not a CRM request


def test_a_loopback_url_that_says_nothing_of_limits_is_assumed_to_enforce_them():
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{unused.getsockname()[1]}"
        said = _assumed(plan_json("-t", url))
    assert "its default --limits on (the server did not report its limits" in said
    assert "Close 20/s" in said


def test_plan_json_to_a_file_and_to_standard_output(tmp_path, mock_server):
    out = tmp_path / "plan.json"
    result = invoke("replay", RECORDINGS, "--mode", "send", "--plan", "-t", mock_server,
                    "--json", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text())
    printed = plan_json("-t", mock_server)
    assert written["format"] == printed["format"] == "signaltui.send-plan"
    assert written["crms"] == printed["crms"]
    assert printed["total"] == 9 and printed["sends"] is False


def test_check_target_finds_the_leads_the_mock_holds_with_reads_only(tmp_path, mock_server):
    # Another store delivers the Close and Apollo leads to the mock first: only the mock
    # knows them, so only --check-target can find them.
    seeded = invoke("--db", tmp_path / "other.db", "replay", RECORDINGS, "--mode", "send",
                    "-t", mock_server, "-d", "close", "-d", "apollo")  # fmt: skip
    # The recorded Apollo "Signed Up" has no last name: the mock refuses it (422) again.
    assert seeded.exit_code == 1 and "rejected → rejected" in seeded.output
    before = last_seq(mock_server)
    unchecked = plan_json("-t", mock_server)
    assert unchecked["duplicates"] == {}
    checked = plan_json("-t", mock_server, "--check-target")
    crms = checked["crms"]
    assert crms["close"]["outcomes"]["duplicate"] == 2
    assert crms["apollo"]["outcomes"]["update"] == 1  # run_dedupe is on by default
    assert crms["apollo"]["outcomes"]["create"] == 1  # the one the mock refused
    assert crms["outreach"]["outcomes"]["refused"] == 1  # the recording's own repeat
    assert checked["duplicates"] == {"close": 2}
    assert checked["check_target"]["found"] == 3
    assert {x["exists_in"] for x in checked["exchanges"] if x["destination"] == "close"} == {
        "target"
    }
    reads = journal(mock_server, since=before)
    assert reads, "the look-ups went to the mock"
    assert not [r for r in reads if (r["method"], r["path"]) in CREATES]


def test_check_limit_caps_the_look_ups(mock_server):
    before = last_seq(mock_server)
    plan = plan_json("-t", mock_server, "--check-target", "--check-limit", "1")
    assert plan["check_target"]["lookups"] == 1 and plan["check_target"]["unchecked"] >= 3
    looks = [r for r in journal(mock_server, since=before) if r["path"] != "/oauth/token"]
    assert len(looks) == 1


def test_a_mock_target_does_not_ask(mock_server):
    result = invoke("replay", RECORDINGS, "--mode", "send", "-t", mock_server)
    assert result.exit_code in (0, 1), result.output  # the recording's duplicate is refused
    assert "LIVE" not in result.output and "Send plan" not in result.output
    assert [r for r in journal(mock_server) if (r["method"], r["path"]) in CREATES]


@pytest.fixture
def live_like(tmp_path, mock_server, monkeypatch):
    """``--target live`` whose base URLs point at the loopback mock: never a real CRM."""
    config = tmp_path / "live.toml"
    config.write_text(
        "[mapping.base_urls]\n"
        + "".join(f'{crm} = "{mock_server}"\n' for crm in ("apollo", "outreach", "close"))
    )
    monkeypatch.setenv("SIGNALTUI_CONFIG", str(config))
    for name, value in {
        "APOLLO_API_KEY": "k1",
        "CLOSE_API_KEY": "api_k2",
        "OUTREACH_CLIENT_ID": "id",
        "OUTREACH_CLIENT_SECRET": "secret",
        "OUTREACH_REFRESH_TOKEN": "refresh",
    }.items():
        monkeypatch.setenv(f"SIGNALTUI_{name}", value)
    return mock_server


def test_live_send_without_a_terminal_or_yes_exits_2_after_the_plan(live_like):
    result = invoke("replay", RECORDINGS, "--mode", "send", "-t", "live")
    assert result.exit_code == 2
    assert "Send plan:" in result.stderr and "would go LIVE" in result.stderr
    assert "pass --yes to send, or --plan" in result.stderr
    assert journal(live_like) == []


def test_live_send_with_yes_shows_the_plan_and_proceeds(live_like, isolated_signaltui_env):
    result = invoke("replay", RECORDINGS, "--mode", "send", "-t", "live", "--yes", "-d", "close")
    assert result.exit_code == 0, result.output
    assert "Send plan: 2 exchange(s) would go LIVE" in result.stderr
    creates = [r for r in journal(live_like) if (r["method"], r["path"]) in CREATES]
    assert len(creates) == 2


def test_live_send_asks_on_a_terminal(live_like, monkeypatch):
    monkeypatch.setattr("signaltui.cli.replay_plan.stdin_is_terminal", lambda: True)
    declined = invoke("replay", RECORDINGS, "--mode", "send", "-t", "live", "-d", "close",
                      input="n\n")  # fmt: skip
    assert declined.exit_code == 2 and "live replay cancelled" in declined.stderr
    assert journal(live_like) == []
    accepted = invoke("replay", RECORDINGS, "--mode", "send", "-t", "live", "-d", "close",
                      input="y\n")  # fmt: skip
    assert accepted.exit_code == 0, accepted.output
    assert "Send 2 recorded exchange(s) to the LIVE Close APIs?" in accepted.stderr


def test_skip_duplicates_leaves_out_leads_that_exist_and_counts_them(tmp_path, mock_server):
    first = invoke("replay", RECORDINGS, "--mode", "send", "-t", mock_server, "-d", "close")
    assert first.exit_code == 0, first.output
    before = last_seq(mock_server)
    report = tmp_path / "report.json"
    again = invoke("replay", RECORDINGS, "--mode", "send", "-t", mock_server, "-d", "close",
                   "--again", "--skip-duplicates", "--json", report)  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "duplicates: 2 exchanges whose lead already exists were skipped" in again.output
    data = json.loads(report.read_text())
    assert data["summary"]["duplicates_skipped"] == 2 and data["summary"]["skipped"] == 2
    assert all("already exists" in x["message"] for x in data["exchanges"])
    assert journal(mock_server, since=before) == []  # nothing sent, not even a look-up


def test_plan_flags_belong_to_send_mode():
    for flag in ("--plan", "--check-target", "--skip-duplicates"):
        result = invoke("replay", RECORDINGS, flag)
        assert result.exit_code == 2 and "--mode send" in result.output


def test_plan_of_nothing_selected_exits_1(tmp_path):
    result = invoke("replay", tmp_path, "--mode", "send", "--plan")
    assert result.exit_code == 1 and "0 exchanges selected" in result.output
    assert invoke("replay", tmp_path, "--mode", "send", "--plan", "--allow-empty").exit_code == 0


def test_the_plan_of_a_replay_that_ran_to_the_end_says_it_needs_again(mock_server):
    first = invoke("replay", RECORDINGS, "--mode", "send", "-t", mock_server, "-d", "close")
    assert first.exit_code == 0, first.output
    plan = invoke("replay", RECORDINGS, "--mode", "send", "-t", mock_server, "-d", "close",
                  "--plan")  # fmt: skip
    assert "already ran to the end" in plan.output and "needs --again" in plan.output
    # Sending it all again would make both Close leads twice: the plan counts that.
    assert "would create 2 duplicate leads in Close" in plan.output


def test_a_plan_without_a_store_creates_none(tmp_path):
    db = tmp_path / "absent.db"
    result = invoke("--db", db, "replay", RECORDINGS, "--mode", "send", "--plan")
    assert result.exit_code == 0, result.output
    assert "Send plan: 9 exchange(s)" in result.output and not db.exists()


def test_run_reports_do_not_go_with_plan(tmp_path):
    for flag in ("--junit", "--html", "--markdown"):
        result = invoke("replay", RECORDINGS, "--mode", "send", "--plan", flag, tmp_path / "r")
        assert result.exit_code == 2 and "--plan sends nothing" in result.output
        assert not (tmp_path / "r").exists()
