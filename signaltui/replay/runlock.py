"""A send replay in progress holds a file lock, so an identical one elsewhere sees it.

Without it, a second process started with the same recordings, target and filters
found the first one's unfinished run and "resumed" it while it was still running,
delivering almost everything twice. The lock lives next to the store file
(``<db>.locks/<resume key>.lock``), is taken with :mod:`filelock` (an OS lock the
kernel drops if the process dies, so a killed run never blocks the next one), and names
its holder in a small sidecar file so the refusal can say who has it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from signaltui.errors import SignaltuiError

#: How often a waiting replay (``--wait``) tries the lock again, in seconds.
POLL_SECONDS = 0.2


class RunInProgressError(SignaltuiError):
    """An identical send replay is running in another process (exit 2: nothing was sent)."""


def lock_path(store_path: str, resume_key: str) -> Path | None:
    """Where the lock for ``resume_key`` lives, or ``None`` for an in-memory store."""
    if store_path == ":memory:":
        return None
    store = Path(store_path)
    name = resume_key.replace(":", "-")
    return store.with_name(store.name + ".locks") / f"{name}.lock"


@contextlib.asynccontextmanager
async def hold_run(
    path: Path | None, *, wait: bool, on_wait: Callable[[str], None] | None = None
) -> AsyncIterator[bool]:
    """Hold the run lock at ``path`` for the block; yields whether it had to wait.

    Without ``wait`` a held lock raises :class:`RunInProgressError` naming its holder;
    with it, ``on_wait`` is told once (a line for people) that the wait has begun.
    """
    if path is None:
        yield False
        return
    # thread_local=False: the TUI may start and finish a replay on different threads.
    lock = FileLock(path, thread_local=False, mode=0o600)
    waited = False
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock.acquire(timeout=0)
            break
        except Timeout:
            if not wait:
                raise _in_progress(path) from None
            if not waited and on_wait is not None:
                on_wait(f"waiting for {_holder(path)} to finish the same send replay…")
            waited = True
            await asyncio.sleep(POLL_SECONDS)
        except OSError as exc:  # after Timeout, which is an OSError too
            raise SignaltuiError(
                f"cannot take the replay lock: {exc.strerror or exc}",
                where=str(path),
                hint="check that the store's folder is writable",
            ) from exc
    owner = path.with_name(path.name + ".owner")
    try:
        _write_owner(owner)
        yield waited
    finally:
        with contextlib.suppress(OSError):
            owner.unlink()
        lock.release()


def _write_owner(owner: Path) -> None:
    started = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    with contextlib.suppress(OSError):
        owner.write_text(json.dumps({"pid": os.getpid(), "started_at": started}))


def _holder(path: Path) -> str:
    """Who holds the lock at ``path``, as people read it (best effort)."""
    try:
        owner = json.loads(path.with_name(path.name + ".owner").read_text())
        return f"process {int(owner['pid'])} (started {owner['started_at']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


def _in_progress(path: Path) -> RunInProgressError:
    return RunInProgressError(
        f"the same send replay (same recordings, target and filters) is already running in "
        f"{_holder(path)}",
        where=str(path),
        hint="wait for it to finish, or add --wait to start once it is done (only what it "
        "did not deliver is sent then)",
    )
