"""The send-replay run lock: refusal naming the holder, waiting, and clear failures."""

from __future__ import annotations

import asyncio
import os

import pytest

from signaltui.errors import SignaltuiError
from signaltui.replay.runlock import RunInProgressError, hold_run, lock_path


def test_the_lock_lives_next_to_the_store_and_not_for_memory_stores(tmp_path):
    path = lock_path(str(tmp_path / "s.db"), "replay-send:abc")
    assert path == tmp_path / "s.db.locks" / "replay-send-abc.lock"
    assert lock_path(":memory:", "replay-send:abc") is None


async def test_a_held_lock_is_refused_with_its_holder(tmp_path):
    path = tmp_path / "s.db.locks" / "k.lock"
    async with hold_run(path, wait=False) as waited:
        assert waited is False
        with pytest.raises(RunInProgressError) as caught:
            async with hold_run(path, wait=False):
                pass
    assert f"process {os.getpid()}" in caught.value.message
    assert "--wait" in (caught.value.hint or "")
    async with hold_run(path, wait=False) as waited:  # free again once released
        assert waited is False


async def test_waiting_says_so_once_and_reports_it_waited(tmp_path):
    path = tmp_path / "k.lock"
    lines: list[str] = []
    release = asyncio.Event()

    async def first() -> None:
        async with hold_run(path, wait=False):
            await release.wait()

    holder = asyncio.create_task(first())
    await asyncio.sleep(0.05)

    async def second() -> bool:
        async with hold_run(path, wait=True, on_wait=lines.append) as waited:
            return waited

    waiter = asyncio.create_task(second())
    await asyncio.sleep(0.5)
    release.set()
    await holder
    assert await waiter is True
    assert len(lines) == 1 and "waiting for process" in lines[0]


async def test_an_unusable_lock_folder_is_a_clear_error(tmp_path):
    (tmp_path / "s.db.locks").write_text("a file where the folder should be")
    path = lock_path(str(tmp_path / "s.db"), "replay-send:abc")
    with pytest.raises(SignaltuiError, match="cannot take the replay lock"):
        async with hold_run(path, wait=False):
            pass
