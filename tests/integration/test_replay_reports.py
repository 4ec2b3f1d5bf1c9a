"""People's replay reports: HTML, markdown, the job summary, JUnit names, --ignore."""

import json
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from tests.helpers import ROOT

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
SECRET = "sk-live-Zq81kd02"


def invoke(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)


@pytest.fixture
def broken(tmp_path):
    """The shipped recordings with one Close lead name changed to something hostile."""
    copy = tmp_path / "recordings"
    shutil.copytree(ROOT / "recordings", copy)
    path = copy / "close.jsonl"
    lines = []
    for line in path.read_text().splitlines():
        exchange = json.loads(line)
        if exchange["request"] and exchange["request"]["body"].get("name") == "Acme Inc":
            exchange["request"]["body"]["name"] = f"{HOSTILE} {SECRET}"
        lines.append(json.dumps(exchange))
    path.write_text("\n".join(lines) + "\n")
    return copy


def test_html_report_is_self_contained_escaped_and_redacted(broken, tmp_path, monkeypatch):
    monkeypatch.setenv("SIGNALTUI_CLOSE_API_KEY", SECRET)
    page = tmp_path / "report.html"
    result = invoke("replay", broken, "--html", page)
    assert result.exit_code == 1
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and "<style>" in text
    assert "<script" not in text.lower() and "<img" not in text.lower()
    assert "&lt;script&gt;" in text and "&lt;img src=x" in text
    assert SECRET not in text and "***" in text
    # Nothing that could fetch: no src/href attributes, no CSS url() or @import, and a
    # policy that forbids every load anyway.
    assert not re.search(r"<[^>]*\s(src|href)=", text)
    assert "url(" not in text and "@import" not in text
    assert "default-src 'none'" in text
    assert text.count("<details") == 1 and "<details open>" in text  # the one failure
    assert "close · Lead Submitted · [f262315f3fe5465cac5a64f12dc82ff5]" in text
    assert "request.body.name" in text and "Recorded request" in text
    for crm in ("apollo", "outreach", "close"):
        assert f"<td>{crm}</td>" in text
    assert "dead_lettered 1" in text  # summary by recorded outcome


def test_markdown_file_and_job_summary(broken, tmp_path, monkeypatch):
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    report = tmp_path / "report.md"
    assert invoke("replay", broken, "--markdown", report).exit_code == 1
    for text in (report.read_text(), summary.read_text()):
        assert "## ❌ signaltui replay verify: 1 failing of 9" in text
        assert "| close | 2 | 1 | 1 | 0 | 0 |" in text
        assert "<details><summary>fail: close · Lead Submitted" in text
        outside_code = re.sub(r"```.*?```", "", text, flags=re.S)
        assert "<script" not in outside_code and "<script>alert(" in text  # only in code
    assert summary.read_text().startswith("earlier step\n")
    # Without the flag, only the job summary is written; a clean run says so.
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "second.md"))
    assert invoke("replay", ROOT / "recordings").exit_code == 0
    second = (tmp_path / "second.md").read_text()
    assert "## ✅ signaltui replay verify: all 9 checked passed" in second


def test_junit_names_say_crm_event_and_id(broken, tmp_path):
    junit = tmp_path / "j.xml"
    invoke("replay", broken, "--junit", junit)
    names = [case.get("name") for case in ET.parse(junit).getroot().iter("testcase")]
    assert "close: Lead Submitted [f262315f3fe5465cac5a64f12dc82ff5]" in names
    assert all(re.match(r"^(apollo|outreach|close): .+ \[[^\]]+\]$", n) for n in names)


def test_ignore_lets_a_varying_field_pass_and_every_report_lists_it(broken, tmp_path):
    paths = {k: tmp_path / f"r.{k}" for k in ("json", "xml", "html", "md")}
    result = invoke(
        "replay",
        broken,
        "--ignore",
        "/name",
        "--ignore",
        "/contacts/0/title",
        "--json",
        paths["json"],
        "--junit",
        paths["xml"],
        "--html",
        paths["html"],
        "--markdown",
        paths["md"],
    )
    assert result.exit_code == 0, result.output
    assert "ignored: /name, /contacts/0/title" in result.output
    assert json.loads(paths["json"].read_text())["summary"]["ignored"] == [
        "/name",
        "/contacts/0/title",
    ]
    suite = ET.parse(paths["xml"]).getroot()
    props = [(p.get("name"), p.get("value")) for p in suite.iter("property")]
    assert props == [("ignore", "/name"), ("ignore", "/contacts/0/title")]
    assert "<code>/name</code>" in paths["html"].read_text()
    assert "<code>/name</code>" in paths["md"].read_text()
    # Without it the same recordings fail: the ignore is what made them pass.
    assert invoke("replay", broken).exit_code == 1


def test_ignore_from_config(broken, isolated_signaltui_env):
    (isolated_signaltui_env / "config.toml").write_text('[replay]\nignore = ["/name"]\n')
    result = invoke("replay", broken)
    assert result.exit_code == 0 and "ignored: /name" in result.output


@pytest.mark.parametrize("pointer", ["name", "/a~2b"])
def test_a_bad_pointer_is_bad_input(pointer, isolated_signaltui_env):
    assert invoke("replay", ROOT / "recordings", "--ignore", pointer).exit_code == 2
    (isolated_signaltui_env / "config.toml").write_text(f'[replay]\nignore = ["{pointer}"]\n')
    result = invoke("replay", ROOT / "recordings")
    assert result.exit_code == 2 and "replay.ignore" in result.output
    assert "Traceback" not in result.output


def test_captured_exchanges_are_skipped_counted_and_never_pass_alone(tmp_path):
    imported = tmp_path / "captured.jsonl"
    har = ROOT / "tests" / "data" / "foreign-capture.har"
    assert invoke("recordings", "import", har, "-o", imported).exit_code == 0
    alone = invoke("replay", imported)
    assert alone.exit_code == 1
    assert "no event: 6 captured exchange(s) skipped" in alone.output
    assert "nothing was checked" in alone.output
    mixed = invoke("replay", imported, ROOT / "recordings")
    assert mixed.exit_code == 0 and "no event: 6" in mixed.output


def test_the_readme_ci_job_command_works(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text().split("## CI job", 1)[1]
    (line,) = [x.strip()[len("- run: ") :] for x in readme.splitlines() if "signaltui replay" in x]
    args = line.split()[1:]
    assert args[:2] == ["replay", "recordings/"] and "--junit" in args and "--html" in args
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(ROOT)
    args = [str(tmp_path / a) if a.startswith("replay.") else a for a in args]
    assert invoke(*args).exit_code == 0
    assert (tmp_path / "replay.xml").exists() and (tmp_path / "replay.html").exists()
    assert "signaltui replay verify" in summary.read_text()


def test_send_reports_show_what_the_resend_got(tmp_path):
    page, md = tmp_path / "send.html", tmp_path / "send.md"
    result = invoke(
        "replay", ROOT / "recordings", "--mode", "send", "--html", page, "--markdown", md
    )
    assert result.exit_code == 1  # the two recorded rejections are rejected again
    html_text, md_text = page.read_text(), md.read_text()
    assert html_text.count("<h3>Response now</h3>") == 2 and "HTTP 422" in html_text
    assert md_text.count("Response now:") == 2
    assert "dead_lettered" not in html_text.split("Failing exchanges")[0]  # outcomes now


def test_config_ignore_reaches_replays_started_outside_the_cli(broken, isolated_signaltui_env):
    # The TUI's Replay tab calls the runner directly, with no --ignore of its own.
    from signaltui.config import load_settings
    from signaltui.replay import ReplayOptions, run_verify

    (isolated_signaltui_env / "config.toml").write_text('[replay]\nignore = ["/name"]\n')
    summary = run_verify([broken], load_settings(), ReplayOptions(), lambda result: None)
    assert summary.ok and summary.ignored == ("/name",)


@pytest.mark.parametrize("flag", ["--html", "--markdown"])
def test_an_unwritable_report_path_fails_before_the_run(tmp_path, flag):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = invoke("replay", ROOT / "recordings", flag, blocker / "r.out")
    assert result.exit_code == 2 and "is a file, not a folder" in result.output
    assert "destination" not in result.output  # no summary table: nothing was replayed
    assert list(tmp_path.iterdir()) == [blocker]
