"""Files that take their place whole or not at all: written beside, then renamed over.

What signaltui writes for a user (recordings, HAR exports, reports, repro bundles, the
Outreach token cache, the blueprint caches) is written as a :class:`Replacement`: a new
file in the target's folder, private from its creation (``mkstemp`` makes it 0600, and
these files carry lead PII or credentials), renamed over the target only once writing
has finished. A failure or an interruption removes it, leaving the target as it was, so
no reader ever sees half a file, and two writers never share a scratch name.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from types import TracebackType
from typing import IO, Any


class Replacement:
    """A scratch file beside ``path`` (its parent folder must exist): write to
    :attr:`handle`, then :meth:`commit` or :meth:`discard` it; as a context manager it
    commits when the block ends normally and discards otherwise.

    ``durable``: the file is flushed to the disk before the rename and the folder after,
    so the new content survives a power loss too (caches that are rebuilt anyway skip it).
    Raises ``OSError`` as the file system does; callers say what it means for them.
    """

    def __init__(self, path: Path, *, binary: bool = False, durable: bool = True) -> None:
        import tempfile  # here, not above: it pulls in shutil and random (start-up)

        self.path = path
        self.durable = durable
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.scratch = Path(name)
        try:
            self.handle: IO[Any] = (
                os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8")
            )
        except BaseException:
            os.close(fd)
            self.scratch.unlink(missing_ok=True)
            raise

    def commit(self) -> None:
        """Finish the file and rename it over ``path``; on failure it is discarded."""
        try:
            self.handle.flush()
            if self.durable:
                os.fsync(self.handle.fileno())
            self.handle.close()
            os.replace(self.scratch, self.path)
        except BaseException:
            self.discard()
            raise
        if self.durable:
            _fsync_directory(self.path.parent)

    def discard(self) -> None:
        """Close and remove the scratch file; ``path`` stays as it was."""
        with contextlib.suppress(OSError):
            self.handle.close()
        with contextlib.suppress(OSError):
            self.scratch.unlink(missing_ok=True)

    def __enter__(self) -> Replacement:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, hence best effort.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
