"""The CLI never passes having checked nothing: filters, empty selections, mode flags,
re-sends of finished runs, ids people can look up, and clean exits for bad values."""

import json
import shutil

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.store import Store
from tests.helpers import FIXTURES, ROOT

RECORDINGS = ROOT / "recordings"
EVENTS = FIXTURES / "events"


def invoke(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def _report(tmp_path, *args):
    report = tmp_path / "report.json"
    result = invoke("replay", *args, "--json", report)
    return result, json.loads(report.read_text()) if report.exists() else None


def _stored(env) -> int:
    with Store.open(env / "store.db") as store:
        return len(store.list_deliveries(limit=1000))


# --- filters and empty selections -------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "names"),
    [("-d", "foo", "apollo, outreach, close or all"), ("-o", "nonsense", "dead_lettered")],
)
def test_unknown_filters_are_bad_input(option, value, names):
    result = invoke("replay", RECORDINGS, option, value)
    assert result.exit_code == 2
    assert repr(value) in result.output and names in result.output


def test_an_empty_folder_checks_nothing_and_fails(tmp_path):
    result = invoke("replay", tmp_path)
    assert result.exit_code == 1
    assert "0 exchanges selected (no *.jsonl recording files" in result.output
    allowed = invoke("replay", tmp_path, "--allow-empty")
    assert allowed.exit_code == 0 and "0 exchanges selected" in allowed.output


@pytest.mark.parametrize("mode", ["verify", "send"])
def test_filters_that_select_nothing_fail_unless_allowed(mode):
    result = invoke("replay", RECORDINGS, "--mode", mode, "-e", "No Such Event")
    assert result.exit_code == 1
    assert "0 exchanges selected (3 recording file(s)" in result.output
    assert "--allow-empty" in result.output
    allowed = invoke("replay", RECORDINGS, "--mode", mode, "-e", "No Such Event", "--allow-empty")
    assert allowed.exit_code == 0


def test_destination_names_are_case_insensitive_and_all_means_every_crm(tmp_path):
    _, everything = _report(tmp_path, RECORDINGS)
    for value in ("ALL", "All", "all"):
        result, data = _report(tmp_path, RECORDINGS, "-d", value)
        assert result.exit_code == 0, result.output
        assert data["summary"]["total"] == everything["summary"]["total"] == 9
    result, data = _report(tmp_path, RECORDINGS, "-d", "Apollo", "-o", "DELIVERED")
    assert result.exit_code == 0
    assert {x["destination"] for x in data["exchanges"]} == {"apollo"}
    assert data["summary"]["total"] == 1


def test_preview_takes_all_in_any_case():
    result = invoke("preview", EVENTS / "demo-requested.json", "-d", "ALL", "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["destination"] for line in lines] == ["apollo", "outreach", "close"]


# --- flags that do not fit the mode -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--mode", "send", "--update"], "--update"),
        (["--fresh"], "--fresh"),
        (["--again"], "--again"),
        (["--target", "mock"], "--target"),
        (["--mode", "verify", "--yes"], "--yes"),
    ],
)
def test_flags_that_do_not_fit_the_mode_are_bad_input(args, flag, isolated_signaltui_env):
    result = invoke("replay", RECORDINGS, *args)
    assert result.exit_code == 2
    assert f"{flag} " in result.output and "--mode" in result.output
    assert not (isolated_signaltui_env / "store.db").exists()  # nothing ran


def test_update_exits_0_and_names_what_it_rewrote(tmp_path, monkeypatch):
    copy = tmp_path / "recordings"
    shutil.copytree(RECORDINGS, copy)
    monkeypatch.setenv("SIGNALTUI_APOLLO_DEDUPE", "false")
    before = {p.name: p.read_bytes() for p in copy.glob("*.jsonl")}
    result = invoke("replay", copy, "--update")
    assert result.exit_code == 0, result.output
    assert f"rewrote {copy / 'apollo.jsonl'} with today's requests" in result.output
    assert "rewrote" not in result.output.replace(f"rewrote {copy / 'apollo.jsonl'}", "")
    after = {p.name: p.read_bytes() for p in copy.glob("*.jsonl")}
    assert after["close.jsonl"] == before["close.jsonl"]
    assert after["apollo.jsonl"] != before["apollo.jsonl"]
    assert invoke("replay", copy).exit_code == 0


# --- a finished send replay is not silently sent again ------------------------------


def test_rerunning_a_finished_send_replay_asks_first(isolated_signaltui_env, monkeypatch):
    args = ("replay", RECORDINGS / "close.jsonl", "--mode", "send")
    assert invoke(*args).exit_code == 0
    sent = _stored(isolated_signaltui_env)
    assert sent == 2

    scripted = invoke(*args)
    assert scripted.exit_code == 2
    assert "already ran to the end" in scripted.output and "--again" in scripted.output
    assert "2 exchange(s)" in scripted.output
    assert _stored(isolated_signaltui_env) == sent

    monkeypatch.setattr("signaltui.cli.replay_guards.stdin_is_terminal", lambda: True)
    declined = invoke(*args, input="n\n")
    assert declined.exit_code == 2 and "Send them all again?" in declined.output
    assert _stored(isolated_signaltui_env) == sent
    accepted = invoke(*args, input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert _stored(isolated_signaltui_env) == 2 * sent

    monkeypatch.setattr("signaltui.cli.replay_guards.stdin_is_terminal", lambda: False)
    again = invoke(*args, "--again")
    assert again.exit_code == 0 and _stored(isolated_signaltui_env) == 3 * sent


# --- ids people can look up ------------------------------------------------------------


def test_send_prints_the_id_events_show_accepts():
    sent = invoke("send", EVENTS / "close-lead-submitted.jsonl", "-d", "close")
    assert sent.exit_code == 0, sent.output
    stored = [line.split()[2] for line in sent.output.splitlines() if "stored as" in line]
    assert len(stored) == 2 and all(s.startswith("delivery-") for s in stored)
    for delivery in stored:
        shown = invoke("events", "show", delivery, "--json")
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.output)["id"] == int(delivery.removeprefix("delivery-"))
        assert invoke("events", "show", delivery.removeprefix("delivery-")).exit_code == 0


def test_replay_prints_ids_events_show_accepts(tmp_path):
    assert invoke("send", EVENTS / "close-lead-submitted.jsonl", "-d", "close").exit_code == 0
    export = tmp_path / "export.jsonl"
    assert invoke("recordings", "export", "-o", export).exit_code == 0
    replayed = invoke("replay", export, "--mode", "send")
    assert replayed.exit_code == 0, replayed.output
    lines = [line for line in replayed.output.splitlines() if line.startswith("✓")]
    assert lines
    for line in lines:
        recorded = line[line.index("[") + 1 : line.index("]")]  # the exported delivery
        new = line[line.index("stored as ") + 10 : -1]  # the replay's own delivery
        for delivery in (recorded, new):
            assert delivery.startswith("delivery-")
            assert invoke("events", "show", delivery).exit_code == 0


@pytest.mark.parametrize("bad", ["delivery-x", "seven", "-1"])
def test_events_show_refuses_what_is_no_id_as_bad_input(bad):
    result = invoke("events", "show", "--", bad)
    assert result.exit_code == 2 and "delivery id" in result.output


# --- clean exits for bad values -------------------------------------------------------


@pytest.mark.parametrize("port", ["-1", "99999", "65536"])
def test_mock_serve_refuses_a_port_out_of_range(port):
    result = CliRunner().invoke(main, ["mock", "serve", "--port", port])
    assert result.exit_code == 2
    assert "0<=x<=65535" in result.output and result.exception.__class__ is SystemExit


def test_export_to_dash_writes_stdout_not_a_file(tmp_path, monkeypatch):
    assert invoke("send", EVENTS / "close-lead-submitted.jsonl", "-d", "close").exit_code == 0
    monkeypatch.chdir(tmp_path)
    result = invoke("recordings", "export", "-o", "-")
    assert result.exit_code == 0
    assert not (tmp_path / "-").exists()
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["destination"] for line in lines] == ["close", "close"]
    assert all(line["format"] == "signaltui.recording" for line in lines)
    assert "exported 2 exchange(s) to stdout" in result.stderr


# --- the live prompt says what a yes sends ------------------------------------------


def test_live_send_prompt_names_the_crms_and_the_event_count(monkeypatch):
    monkeypatch.setattr("signaltui.cli.send.stdin_is_terminal", lambda: True)
    result = invoke("send", EVENTS / "demo-requested.json", "-t", "live", input="n\n")
    assert result.exit_code == 2 and "nothing was sent" in result.output
    assert "Send 1 event(s) to the LIVE Apollo, Outreach and Close APIs?" in result.output
    one = invoke("send", EVENTS / "close-session.jsonl", "-d", "close", "-t", "live", input="n\n")
    tracks = sum(
        json.loads(line)["type"] == "track"
        for line in (EVENTS / "close-session.jsonl").read_text().splitlines()
        if line.strip()
    )
    assert f"Send {tracks} event(s) to the LIVE Close APIs?" in one.output


def test_live_replay_prompt_counts_the_selected_exchanges(monkeypatch):
    monkeypatch.setattr("signaltui.cli.replay_plan.stdin_is_terminal", lambda: True)
    result = invoke(
        "replay", RECORDINGS, "--mode", "send", "-t", "live", "-d", "apollo,close", input="n\n"
    )
    assert result.exit_code == 2 and "nothing was sent" in result.output
    # Of the 6 selected, the plan (shown first) drops 2 Apollo ones: 4 would go.
    assert "Send 4 recorded exchange(s) to the LIVE Apollo and Close APIs?" in result.output
