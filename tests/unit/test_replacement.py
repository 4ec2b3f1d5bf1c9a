"""signaltui.replacement: a file takes its place whole or not at all, private from birth."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from signaltui.replacement import Replacement


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _scratch_files(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_the_new_content_appears_only_on_commit_and_is_private(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    with Replacement(target) as file:
        file.handle.write("new")
        file.handle.flush()
        assert target.read_text() == "old"  # a reader still sees the whole old file
        assert _mode(file.scratch) == 0o600 and file.scratch.parent == tmp_path
    assert target.read_text() == "new" and _mode(target) == 0o600
    assert _scratch_files(tmp_path) == []


@pytest.mark.parametrize("durable", [True, False])
def test_a_failure_inside_the_block_leaves_the_target_and_no_scratch(tmp_path, durable):
    target = tmp_path / "out.bin"
    target.write_bytes(b"kept")
    with pytest.raises(KeyboardInterrupt), Replacement(target, binary=True, durable=durable) as f:
        f.handle.write(b"half")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"kept" and _scratch_files(tmp_path) == []


def test_a_failed_rename_discards_the_scratch_file(tmp_path):
    target = tmp_path / "taken"
    target.mkdir()  # a folder in the way: the rename fails
    (target / "inside").write_text("x")
    file = Replacement(target)
    file.handle.write("data")
    with pytest.raises(OSError):
        file.commit()
    assert _scratch_files(tmp_path) == [] and target.is_dir()


def test_two_writers_of_one_path_never_share_a_scratch_file(tmp_path):
    # The old writers named their scratch file after the process id alone, so two
    # threads exporting to one path wrote into the same file.
    target = tmp_path / "export.jsonl"
    ready = threading.Barrier(2)

    def write(text: str) -> None:
        with Replacement(target) as file:
            ready.wait()
            file.handle.write(text * 1000)

    threads = [threading.Thread(target=write, args=(c,)) for c in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert target.read_text() in ("a" * 1000, "b" * 1000)
    assert _scratch_files(tmp_path) == []


def test_a_missing_folder_is_an_os_error_the_caller_translates(tmp_path):
    with pytest.raises(FileNotFoundError):
        Replacement(tmp_path / "no" / "such" / "file")
