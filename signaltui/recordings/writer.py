"""Write recordings: one redacted JSON line per exchange.

Two modes, both of which leave only whole lines behind:

- **append** (default): each exchange is one ``write()`` of one complete line to the
  file opened for appending, flushed at once. An interrupted writer (Ctrl-C, a crash)
  leaves every line it finished and nothing else; a later writer adds to the same file
  (this is how ``send`` and live capture record as they go).
- **atomic** (``atomic=True``, for full exports): lines go to a temporary file next to
  the target, which replaces the target only when the ``with`` block ends without an
  exception. An interrupted export leaves the previous file untouched.

Every exchange is redacted on write (:func:`~signaltui.recordings.redact.redact_exchange`)
whatever the caller did before: secrets never reach a recording.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from pydantic import ValidationError

from signaltui.errors import RecordingError
from signaltui.recordings.model import Exchange
from signaltui.recordings.redact import redact_exchange
from signaltui.replacement import Replacement


def redacted_exchange(
    exchange: Exchange | Mapping[str, Any], secrets: Iterable[str], *, where: str
) -> Exchange:
    """``exchange`` validated as an :class:`Exchange` and redacted, as every writer stores it.

    An invalid one is a :class:`RecordingError` naming ``where`` and its first problem.
    """
    try:
        model = exchange if isinstance(exchange, Exchange) else Exchange.model_validate(exchange)
    except ValidationError as exc:
        raise RecordingError(
            f"cannot record an invalid exchange: {exc.error_count()} error(s), "
            f"first: {exc.errors()[0]['msg']} at {exc.errors()[0]['loc']}",
            where=where,
        ) from exc
    redacted = redact_exchange(model, secrets)
    assert isinstance(redacted, Exchange)
    return redacted


class RecordingWriter:
    """Context manager that appends exchanges to ``path`` as JSON Lines, redacted.

    ``secrets`` are the credential values in use; every occurrence is masked. Use::

        with RecordingWriter(path, secrets=creds.secret_values()) as writer:
            writer.write(exchange)
    """

    def __init__(
        self,
        path: Path,
        secrets: Iterable[str] = (),
        *,
        atomic: bool = False,
        stream: IO[bytes] | None = None,
    ):
        """``stream`` (e.g. stdout's buffer) is written instead of a file at ``path``;
        ``path`` then only names it in errors, and the stream is flushed, never closed."""
        self.path = Path(path)
        self.secrets = tuple(secrets)
        self.atomic = atomic
        self._stream = stream
        #: Exchanges written so far by this writer.
        self.count = 0
        self._file: IO[bytes] | None = None
        self._replacement: Replacement | None = None  # atomic mode's scratch file

    def __enter__(self) -> RecordingWriter:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(commit=exc_type is None)

    def open(self) -> None:
        """Open the file (done by ``with``); parent folders are created as needed."""
        if self._stream is not None:
            self._file = self._stream
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Recordings carry lead PII: a file this writer creates is private (0600).
            if self.atomic:
                self._replacement = Replacement(self.path, binary=True)
                self._file = self._replacement.handle
            else:
                flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
                self._file = os.fdopen(os.open(self.path, flags, 0o600), "ab")
                self._end_partial_line()
        except OSError as exc:
            raise self._unwritable(exc) from exc

    def write(self, exchange: Exchange | Mapping[str, Any]) -> Exchange:
        """Redact ``exchange``, append it as one line, flush; return what was written."""
        if self._file is None:
            raise RuntimeError("RecordingWriter.write() called outside its `with` block")
        redacted = redacted_exchange(exchange, self.secrets, where=str(self.path))
        data = redacted.model_dump(mode="json")
        if data.get("retry_at") is None:
            data.pop("retry_at", None)  # only deferred exchanges carry it
        line = json.dumps(data, ensure_ascii=False) + "\n"
        try:
            self._file.write(line.encode("utf-8"))
            self._file.flush()
        except OSError as exc:
            raise RecordingError(
                f"cannot write recording: {exc.strerror or exc}", where=str(self.path)
            ) from exc
        self.count += 1
        return redacted

    def close(self, *, commit: bool = True) -> None:
        """Close the file; in atomic mode, replace the target only when ``commit``."""
        if self._file is None:
            return
        if self._stream is not None:
            self._file.flush()
            self._file = None
            return
        handle, replacement = self._file, self._replacement
        self._file = self._replacement = None
        if replacement is None:
            handle.close()
        elif not commit:
            replacement.discard()
        else:
            try:
                replacement.commit()
            except OSError as exc:
                raise self._unwritable(exc) from exc

    def _unwritable(self, exc: OSError) -> RecordingError:
        return RecordingError(
            f"cannot write recording: {exc.strerror or exc}",
            where=str(self.path),
            hint="check that the folder exists and is writable",
        )

    def _end_partial_line(self) -> None:
        """Start on a fresh line if the file ends mid-line (e.g. a disk filled up).

        Otherwise our first line would be glued to the fragment and both would be lost.
        """
        assert self._file is not None
        size = self.path.stat().st_size
        if size == 0:
            return
        with self.path.open("rb") as existing:
            existing.seek(size - 1)
            if existing.read(1) != b"\n":
                self._file.write(b"\n")
                self._file.flush()
