"""Where Outreach OAuth tokens survive between runs, keyed by API base URL.

Outreach rotates the refresh token on every exchange and the old one may stop working at
once, so the newest refresh token must be written down before it is relied on. The file
store does that atomically (temp file in the same directory, fsync, ``os.replace``) with
mode 0600, so a crash leaves either the old file or the new one, never half of each.

Precedence, and why: the configured refresh token (``SIGNALTUI_OUTREACH_REFRESH_TOKEN``)
is only the *seed*. Each stored entry remembers a fingerprint of the seed it descends from.
- Same seed as configured: the stored (rotated) token wins, because the configured one has
  probably been revoked by the rotation.
- Different seed: someone re-authorised and configured a new token on purpose, so the
  configured one wins and the stale entry is replaced on the next exchange.
This also makes recovery from ``invalid_grant`` a one-step fix: set the new token.

Entries are keyed by base URL so tokens minted by a mock are never sent to the live API
(and the other way round).

Several processes may share one file (three sends at once). Each exchange runs inside
:meth:`TokenStore.locked`: for the file store a cross-process lock (``<file>.lock``,
:mod:`filelock`) held from reading the newest refresh token to saving the rotated one,
so no two processes ever spend the same refresh token.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from filelock import FileLock, Timeout

from signaltui.errors import DeliveryError
from signaltui.replacement import Replacement

#: Longest wait, in seconds, for another process's token exchange to finish.
LOCK_TIMEOUT = 30.0
_LOCK_POLL = 0.02

_FORMAT = "signaltui.outreach-tokens"
_VERSION = 1


def seed_fingerprint(client_id: str, refresh_token: str) -> str:
    """A short, one-way fingerprint of the configured client id and refresh token."""
    digest = hashlib.sha256(f"{client_id}\0{refresh_token}".encode()).hexdigest()
    return digest[:24]


@dataclass(frozen=True)
class StoredToken:
    """One base URL's tokens. ``expires_at`` is wall-clock epoch seconds."""

    seed: str
    refresh_token: str
    access_token: str | None = None
    expires_at: float | None = None


class TokenStore(Protocol):
    """Persistence for :class:`StoredToken` entries, keyed by API base URL."""

    def load(self, base_url: str) -> StoredToken | None:
        """The entry for ``base_url``, or ``None``."""
        ...

    def save(self, base_url: str, token: StoredToken) -> None:
        """Replace the entry for ``base_url`` (durably, for persistent stores)."""
        ...

    def locked(self) -> AbstractAsyncContextManager[None]:
        """Hold the store against other processes for one load-exchange-save."""
        ...


class MemoryTokenStore:
    """A token store that lives as long as the process: for tests and mock runs."""

    def __init__(self) -> None:
        self.entries: dict[str, StoredToken] = {}

    def load(self, base_url: str) -> StoredToken | None:
        """The entry for ``base_url``, or ``None``."""
        return self.entries.get(base_url)

    def save(self, base_url: str, token: StoredToken) -> None:
        """Replace the entry for ``base_url``."""
        self.entries[base_url] = token

    @contextlib.asynccontextmanager
    async def locked(self) -> AsyncIterator[None]:
        """Nothing to lock: no other process sees this store."""
        yield


class FileTokenStore:
    """A JSON file of token entries (``Settings.token_file``), written atomically, 0600.

    Raises :class:`DeliveryError` when the file cannot be read, parsed or written; the
    message names the file and what to do.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # thread_local=False: one event loop may resume on another thread (the TUI).
        self._lock = FileLock(
            self.path.with_name(self.path.name + ".lock"), thread_local=False, mode=0o600
        )

    @contextlib.asynccontextmanager
    async def locked(self) -> AsyncIterator[None]:
        """Hold ``<file>.lock`` (polled, so the event loop keeps running meanwhile)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise self._unwritable(exc) from exc
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                self._lock.acquire(timeout=0)
                break
            except Timeout:
                if time.monotonic() >= deadline:
                    raise DeliveryError(
                        f"another process held the Outreach token file for {LOCK_TIMEOUT:g}s",
                        where=str(self._lock.lock_file),
                        hint="let the other signaltui finish its token refresh and retry",
                    ) from None
                await asyncio.sleep(_LOCK_POLL)
            except OSError as exc:
                raise self._unwritable(exc) from exc
        try:
            yield
        finally:
            self._lock.release()

    def load(self, base_url: str) -> StoredToken | None:
        """The entry for ``base_url``, or ``None`` when the file or entry is absent."""
        entry = self._read().get(base_url)
        if entry is None:
            return None
        try:
            return StoredToken(**entry)
        except TypeError as exc:
            raise self._corrupt(f"entry for {base_url} is malformed") from exc

    def save(self, base_url: str, token: StoredToken) -> None:
        """Write the file with ``base_url``'s entry replaced, atomically."""
        entries = self._read()
        entries[base_url] = asdict(token)
        document = {"format": _FORMAT, "version": _VERSION, "tokens": entries}
        try:
            self._write_atomically(json.dumps(document, indent=2, sort_keys=True))
        except OSError as exc:
            raise self._unwritable(exc) from exc

    def _unwritable(self, exc: OSError) -> DeliveryError:
        return DeliveryError(
            f"cannot save the Outreach token file: {exc.strerror or exc}",
            where=str(self.path),
            hint="make the directory writable; the rotated refresh token must be kept "
            "or Outreach will need re-authorising",
        )

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise DeliveryError(
                f"cannot read the Outreach token file: {exc.strerror or exc}",
                where=str(self.path),
                hint="fix its permissions (it should be readable by you only)",
            ) from exc
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise self._corrupt("not valid JSON") from exc
        if not isinstance(document, dict) or document.get("format") != _FORMAT:
            raise self._corrupt("not a signaltui token file")
        if document.get("version") != _VERSION:
            raise self._corrupt(f"unknown version {document.get('version')!r}")
        tokens = document.get("tokens")
        if not isinstance(tokens, dict):
            raise self._corrupt("'tokens' is missing")
        return tokens

    def _corrupt(self, detail: str) -> DeliveryError:
        return DeliveryError(
            f"the Outreach token file is unusable: {detail}",
            where=str(self.path),
            hint="delete it to start again from the configured refresh token "
            "(re-authorise Outreach if that token was already rotated)",
        )

    def _write_atomically(self, text: str) -> None:
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with Replacement(self.path) as file:  # private, whole, and flushed to the disk
            file.handle.write(text)
