"""Serving the mock app over real HTTP with uvicorn: blocking, or in a background thread."""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from signaltui.config import Credentials
from signaltui.errors import InputError
from signaltui.mock.app import create_app
from signaltui.mock.routing import ConnectionDropped


class _HideDroppedConnections(logging.Filter):
    """Keep uvicorn from logging a traceback for each deliberate dropped connection."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ConnectionDropped)


def _quiet_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _HideDroppedConnections) for f in logger.filters):
        logger.addFilter(_HideDroppedConnections())


def check_host(host: str, allow_remote: bool = False) -> str:
    """``host`` if it is loopback (or ``allow_remote``), else an :class:`InputError`."""
    if allow_remote or host == "localhost":
        return host
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise InputError(
            f"refusing to serve the mock CRMs on {host!r}",
            where="--host",
            hint="use a loopback address such as 127.0.0.1, or pass --allow-remote",
        )
    return host


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Name the protocol explicitly: asyncio only turns on TCP_NODELAY for sockets whose
    # proto is IPPROTO_TCP, and without it every keep-alive answer waits ~40 ms (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InputError(
            f"cannot listen on {host}:{port}: {exc.strerror}",
            where="--port",
            hint="pick another port, or 0 for any free one",
        ) from exc
    return sock


def _base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _server(app: ASGIApp, *, quiet: bool) -> uvicorn.Server:
    # h11 is pinned so a dropped connection looks the same on every machine; with
    # log_config=None uvicorn leaves the process's logging alone (the TUI owns stderr).
    config = uvicorn.Config(
        app,
        http="h11",
        lifespan="off",
        access_log=not quiet,
        log_level="warning" if quiet else "info",
        log_config=None if quiet else uvicorn.config.LOGGING_CONFIG,
    )
    _quiet_drops()
    return uvicorn.Server(config)


def run_server(
    host: str = "127.0.0.1",
    port: int = 0,
    faults: str = "none",
    credentials: Credentials | None = None,
    *,
    allow_remote: bool = False,
    announce: Callable[[str], None] | None = None,
    **app_kwargs: Any,
) -> None:
    """Serve all three mock CRMs until interrupted; ``announce`` gets the base URL."""
    check_host(host, allow_remote)
    app = create_app(credentials, faults, **app_kwargs)
    sock = _bind(host, port)
    if announce is not None:
        announce(_base_url(sock))
    _server(app, quiet=False).run(sockets=[sock])


@contextmanager
def serve_in_thread(
    app: ASGIApp | Mapping[str, Any] | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    startup_timeout: float = 10.0,
) -> Iterator[str]:
    """Run a mock app on a loopback port in a daemon thread; yields its base URL.

    ``app`` is a ready ASGI app, or keyword arguments for :func:`create_app` (``None``:
    defaults). The server is stopped and the thread joined on exit.
    """
    check_host(host)
    if app is None or isinstance(app, Mapping):
        app = create_app(**dict(app or {}))
    sock = _bind(host, port)
    server = _server(app, quiet=True)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="signaltui-mock", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the mock CRM server did not start")
        time.sleep(0.01)
    try:
        yield _base_url(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=startup_timeout)
        sock.close()
