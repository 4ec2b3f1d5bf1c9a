"""The in-process seam: an httpx transport that calls a mock app without sockets."""

from __future__ import annotations

import httpx
from starlette.types import ASGIApp

from signaltui.mock.routing import ConnectionDropped


class MockTransport(httpx.AsyncBaseTransport):
    """``httpx.ASGITransport`` that turns a mock's dropped connection into a transport error.

    Over real HTTP the server closes the socket mid-answer and httpx raises
    ``RemoteProtocolError``; in process the app raises :class:`ConnectionDropped`, which is
    translated into the same httpx error so clients see one behaviour.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app, client=("127.0.0.1", 51000))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except ConnectionDropped as exc:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a complete response.", request=request
            ) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()


def mock_transport(app: ASGIApp) -> httpx.AsyncBaseTransport:
    """An async httpx transport serving ``app`` in process (``--target mock``)."""
    return MockTransport(app)
