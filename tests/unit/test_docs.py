"""The repository's own docs: nothing points outside the repo, every cited docs/ page
exists, CI installs and tests the way the README says, every command is documented, and
the README's examples run on the samples ``signaltui samples`` copies out."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from signaltui.cli import main
from tests.helpers import ROOT

#: Pages other branches write (blueprints, mocks, delivery, limits). Cited here already so
#: the index and hints are right when they land; remove a name once its page exists.
WRITTEN_ELSEWHERE = {"blueprints.md", "mock-crms.md", "delivery.md", "limits-and-safety.md"}
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".json", ".jsonl", ".yaml", ".yml", ".tcss"}
SKIP_DIRS = {".git", ".venv", "build", "dist", "__pycache__", "__snapshots__", ".mypy_cache"}


def _text_files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIP_DIRS or any(p.endswith(".egg-info") or p.startswith(".") for p in parts):
            continue
        if path.is_file() and (path.suffix in TEXT_SUFFIXES or path.name == "run"):
            found.append(path)
    return [*found, ROOT / ".ci" / "run"]


def test_nothing_points_at_a_design_file_users_never_have():
    this = Path(__file__).resolve()
    pattern = re.compile(r"\.\./shared|DESIGN\.md|\bcontract \d")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _text_files()
        if path.resolve() != this
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_every_cited_docs_page_exists():
    cited: set[str] = set()
    for path in _text_files():
        text = path.read_text(errors="replace")
        cited |= set(re.findall(r"docs/([\w-]+\.md)", text))
        if path.parent == ROOT / "docs":  # relative links between the pages
            cited |= set(re.findall(r"\]\(([\w-]+\.md)", text))
    assert {"architecture.md", "events.md", "recordings.md", "cli.md"} <= cited
    missing = {name for name in cited - WRITTEN_ELSEWHERE if not (ROOT / "docs" / name).is_file()}
    assert missing == set()


def test_ci_installs_and_tests_the_way_the_readme_says():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    quickstart = "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/pytest"
    assert quickstart in readme
    assert ".venv/bin/pip install --quiet -e '.[dev]'" in ci
    assert "\n.venv/bin/pytest\n" in ci
    assert ci.index(".venv/bin/pytest") < ci.index("lint-imports")


def test_every_command_has_its_place_in_docs_cli():
    cli_doc = (ROOT / "docs" / "cli.md").read_text()
    for name, command in main.commands.items():
        assert f"`signaltui {name}" in cli_doc, name
        for option in command.params:
            for flag in getattr(option, "opts", []):
                if flag.startswith("--") and flag != "--help":
                    assert flag in cli_doc, f"signaltui {name} {flag}"


def _readme_examples() -> list[list[str]]:
    """The README's ``signaltui ...`` example lines that need no server or terminal."""
    text = (ROOT / "README.md").read_text()
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            command = line.split(" #")[0].strip()
            if not command.startswith("signaltui ") or "mock serve" in command:
                continue
            if "http://" in command:  # needs the `mock serve` of another terminal
                continue
            lines.append(shlex.split(command)[1:])
    return lines


def test_readme_examples_run_after_signaltui_samples(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    examples = _readme_examples()
    assert len(examples) >= 8
    for args in examples:
        result = runner.invoke(main, args)
        # 1 is an honest verdict (a failure re-sent still fails); 2 would mean the
        # example itself is wrong (a missing file, a bad option).
        assert result.exit_code in (0, 1), (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        if args[0] in ("samples", "preview", "events") or args[-2:] == ["--mode", "verify"]:
            assert result.exit_code == 0, (args, result.output)
