"""The faults a mutation run puts on the in-process mock, one kind per delivery.

:class:`MutationFault` is plain ASGI middleware around a mock CRM app: it lets every
request through to the real mock except the ones its kind hits (the first create of
the CRM under test; for a lasting kind, every request to that CRM until it ends), and
turns their answer into the failure. The 429 and 503 bodies come from the mock's own
renderers, so they are the CRM's real shapes; only the headers naming the wait change.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from signaltui.mock import apollo, close, outreach
from signaltui.mock.routing import ConnectionDropped, Flavor
from signaltui.mock.state import MockState
from signaltui.replay.mutate_expect import MAINTENANCE_WAIT, SHORT_WAIT, WINDOW_WAIT

#: The create each CRM's delivery sends: (method, path).
CREATES = {
    "apollo": ("POST", "/api/v1/contacts"),
    "outreach": ("POST", "/api/v2/prospects"),
    "close": ("POST", "/api/v1/lead/"),
}
#: The path prefix of each CRM's resources (look-ups included; the token endpoint not).
PREFIXES = {"apollo": "/api/v1/contacts", "outreach": "/api/v2/prospects", "close": "/api/v1/lead/"}
FLAVORS: dict[str, Flavor] = {
    "apollo": apollo.FLAVOR,
    "outreach": outreach.FLAVOR,
    "close": close.FLAVOR,
}
#: Every header a CRM names a wait in; a 429 mutation keeps only the form it tests.
WAIT_HEADERS = ("retry-after", "ratelimit", "ratelimit-reset", "x-ratelimit-reset")


class MutationFault:
    """ASGI middleware: the mock app, with one kind of failure for ``destination``.

    ``state`` is the wrapped app's :class:`MockState` (its leads are counted after the
    run); ``clock`` is the simulated wall clock both the mock and the client read.
    ``hits`` counts the requests the fault answered.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        kind: str,
        destination: str,
        state: MockState,
        clock: Callable[[], float],
        persists: bool = False,
    ) -> None:
        self.app = app
        self.kind = kind
        self.destination = destination
        self.state = state
        self.clock = clock
        self.persists = persists
        self.hits = 0
        self._until: float | None = None

    def _hit(self, scope: Scope) -> bool:
        method, path = scope.get("method", ""), scope.get("path", "")
        if self.persists:
            if not path.startswith(PREFIXES[self.destination]):
                return False
            if self._until is None:
                self._until = self.clock() + MAINTENANCE_WAIT
            return self.clock() < self._until
        return self.hits == 0 and (method, path) == CREATES[self.destination]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._hit(scope):
            await self.app(scope, receive, send)
            return
        self.hits += 1
        if self.kind == "timeout":
            # The answer never came in time; the CRM never got to the create.
            raise httpx.ReadTimeout("mutation: no answer within the timeout")
        if self.kind in ("lost-response", "malformed-json", "2xx-without-id"):
            await self._after_the_mock(scope, receive, send)
            return
        response = self._refusal(Request(scope, receive))
        await response(scope, receive, send)

    def _refusal(self, request: Request) -> Response:
        """The answer of a kind that refuses the request before the CRM stores anything."""
        flavor, state, now = FLAVORS[self.destination], self.state, self.clock()
        if self.kind == "500":
            return _server_error(self.destination)
        if self.kind == "503-maintenance":
            until = self._until if self._until is not None else now + MAINTENANCE_WAIT
            return flavor.maintenance(state, until - now)
        group = " ".join(CREATES[self.destination])
        response = flavor.too_many(state, flavor.forced(state, request, group), group, SHORT_WAIT)
        for name in WAIT_HEADERS:
            if name in response.headers:
                del response.headers[name]
        response.headers.update(self._wait_headers(now))
        return response

    def _wait_headers(self, now: float) -> dict[str, str]:
        """The headers naming the wait, in the form this kind tests."""
        crm = self.destination
        if self.kind == "429-retry-after-seconds":
            return {"retry-after": str(SHORT_WAIT)}
        if self.kind == "429-retry-after-date":
            return {"retry-after": formatdate(math.ceil(now) + SHORT_WAIT, usegmt=True)}
        if self.kind == "429-reset-header":
            if crm == "close":
                return {"ratelimit": f"limit=20, remaining=0, reset={SHORT_WAIT}"}
            if crm == "outreach":
                return {"x-ratelimit-reset": str(math.ceil(now) + SHORT_WAIT)}
            return {}  # Apollo names no reset time: its requests-left headers stay
        if self.kind == "429-hourly-window":
            headers = {"retry-after": str(WINDOW_WAIT)}
            if crm == "outreach":
                headers["x-ratelimit-reset"] = str(math.ceil(now) + WINDOW_WAIT)
            return headers
        return {}  # 429-no-retry-after

    async def _after_the_mock(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let the mock store the lead, then lose or spoil its answer."""
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, keep)
        if self.kind == "lost-response":
            raise ConnectionDropped("mutation: the answer was lost after the create")
        start = next(m for m in messages if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        spoilt = (
            _cut(body) if self.kind == "malformed-json" else _without_id(self.destination, body)
        )
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(spoilt)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": spoilt})


def _server_error(destination: str) -> Response:
    """A 500 in the CRM's error shape (JSON:API for Outreach)."""
    if destination == "outreach":
        error = {"id": "internalServerError", "title": "Internal Server Error"}
        return JSONResponse({"errors": [error]}, status_code=500)
    return JSONResponse({"error": "Internal Server Error"}, status_code=500)


def _cut(body: bytes) -> bytes:
    """The first half of a JSON answer: no longer JSON."""
    return body[: max(1, len(body) // 2)]


def _without_id(destination: str, body: bytes) -> bytes:
    """The same JSON answer with the created record's id left out."""
    data: Any = json.loads(body)
    holder = data.get("contact") if destination == "apollo" else data
    if destination == "outreach":
        holder = data.get("data")
    if isinstance(holder, dict):
        holder.pop("id", None)
    return json.dumps(data).encode()


def lead_count(state: MockState, destination: str) -> int:
    """How many records the mock CRM holds for ``destination`` (a fresh mock per run)."""
    stores: dict[str, Any] = {
        "apollo": state.apollo_contacts,
        "outreach": state.outreach_prospects,
        "close": state.close_leads,
    }
    return len(stores[destination])
