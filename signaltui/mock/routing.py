"""The ASGI endpoint wrapper every mock CRM route goes through.

It journals the request as received, applies the active fault (latency, 429, 503,
maintenance, a dropped connection), enforces the CRM's rate limits, runs the CRM handler,
stamps the CRM's rate-limit headers, and, under ``lost-response``, drops the connection
after the handler has applied a create.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from signaltui.mock.faults import Fault, request_identity
from signaltui.mock.journal import parse_body
from signaltui.mock.ratelimit import Window
from signaltui.mock.state import MockState


class ConnectionDropped(Exception):
    """Raised after a partial answer so the server closes the connection mid-response."""


Handler = Callable[[MockState, Request, bytes], Response]


@dataclass
class LimitCheck:
    """One request counted against a CRM's windows: the headers to send, and any overrun.

    ``exhausted`` is the window that ran out (the one that resets last, when several
    did); ``family`` names it for the CRM's 429 text.
    """

    headers: dict[str, str] = field(default_factory=dict)
    exhausted: Window | None = None
    family: str = ""
    key: str = ""

    def retry_after(self, now: float) -> int:
        """Whole seconds until the exhausted window resets (at least 1)."""
        return self.exhausted.reset_in(now) if self.exhausted is not None else 1


@dataclass(frozen=True)
class Flavor:
    """A CRM's rate-limit behaviour: count a request, and render its 429.

    ``check(state, request, group)`` counts the request against the CRM's windows for
    endpoint group ``group`` (``"POST /api/v1/lead/"``) and returns the headers to stamp
    and any overrun, or ``None`` when the request is not counted (Apollo: a refused key
    gets no rate headers). ``forced(state, request, group)`` is the check a fault-profile
    429 uses: windows shown as full, ``retry_after`` from the settings.
    """

    name: str
    check: Callable[[MockState, Request, str], LimitCheck | None]
    forced: Callable[[MockState, Request, str], LimitCheck]
    too_many: Callable[[MockState, LimitCheck, str, int], Response]
    maintenance: Callable[[MockState, float], Response]


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


async def _drop(send: Send, what: str) -> None:
    # Start an answer that promises a body, then stop: the server closes the socket and
    # the client sees the connection end mid-response (httpx: RemoteProtocolError).
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
        }
    )
    raise ConnectionDropped(f"mock fault: dropped {what}")


class CrmEndpoint:
    """A raw ASGI endpoint (Starlette mounts it as-is) for one CRM route and method.

    ``group``: the endpoint group rate limits count under (``"POST /api/v1/lead/"``).
    ``resource``: faults and limits apply (not the token endpoint). ``creates``: it makes
    a record, so ``lost-response`` may swallow its answer.
    """

    def __init__(
        self,
        state: MockState,
        flavor: Flavor | None,
        handler: Handler,
        *,
        group: str = "",
        resource: bool = True,
        creates: bool = False,
    ) -> None:
        self.state = state
        self.flavor = flavor
        self.handler = handler
        self.group = group
        self.resource = resource and flavor is not None
        self.creates = creates

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
        identity = request_identity(request.method, request.url.path, request.url.query, raw)
        fault = state.faults.next(identity, resource=self.resource, creates=self.creates)
        if fault.delay:
            await asyncio.sleep(fault.delay)
        what = f"{request.method} {request.url.path}"
        if fault.kind == "drop":
            state.journal.answer(entry, None, "drop")
            await _drop(send, what)
        response = self._answer(request, raw, fault, identity)
        if fault.kind == "lost":
            # The handler has run (and applied the create, if it accepted it); its answer
            # never leaves. Only applied creates count as lost responses.
            state.journal.answer(entry, None, "lost-response")
            if 200 <= response.status_code < 300:
                state.counters.bump(state.counters.lost_responses, crm or "-")
            await _drop(send, what)
        label: str | None = None if fault.kind in ("ok", "lost") else fault.kind
        if fault.delay and label is None:
            label = "slow"
        if response.status_code == 429 and crm:
            state.counters.bump(state.counters.rate_limited, crm)
        state.journal.answer(entry, response.status_code, label)
        await response(scope, receive, send)

    def _answer(self, request: Request, raw: bytes, fault: Fault, identity: str) -> Response:
        flavor, state = self.flavor, self.state
        request.state.identity = identity
        if flavor is None or not self.resource:
            return self.handler(state, request, raw)
        now = state.now()
        if fault.kind == "maintenance":
            return flavor.maintenance(state, fault.retry_after)
        if fault.kind == "rate_limit":
            forced = flavor.forced(state, request, self.group)
            return flavor.too_many(state, forced, self.group, state.settings.retry_after)
        if fault.kind == "unavailable":
            return unavailable()
        check = flavor.check(state, request, self.group)
        if check is not None and check.exhausted is not None and state.windows.policy.enforce:
            return flavor.too_many(state, check, self.group, check.retry_after(now))
        response = self.handler(state, request, raw)
        if check is not None:
            response.headers.update(check.headers)
        return response


#: What ``not_found`` lists: every route the mocks serve.
ROUTES: list[str] = []


def not_found(state: MockState, request: Request, raw: bytes) -> Response:
    """Any path the mocks do not serve: a 404 that names the routes they do serve."""
    return JSONResponse(
        {
            "error": f"mock CRM: no route for {request.method} {request.url.path}",
            "routes": ROUTES,
        },
        status_code=404,
    )
