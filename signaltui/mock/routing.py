"""The ASGI endpoint wrapper every mock CRM route goes through.

It journals the request as received, applies the active fault (latency, 429, 503, a
dropped connection), runs the CRM handler, and stamps the CRM's rate-limit headers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from signaltui.mock.journal import parse_body
from signaltui.mock.state import MockState


class ConnectionDropped(Exception):
    """Raised after a partial answer so the server closes the connection mid-response."""


Handler = Callable[[MockState, Request, bytes], Response]


@dataclass(frozen=True)
class Flavor:
    """A CRM's rate-limit behaviour: count a request, stamp headers, render a 429."""

    name: str
    #: Counts one request; returns True when a window is used up.
    count: Callable[[MockState], bool]
    #: Adds the CRM's rate-limit headers to a normal answer.
    decorate: Callable[[MockState, Response], None]
    #: The CRM's 429 answer, headers included.
    too_many: Callable[[MockState], Response]


_UNAVAILABLE_HTML = (
    "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n"
    "<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n"
    "</body>\r\n</html>\r\n"
)


def unavailable() -> Response:
    """A 503 as an edge proxy in front of any of the CRMs would give it."""
    return Response(_UNAVAILABLE_HTML, status_code=503, media_type="text/html")


def _headers(request: Request) -> dict[str, str]:
    # Repeated headers are joined the way HTTP allows, so the journal stays a flat dict.
    merged: dict[str, str] = {}
    for name, value in request.headers.items():
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged


class CrmEndpoint:
    """A raw ASGI endpoint (Starlette mounts it as-is) for one CRM route."""

    def __init__(
        self, state: MockState, flavor: Flavor | None, handler: Handler, *, resource: bool
    ) -> None:
        self.state = state
        self.flavor = flavor
        self.handler = handler
        self.resource = resource

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = self.state
        request = Request(scope, receive)
        raw = await request.body()
        crm = self.flavor.name if self.flavor else None
        entry = state.journal.add(
            crm=crm,
            method=request.method,
            path=request.url.path,
            query=request.url.query,
            headers=_headers(request),
            body=parse_body(raw, request.headers.get("content-type", "")),
            now=state.now(),
        )
        fault = state.faults.next(crm or "-", resource=self.resource and crm is not None)
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.kind == "drop":
            state.journal.answer(entry, None, "drop")
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
                }
            )
            raise ConnectionDropped(f"mock fault: dropped {request.method} {request.url.path}")
        response = self._answer(request, raw, fault.kind)
        label: str | None = None if fault.kind == "ok" else fault.kind
        if fault.delay and label is None:
            label = "slow"
        state.journal.answer(entry, response.status_code, label)
        await response(scope, receive, send)

    def _answer(self, request: Request, raw: bytes, kind: str) -> Response:
        flavor, state = self.flavor, self.state
        if flavor is not None and kind == "rate_limit":
            return flavor.too_many(state)
        if kind == "unavailable":
            return unavailable()
        if flavor is None or not self.resource:
            return self.handler(state, request, raw)
        if flavor.count(state) and state.settings.enforce_rate_limits:
            return flavor.too_many(state)
        response = self.handler(state, request, raw)
        flavor.decorate(state, response)
        return response


def not_found(state: MockState, request: Request, raw: bytes) -> Response:
    """Any path the mocks do not serve: a 404 that names the routes they do serve."""
    return JSONResponse(
        {
            "error": f"mock CRM: no route for {request.method} {request.url.path}",
            "routes": [
                "POST /api/v1/contacts",
                "POST /oauth/token",
                "POST /api/v2/prospects",
                "POST /api/v1/lead/",
                "GET /api/v1/lead/{id}/",
            ],
        },
        status_code=404,
    )
