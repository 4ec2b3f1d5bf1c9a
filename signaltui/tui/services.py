"""What the app's sends run on: the store, the in-process mock CRMs, the mock server and
the delivery sessions, started just after the first screen rather than before it.

Their imports (sqlite_utils, starlette, uvicorn, httpx) and opening the store were a
large share of start-up, and the first screen (the Compose tab) needs none of them. So
the app starts them in a thread once that screen is drawn (:meth:`Services.start_all`),
and each one is also made on first use, whichever comes first, under one lock: code
that needs one before the thread is done waits for it (never a second one, never a
failure). Async callers wait without holding the event loop (:meth:`Services.ready`).
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any

from signaltui.config import Settings
from signaltui.errors import SignaltuiError

if TYPE_CHECKING:
    from signaltui.store import Store
    from signaltui.tui.mocks import MockServer
    from signaltui.tui.sessions import SessionPool


class Services:
    """The store, mocks and sessions of one app session, each made once, on first need.

    ``store``: an already open store (tests); otherwise ``settings.db`` is opened.
    ``settings`` stays current (the app sets it when the Settings tab applies new ones),
    so sessions made late use the settings in force then.
    """

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self._credentials = settings.credentials
        self._limits = settings.mock_limits
        self._db = settings.db
        # Re-entrant: making the sessions makes the store and the mock under the lock.
        self._lock = threading.RLock()
        self._store = store
        self._store_tried = store is not None
        #: Why the store could not be opened (rendered), once it was tried.
        self.store_error: str | None = None
        self._mock_app: Any = None
        self._mock_server: MockServer | None = None
        self._sessions: SessionPool | None = None
        self._closed = False

    @property
    def store(self) -> Store | None:
        """The store, opened on first use; ``None`` if it cannot be (see ``store_error``)."""
        with self._lock:
            if not self._store_tried:
                self._store_tried = True
                from signaltui.store import Store

                try:
                    self._store = Store.open(self._db)
                except SignaltuiError as error:
                    self.store_error = error.render()
            return self._store

    @property
    def mock_app(self) -> Any:
        """The in-process mock CRMs (``--target mock``), kept for the whole session."""
        with self._lock:
            if self._mock_app is None:
                from signaltui.mock import create_app

                self._mock_app = create_app(self._credentials, limits=self._limits)
            return self._mock_app

    @property
    def mock_server(self) -> MockServer:
        """The loopback mock server the Mocks tab starts and stops (not started here)."""
        with self._lock:
            if self._mock_server is None:
                from signaltui.tui.mocks import MockServer

                self._mock_server = MockServer(self._credentials, limits=self._limits)
            return self._mock_server

    @property
    def sessions(self) -> SessionPool:
        """The delivery sessions, one per target, on the store and the in-process mock."""
        with self._lock:
            if self._sessions is None:
                from signaltui.tui.sessions import SessionPool

                self._sessions = SessionPool(self.settings, self.store, self.mock_app)
            return self._sessions

    @property
    def all_ready(self) -> bool:
        """Whether every service exists already."""
        return self._sessions is not None and self._mock_server is not None

    def start_all(self) -> None:
        """Make every service now (blocking: the app runs it in a thread).

        Nothing is made once :meth:`close` has run (the app quit before this thread ran).
        """
        with self._lock:
            if not self._closed:
                self.sessions  # noqa: B018 - made for its side effect (with store and mock)
                self.mock_server  # noqa: B018

    async def ready(self) -> None:
        """Return once every service exists, without blocking the event loop meanwhile."""
        if not self.all_ready:
            await asyncio.to_thread(self.start_all)

    async def close(self) -> None:
        """Close what was made (sessions, the mock server, the store); make nothing."""
        with self._lock:  # not while the start-up thread is half-way through
            self._closed = True
            sessions, server, store = self._sessions, self._mock_server, self._store
        if sessions is not None:
            await sessions.reset()
        if server is not None:
            server.stop()
        if store is not None:
            store.close()
