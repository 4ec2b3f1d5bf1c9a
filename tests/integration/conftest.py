"""Shared fixtures for integration tests.

Mock CRM fixtures (owned by the mock package's tests):
- ``mock_app``: a fresh mock app (all three CRMs, no faults, any credential accepted).
  Override it in a test module to change credentials, settings or the clock.
- ``mock_server``: ``mock_app`` served on a free loopback port; yields its base URL.
- ``mock_client``: an ``httpx.AsyncClient`` on ``mock_app``, once over real loopback
  HTTP and once in process through ``mock_transport`` (the test runs twice).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.applications import Starlette

from signaltui.mock import create_app, mock_transport
from signaltui.mock.server import serve_in_thread


@asynccontextmanager
async def open_mock_client(app: Starlette, mode: str) -> AsyncIterator[httpx.AsyncClient]:
    """An async client on ``app``: ``mode`` is ``loopback`` (real HTTP) or ``in_process``."""
    if mode == "loopback":
        with serve_in_thread(app) as url:
            async with httpx.AsyncClient(base_url=url) as client:
                yield client
    else:
        transport = mock_transport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as client:
            yield client


@pytest.fixture
def mock_app() -> Starlette:
    return create_app(seed=7)


@pytest.fixture
def mock_server(mock_app: Starlette) -> Iterator[str]:
    with serve_in_thread(mock_app) as url:
        yield url


@pytest.fixture(params=["loopback", "in_process"])
async def mock_client(
    request: pytest.FixtureRequest, mock_app: Starlette
) -> AsyncIterator[httpx.AsyncClient]:
    async with open_mock_client(mock_app, request.param) as client:
        yield client
