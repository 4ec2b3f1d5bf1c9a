"""``signaltui replay --mode mutate``: every kind and CRM over the shipped recordings matches
the table, a broken handling makes the gate fail naming the mutation, bad input is
refused, and a run touches neither the network nor the store."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.delivery import client as client_module
from signaltui.delivery import exchange as exchange_module
from signaltui.replay.mutate_expect import EXPECTED, SHORT_WAIT
from tests.helpers import ROOT

RECORDINGS = ROOT / "recordings"


def invoke(*args: Any) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def mutate(tmp_path: Path, *args: Any, paths: Any = RECORDINGS) -> tuple[Any, dict[str, Any]]:
    """Run a mutation replay with a JSON report; the result and the report's rows by key."""
    report = tmp_path / "mutate.json"
    result = invoke("replay", paths, "--mode", "mutate", "--json", report, *args)
    rows: dict[str, Any] = {}
    if report.exists():
        for row in json.loads(report.read_text())["exchanges"]:
            mutation = row["mutation"]
            rows[f"{mutation['kind']}/{mutation['crm']}"] = mutation
    return result, rows


def test_every_kind_and_crm_over_the_shipped_recordings_matches_the_table(tmp_path):
    result, rows = mutate(tmp_path)
    assert result.exit_code == 0, result.output
    # Every row of the table ran once (the shipped recordings hold one success per CRM).
    assert set(rows) == {f"{kind}/{crm}" for kind, crm in EXPECTED}
    for key, row in rows.items():
        expected = EXPECTED[tuple(key.split("/"))]  # type: ignore[index]
        assert row["match"] is True, row
        assert row["fault_hits"] >= 1, key  # the mutation did fire
        # What the delivery did, as measured by the run, equals the table's row.
        actual = row["actual"]
        assert (actual["outcome"], actual["sends"], actual["lookups"], actual["leads"]) == (
            expected.outcome,
            expected.sends,
            expected.lookups,
            expected.leads,
        )
        assert (row["retry_at"] is not None) == (expected.outcome == "deferred")
    assert "32 match the table, 0 differ" in result.output


def test_each_429_form_is_honoured_by_the_header_it_names(tmp_path):
    _, rows = mutate(tmp_path)
    backoff = 0.25  # the default backoff_base 0.5 at its jitter floor
    for crm in ("apollo", "outreach", "close"):
        assert rows[f"429-retry-after-seconds/{crm}"]["waited_seconds"] == SHORT_WAIT
        assert SHORT_WAIT < rows[f"429-retry-after-date/{crm}"]["waited_seconds"] <= SHORT_WAIT + 1
        assert rows[f"429-no-retry-after/{crm}"]["waited_seconds"] == backoff
        assert rows[f"503-maintenance/{crm}"]["waited_seconds"] == 0  # deferred, not slept
    assert rows["429-reset-header/close"]["waited_seconds"] == SHORT_WAIT
    assert SHORT_WAIT <= rows["429-reset-header/outreach"]["waited_seconds"] <= SHORT_WAIT + 1
    assert rows["429-reset-header/apollo"]["waited_seconds"] == backoff  # Apollo names none


def _mismatched(output: str) -> set[str]:
    """``kind/crm`` of each ✗ line."""
    found = set()
    for line in output.splitlines():
        if line.startswith("✗ "):
            crm, kind = line[2:].split()[:2]
            found.add(f"{kind}/{crm}")
    return found


def test_not_retrying_a_500_fails_the_gate_naming_that_mutation(tmp_path, monkeypatch):
    real = client_module.is_retryable_status
    monkeypatch.setattr(client_module, "is_retryable_status", lambda s: s != 500 and real(s))
    result, rows = mutate(tmp_path)
    assert result.exit_code == 1, result.output
    assert _mismatched(result.output) == {"500/apollo", "500/outreach", "500/close"}
    assert {key for key, row in rows.items() if not row["match"]} == _mismatched(result.output)
    assert rows["500/close"]["actual"]["outcome"] == "dead_lettered"
    assert "29 match the table, 3 differ" in result.output


async def _as_delivered(self: Any, run: Any) -> None:
    """A broken client: a 2xx is delivered whatever its answer holds."""
    return None


def test_taking_a_2xx_without_id_as_delivered_fails_the_gate(tmp_path, monkeypatch):
    monkeypatch.setattr(client_module.DeliveryClient, "_confirm_created", _as_delivered)
    result, _ = mutate(tmp_path)
    assert result.exit_code == 1
    kinds = {key.split("/")[0] for key in _mismatched(result.output)}
    assert kinds == {"2xx-without-id", "malformed-json"}
    assert "expected: recovered by look-up (1 send, 1 look-up, 1 lead)" in result.output
    assert "actual:   delivered (1 send, 0 look-ups, 1 lead)" in result.output


def test_a_blind_resend_after_a_lost_answer_shows_as_a_duplicate(tmp_path, monkeypatch):
    # The round trip (delivery/exchange.py) is where a dropped answer is judged ambiguous.
    monkeypatch.setattr(exchange_module, "is_ambiguous_error", lambda exc: False)
    result, rows = mutate(tmp_path)
    assert result.exit_code == 1
    assert "lost-response/close" in _mismatched(result.output)
    assert rows["lost-response/close"]["actual"]["leads"] == 2  # the duplicate lead
    # Apollo's preset sends run_dedupe, so its re-send updates the contact in place; the
    # gate still fails it, as it was sent blind (no look-up).
    apollo = rows["lost-response/apollo"]
    assert not apollo["match"] and apollo["actual"]["leads"] == 1
    assert apollo["actual"]["lookups"] == 0 and apollo["actual"]["sends"] == 2


def test_nothing_is_sent_over_the_network_or_stored(tmp_path, monkeypatch):
    # The close recording names a loopback server nobody runs; a real transport is never used.
    async def refuse(self: Any, request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"a mutation run sent {request.url} over the network")

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", refuse)
    result, rows = mutate(tmp_path)
    assert result.exit_code == 0, result.output
    assert len(rows) == len(EXPECTED)
    assert not Path(os.environ["SIGNALTUI_DB"]).exists()


def test_quiet_prints_only_the_count_when_all_match(tmp_path):
    result = invoke("replay", RECORDINGS, "--mode", "mutate", "-q")
    assert result.exit_code == 0
    assert result.output.strip().splitlines() == [
        "32 mutation(s) of 3 recorded success(es) (apollo, close, outreach): "
        "32 match the table, 0 differ"
    ]


def test_filters_narrow_the_run_and_junit_lists_each_mutation(tmp_path):
    junit = tmp_path / "j.xml"
    result, rows = mutate(tmp_path, "-d", "close", "--junit", junit)
    assert result.exit_code == 0, result.output
    assert {key.split("/")[1] for key in rows} == {"close"}
    assert junit.read_text().count("<testcase") == len(rows) == 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "live"], "only ever talks to the in-process mock"),
        (["--outcome", "failed"], "only exchanges recorded as delivered"),
        (["--allow-empty"], "never passes having mutated nothing"),
        (["--update"], "never rewrites recordings"),
        (["--plan"], "no plan to show"),
        (["--check-target"], "looks nothing up at a target"),
        (["--skip-duplicates"], "its own empty mock"),
    ],
)
def test_flags_that_do_not_fit_are_refused(args, message):
    result = invoke("replay", RECORDINGS, "--mode", "mutate", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_missing_path_is_bad_input(tmp_path):
    result = invoke("replay", tmp_path / "nope", "--mode", "mutate")
    assert result.exit_code == 2
    assert "no such recording file or folder" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, Exception)


def test_an_unreadable_recording_is_bad_input(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    result = invoke("replay", bad, "--mode", "mutate")
    assert result.exit_code == 2
    assert "bad.jsonl" in result.output and "Traceback" not in result.output


def test_no_recordings_at_all_never_passes(tmp_path):
    result = invoke("replay", tmp_path, "--mode", "mutate")
    assert result.exit_code == 1
    assert "nothing to mutate (no *.jsonl recording files" in result.output


def test_recordings_without_a_success_never_pass(tmp_path):
    copy = tmp_path / "recs"
    shutil.copytree(RECORDINGS, copy)
    for path in copy.glob("*.jsonl"):
        kept = [line for line in path.read_text().splitlines() if '"delivered"' not in line]
        path.write_text("\n".join(kept) + "\n")
    result = invoke("replay", copy, "--mode", "mutate")
    assert result.exit_code == 1
    assert "nothing to mutate (6 exchange(s) in 3 recording file(s)" in result.output
    assert "0 of them selected successes" in result.output


def test_mutation_chooses_kinds_and_fits_only_mutate_mode(tmp_path):
    result, rows = mutate(tmp_path, "--mutation", "timeout", "--mutation", "429-hourly-window")
    assert result.exit_code == 0, result.output
    assert set(rows) == {
        "timeout/apollo",
        "timeout/outreach",
        "timeout/close",
        "429-hourly-window/apollo",
        "429-hourly-window/outreach",
    }
    refused = invoke("replay", RECORDINGS, "--mutation", "timeout")
    assert refused.exit_code == 2 and "use it with --mode mutate" in refused.output
    unknown = invoke("replay", RECORDINGS, "--mode", "mutate", "--mutation", "teapot")
    assert unknown.exit_code == 2 and "429-retry-after-seconds" in unknown.output


def test_people_reports_take_the_mutation_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(client_module.DeliveryClient, "_confirm_created", _as_delivered)
    page, notes = tmp_path / "r.html", tmp_path / "r.md"
    result = invoke("replay", RECORDINGS, "--mode", "mutate", "--html", page, "--markdown", notes)
    assert result.exit_code == 1
    for report in (page.read_text(), notes.read_text()):
        assert "2xx-without-id" in report and "expected recovered by look-up" in report


def _withdraw_consent(path: Path) -> None:
    lines = []
    for line in path.read_text().splitlines():
        exchange = json.loads(line)
        if exchange["outcome"] == "delivered":
            exchange["event"]["context"]["consent"]["marketing"] = False
        lines.append(json.dumps(exchange))
    path.write_text("\n".join(lines) + "\n")


def test_a_success_todays_mapping_drops_is_named_and_not_mutated(tmp_path):
    copy = tmp_path / "recs"
    shutil.copytree(RECORDINGS, copy)
    _withdraw_consent(copy / "close.jsonl")
    result, rows = mutate(tmp_path, paths=copy)
    assert result.exit_code == 0, result.output
    assert {key.split("/")[1] for key in rows} == {"apollo", "outreach"}
    assert "close.jsonl:2: today's mapping drops it (consent_not_granted)" in result.output
    only_close = invoke("replay", copy, "--mode", "mutate", "-d", "close")
    assert only_close.exit_code == 1
    assert "nothing to mutate" in only_close.output


def test_only_maintenance_lasts_past_the_first_create(tmp_path):
    _, rows = mutate(tmp_path)
    for key, row in rows.items():
        # Maintenance answers the create and the last look-up; every other kind one request.
        assert row["fault_hits"] == (2 if key.startswith("503-maintenance/") else 1), key


def test_a_delivery_that_crashes_under_a_mutation_is_a_named_mismatch(tmp_path, monkeypatch):
    real = client_module.created_id

    def fragile(destination: str, body: Any) -> str | None:
        if isinstance(body, str):
            raise ValueError("cannot read that answer")
        return real(destination, body)

    monkeypatch.setattr(client_module, "created_id", fragile)
    result, rows = mutate(tmp_path)
    assert result.exit_code == 1
    assert {key.split("/")[0] for key in _mismatched(result.output)} == {"malformed-json"}
    assert "the delivery raised ValueError: cannot read that answer" in result.output
    assert rows["malformed-json/close"]["error"].startswith("the delivery raised ValueError")
    assert "Traceback" not in result.output
