"""Start-up: ``signaltui`` imports a subcommand only when it runs (see cli/lazy.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from signaltui.cli import COMMANDS, main
from signaltui.cli.lazy import load_command
from tests.helpers import FIXTURES, ROOT

#: What ``signaltui preview`` must not load: the HTTP client, the store, the mock
#: servers and the terminal UI are other commands' worlds.
HEAVY = ("httpx", "sqlite3", "_sqlite3", "sqlite_utils", "starlette", "uvicorn", "textual", "rich")
#: What it loads only when needed: the blueprint loader's YAML (a preset cache miss or an
#: overlay) and pydantic-settings (a SIGNALTUI_* table or nested variable).
ON_DEMAND = ("yaml", "pydantic_settings")


def _modules_after(
    argv: list[str], watched: tuple[str, ...] = HEAVY, env: dict[str, str] | None = None
) -> tuple[list[str], str]:
    """The names in ``watched`` (top-level packages, or whole dotted module names) that
    ``signaltui ARGV`` loaded, in a fresh process."""
    code = (
        "import json, sys\n"
        "from signaltui.cli import main\n"
        f"sys.argv = ['signaltui', *{argv!r}]\n"
        "try:\n"
        "    main(prog_name='signaltui')\n"
        "except SystemExit as done:\n"
        "    code = done.code\n"
        # httpx._main alone is signaltui's stand-in (cli/_httpx_cli.py), not httpx.
        "names = [m for m in sys.modules if m != 'httpx._main']\n"
        "loaded = {m.split('.')[0] for m in names} | set(names)\n"
        f"heavy = sorted(loaded & set({watched!r}))\n"
        "print(json.dumps([heavy, code]), file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    heavy, exit_code = json.loads(out.stderr.strip().splitlines()[-1])
    assert exit_code in (0, None), out.stderr
    return heavy, out.stdout


def test_preview_loads_no_http_store_mock_or_tui_modules() -> None:
    event = FIXTURES / "events" / "demo-requested.json"
    heavy, stdout = _modules_after(["preview", str(event), "--json"])
    assert heavy == []
    assert '"destination":"apollo"' in stdout  # it did preview


def test_replay_verify_loads_no_http_store_mock_or_tui_modules(tmp_path: Path) -> None:
    # The CI gate: re-planning and comparing needs neither the network nor the store.
    junit = tmp_path / "replay.xml"
    argv = ["replay", str(ROOT / "recordings"), "--mode", "verify", "--junit", str(junit)]
    heavy, stdout = _modules_after(argv)
    assert heavy == []
    assert "all          9      9" in stdout and 'failures="0"' in junit.read_text()


#: What a replay loads only when asked: the send plan (``--plan``, a live target,
#: ``--skip-duplicates``), the HTML and markdown reports, and the JUnit report's XML
#: escaping (which loads urllib.request).
ON_REQUEST = (
    "signaltui.replay.plan",
    "signaltui.replay.plan_format",
    "signaltui.replay.html_report",
    "signaltui.replay.markdown_report",
    "xml",
)


def test_replay_loads_its_plan_and_report_modules_only_when_asked(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    verify = ["replay", str(ROOT / "recordings"), "--mode", "verify"]
    plain, stdout = _modules_after(verify, ON_REQUEST, env=env)
    assert plain == [] and "all          9      9" in stdout
    html, markdown = tmp_path / "r.html", tmp_path / "r.md"
    asked = [*verify, "--junit", str(tmp_path / "r.xml"), "--html", str(html)]
    reports, _ = _modules_after([*asked, "--markdown", str(markdown)], ON_REQUEST, env=env)
    assert reports == ["signaltui.replay.html_report", "signaltui.replay.markdown_report", "xml"]
    assert html.stat().st_size > 0 and markdown.stat().st_size > 0
    plan = ["replay", str(ROOT / "recordings"), "--mode", "send", "--target", "mock", "--plan"]
    planned, stdout = _modules_after(plan, ON_REQUEST, env=env)
    assert planned == ["signaltui.replay.plan", "signaltui.replay.plan_format"]
    assert "Send plan:" in stdout


#: What a store command opening an existing store loads only when it must: sqlite-utils
#: builds and upgrades the schema; phone parsing is the mapping's, not the history's.
STORE_ON_DEMAND = ("sqlite_utils", "phonenumbers")


def test_history_commands_load_sqlite_utils_only_to_create_the_store(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    created, stdout = _modules_after(["--db", db, "events", "list"], STORE_ON_DEMAND)
    assert created == ["sqlite_utils"] and stdout == ""  # a new file: the schema is built
    event = str(FIXTURES / "events" / "demo-requested.json")
    sent, stdout = _modules_after(["--db", db, "send", event, "-d", "close"], STORE_ON_DEMAND)
    assert sent == ["phonenumbers"] and "stored as delivery-1" in stdout
    for argv in (["events", "list"], ["events", "show", "1"], ["events", "search", "acme"]):
        loaded, stdout = _modules_after(["--db", db, *argv], STORE_ON_DEMAND)
        assert loaded == [], argv
        assert "close" in stdout, argv


def test_preview_with_the_presets_cached_loads_no_yaml_or_pydantic_settings() -> None:
    event = FIXTURES / "events" / "demo-requested.json"
    argv = ["preview", str(event), "--json"]
    first, stdout = _modules_after(argv, ON_DEMAND)  # an empty cache: this run fills it
    assert first == ["yaml"]
    again, cached_stdout = _modules_after(argv, ON_DEMAND)
    assert again == []
    assert cached_stdout == stdout and '"at":"presets/apollo.yaml:' in stdout


def test_preview_reads_a_nested_variable_and_an_overlay_through_their_loaders(
    tmp_path: Path,
) -> None:
    event = FIXTURES / "events" / "demo-requested.json"
    overlay = tmp_path / "close.yaml"
    overlay.write_text(
        "version: 1\ndestination: close\nextends: preset\nfields:\n  /x: {value: 1}\n"
    )
    # A nested list still needs pydantic-settings (a nested scalar no longer does).
    env = {**os.environ, "SIGNALTUI_REPLAY__IGNORE": '["/name"]'}
    argv = ["--blueprints", str(overlay), "preview", str(event), "--json"]
    loaded, stdout = _modules_after(argv, ON_DEMAND, env=env)
    assert loaded == ["pydantic_settings", "yaml"]
    assert f'"at":"{overlay}:5"' in stdout


def test_help_lists_every_command_without_importing_them() -> None:
    heavy, stdout = _modules_after(["--help"])
    assert heavy == []
    for name in COMMANDS:
        assert f"  {name} " in stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_table_entry_loads_and_its_short_help_is_the_commands_own(name: str) -> None:
    command = load_command(COMMANDS[name].target)
    assert isinstance(command, click.Command) and command.name == name
    assert COMMANDS[name].short_help == command.get_short_help_str(limit=10**6)


def test_help_output_matches_what_click_prints_from_the_imported_commands() -> None:
    lazy = CliRunner().invoke(main, ["--help"], prog_name="signaltui")
    eager = click.Group(
        name="signaltui",
        commands=[load_command(entry.target) for entry in COMMANDS.values()],
        params=main.params,
        help=main.help,
        invoke_without_command=True,
        context_settings=main.context_settings,
    )
    assert lazy.exit_code == 0
    assert lazy.output == CliRunner().invoke(eager, ["--help"], prog_name="signaltui").output


def test_an_unknown_command_is_still_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["previwe", "x"])
    assert result.exit_code == 2 and "No such command 'previwe'" in result.output


def test_httpx_is_imported_without_its_own_command_line() -> None:
    code = (
        "import json, sys\n"
        "import signaltui.cli, httpx\n"
        "print(json.dumps(sorted({'rich', 'pygments'} & {m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_httpx_command_line_still_works_when_called() -> None:
    code = (
        "import signaltui.cli, httpx\n"
        "httpx.main(['--help'], prog_name='httpx', standalone_mode=True)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and "Usage: httpx" in out.stdout, out.stderr
