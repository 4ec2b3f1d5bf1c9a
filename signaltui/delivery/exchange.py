"""One HTTP exchange of a delivery: authenticate, send, record, and say what failed.

The client (:mod:`signaltui.delivery.client`) decides what to send and what an answer
means; this module does the one round trip and turns what can go wrong before an answer
(a refused or throttled token, a dropped connection) into ``Retry`` or ``Done``.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from signaltui.core.request import OutboundRequest
from signaltui.delivery.attempts import Done, Retry, auth_done
from signaltui.delivery.auth import Authenticator, AuthError
from signaltui.delivery.lookup import is_ambiguous_error
from signaltui.delivery.outcomes import AttemptKind
from signaltui.delivery.wire import (
    SendFailure,
    record_request,
    record_response,
    send,
    wire_headers,
)
from signaltui.errors import DeliveryError


async def send_recorded(
    http: httpx.AsyncClient,
    auth: Authenticator,
    request: OutboundRequest,
    kind: AttemptKind,
    record: Callable[..., None],
    clock: Callable[[], float],
) -> tuple[httpx.Response, str | None, dict[str, str]]:
    """Authenticate and send ``request``, ``record`` its attempt; the response, the
    bearer token used and the answer's headers. Raises ``Retry``/``Done``."""
    try:
        auth_values, bearer = await auth.headers(request)
    except DeliveryError as exc:
        record(record_request(request, None), error=exc.message)
        if isinstance(exc, AuthError) and exc.retryable:
            status = 429 if exc.reason == "token_http_429" else None
            raise Retry(exc.reason, status, exc.headers, wait=exc.wait) from exc
        raise auth_done(exc) from exc
    headers = wire_headers(request, auth_values)
    sent = record_request(request, headers, with_body=request.method != "GET")
    try:
        response, latency_ms = await send(http, request, headers, clock)
    except SendFailure as failure:
        record(sent, error=failure.message)
        if failure.retryable:
            if kind == "lookup":
                raise Retry(f"lookup_{failure.kind}", lookup=True) from failure
            ambiguous = is_ambiguous_error(failure.__cause__)
            raise Retry(failure.kind, ambiguous=ambiguous) from failure
        raise Done("failed", failure.kind, failure.hint) from failure
    # One plain dict of the answer's headers (lower-case names, repeats joined), for the
    # record and the pacer: each httpx.Headers lookup scans every header.
    answer_headers = dict(response.headers.items())
    record(sent, response=record_response(response, latency_ms, answer_headers))
    return response, bearer, answer_headers
