"""``signaltui samples``: the shipped samples are the repo's, copy out, refuse to clobber."""

import os
from pathlib import Path

from click.testing import CliRunner

from signaltui.cli import main
from signaltui.samples import iter_samples, packaged_recordings
from signaltui.tui.launch import default_recordings
from tests.helpers import ROOT

#: The repo folders the package ships (README examples use these relative paths).
SHIPPED = ["fixtures/events", "fixtures/config", "recordings"]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _repo_files() -> dict[Path, bytes]:
    found = {}
    for folder in SHIPPED:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                found[path.relative_to(ROOT)] = path.read_bytes()
    return found


def test_the_package_ships_exactly_the_repo_samples():
    # One source of truth: the package tree is the repo's folders, file for file.
    assert dict(iter_samples()) == _repo_files()
    assert len(_repo_files()) >= 10


def test_samples_copies_every_file_and_says_so(tmp_path):
    result = invoke("samples", tmp_path / "out")
    assert result.exit_code == 0, result.output
    for relative, content in _repo_files().items():
        copied = tmp_path / "out" / relative
        assert copied.read_bytes() == content
        assert f"wrote {copied}" in result.output


def test_a_second_run_writes_nothing_and_passes(tmp_path):
    invoke("samples", tmp_path)
    again = invoke("samples", tmp_path)
    assert again.exit_code == 0
    assert "wrote" not in again.output and "unchanged" in again.output


def test_a_changed_file_is_not_overwritten_without_force(tmp_path):
    invoke("samples", tmp_path)
    edited = tmp_path / "recordings" / "apollo.jsonl"
    edited.write_text("mine\n")
    missing = tmp_path / "fixtures" / "events" / "demo-requested.json"
    missing.unlink()
    refused = invoke("samples", tmp_path)
    assert refused.exit_code == 2
    assert str(edited) in refused.output and "--force" in refused.output
    assert edited.read_text() == "mine\n" and not missing.exists()  # nothing at all written
    forced = invoke("samples", tmp_path, "--force")
    assert forced.exit_code == 0
    assert edited.read_bytes() == (ROOT / "recordings" / "apollo.jsonl").read_bytes()
    assert missing.exists()


def test_a_file_as_the_folder_is_bad_input(tmp_path):
    (tmp_path / "f").write_text("")
    result = invoke("samples", tmp_path / "f")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_readme_examples_run_on_the_copied_samples(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("samples").exit_code == 0
    preview = invoke("preview", "fixtures/events/apollo-demo-requested.jsonl", "-d", "apollo")
    assert preview.exit_code == 0 and "DELIVER" in preview.output
    configured = invoke(
        "--config", "fixtures/config/close-example.toml",
        "preview", "fixtures/events/close-lead-submitted.jsonl", "-d", "close",
    )  # fmt: skip
    assert configured.exit_code == 0, configured.output
    assert invoke("replay", "recordings/", "--mode", "verify").exit_code == 0


def test_replay_tab_defaults_to_shipped_recordings_away_from_a_checkout(tmp_path):
    shipped = default_recordings(tmp_path)
    assert Path(shipped) == packaged_recordings()
    assert sorted(p.name for p in Path(shipped).glob("*.jsonl")) == [
        "apollo.jsonl", "close.jsonl", "outreach.jsonl"
    ]  # fmt: skip
    (tmp_path / "recordings").mkdir()
    assert default_recordings(tmp_path) == "recordings/"
    assert os.path.isdir(shipped)
