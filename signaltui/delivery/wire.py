"""Turning an :class:`OutboundRequest` into bytes on the wire, and exchanges into records.

Records are what the store and recordings keep, so every header passes through
:func:`redact_headers` here, on the way in and on the way out.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from signaltui.core.request import OutboundRequest, auth_headers, redact_headers
from signaltui.delivery.outcomes import RecordedRequest, RecordedResponse, transport_hint
from signaltui.fastjson import encode
from signaltui.limits import MAX_STORED_BODY_BYTES, json_depth_exceeds, may_be_too_deep
from signaltui.surrogates import has_surrogate_escape, unpaired_surrogate

#: Appended to an answer body cut at ``MAX_STORED_BODY_BYTES``, so a reader sees it.
CUT_NOTE = "\n[signaltui: answer cut, first {kept} of {received} bytes kept]"


class SendFailure(Exception):
    """httpx could not complete the exchange; ``kind`` is ``timeout``, ``connection_error``,
    ``transport_error`` or ``body_not_json``, and ``message`` says what happened."""

    def __init__(self, kind: str, message: str, *, retryable: bool = False, hint: str = ""):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retryable = retryable
        self.hint = hint


def _describe(what: str, exc: Exception) -> str:
    detail = str(exc).strip()
    return f"{what}: {type(exc).__name__}" + (f" ({detail})" if detail else "")


async def send(
    http: httpx.AsyncClient,
    request: OutboundRequest,
    headers: dict[str, str],
    clock: Callable[[], float],
) -> tuple[httpx.Response, float]:
    """Send ``request`` with ``headers``: the response and its latency in ms.

    Every httpx failure becomes a :class:`SendFailure` (timeouts and connection problems
    retryable, anything else final), so no transport traceback escapes.
    """
    try:
        # A GET (a look-up) carries its query in the URL and no body.
        content = None if request.method in ("GET", "HEAD") else encode_body(request.body)
    except ValueError as exc:
        message = f"body cannot be sent as JSON: {exc}"
        raise SendFailure("body_not_json", message, hint="fix the mapping") from exc
    started = clock()
    try:
        response = await http.request(request.method, request.url, headers=headers, content=content)
    except httpx.TimeoutException as exc:
        raise SendFailure("timeout", _describe("timeout", exc), retryable=True) from exc
    except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
        message = _describe("connection error", exc)
        raise SendFailure("connection_error", message, retryable=True) from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        message = _describe(f"cannot send to {request.url}", exc)
        raise SendFailure(
            "transport_error", message, hint=transport_hint("transport_error")
        ) from exc
    return response, (clock() - started) * 1000.0


def encode_body(body: Any) -> bytes:
    """The JSON body exactly as sent (compact, UTF-8, like ``httpx``'s ``json=``).

    Raises ``ValueError`` for values JSON cannot carry (NaN, infinity, non-JSON types).
    Through orjson when it gives the same bytes (see :mod:`signaltui.fastjson`).
    """
    fast = encode(body)
    if fast is not None:
        return fast
    try:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except TypeError as exc:
        raise ValueError(str(exc)) from exc
    return text.encode("utf-8")


def wire_headers(request: OutboundRequest, auth: dict[str, str]) -> dict[str, str]:
    """The request's headers plus auth, with a JSON Content-Type unless one is set."""
    headers = {**request.headers, **auth}
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/json"
    return headers


def record_request(
    request: OutboundRequest, headers: dict[str, str] | None, *, with_body: bool = True
) -> RecordedRequest:
    """The redacted record of ``request`` as sent with ``headers``.

    ``headers=None`` means no credential could be obtained; the auth header is then shown
    masked, as it would have been sent. ``with_body=False`` records no body (a GET
    look-up sends none).
    """
    sent = (
        headers if headers is not None else wire_headers(request, auth_headers(request.auth, None))
    )
    return RecordedRequest(
        method=request.method,
        url=request.url,
        headers=redact_headers(sent),
        body=request.body if with_body else None,
    )


def record_response(
    response: httpx.Response, latency_ms: float, headers: dict[str, str] | None = None
) -> RecordedResponse:
    """The record of ``response``: redacted headers, JSON body when JSON, else text.

    ``headers``: the response's headers as a plain dict (``dict(response.headers)``),
    when the caller already has it.
    """
    plain = dict(response.headers.items()) if headers is None else headers
    return RecordedResponse(
        status=response.status_code,
        headers=redact_headers(plain),
        body=decode_body(response, plain.get("content-type", "")),
        latency_ms=round(latency_ms, 3),
    )


def decode_body(response: httpx.Response, content_type: str | None = None) -> Any:
    """The body as parsed JSON when it is safe JSON, else text; ``None`` when empty.

    Whatever a target answers is kept, and never raises: JSON holding a lone surrogate
    (it could not be stored or printed) or nested past ``MAX_JSON_DEPTH`` is kept as its
    text, and a body over ``MAX_STORED_BODY_BYTES`` as its first that-many bytes of text
    followed by a note of the size received. ``content_type``: the Content-Type header,
    when the caller already has it.
    """
    content = response.content
    if not content:
        return None
    if len(content) > MAX_STORED_BODY_BYTES:
        return cut_text(content, response.encoding)
    text = response.text
    if content_type is None:
        content_type = response.headers.get("content-type", "")
    content_type = content_type.lower()
    if "json" in content_type:
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            return text  # a lying Content-Type or a hostile nesting: keep the text
        if _safe_json(value, text):
            return value
    return text


def _safe_json(value: Any, text: str) -> bool:
    """Whether parsed ``value`` can be stored, printed and read back as JSON."""
    if may_be_too_deep(text) and json_depth_exceeds(value):
        return False
    return not (has_surrogate_escape(text) and unpaired_surrogate(value) is not None)


def cut_text(content: bytes, encoding: str | None) -> str:
    """The first ``MAX_STORED_BODY_BYTES`` of ``content`` as text, and a note of the cut."""
    head = content[:MAX_STORED_BODY_BYTES].decode(encoding or "utf-8", errors="replace")
    return head + CUT_NOTE.format(kept=MAX_STORED_BODY_BYTES, received=len(content))


def iso_utc(epoch: float) -> str:
    """``epoch`` as an ISO 8601 UTC timestamp with milliseconds and a ``Z``."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def tls_for(base_url: str | None) -> ssl.SSLContext | bool:
    """What the HTTP client verifies TLS with: httpx's default (the CA bundle) unless
    every request is rebased onto a plain ``http://`` URL (a local mock or proxy).

    Then a context that trusts no authority at all: loading the bundle cost about 50 ms
    of every such run's start-up, and a TLS connection, which none of its requests
    makes, would fail verification rather than go unchecked.
    """
    if base_url is not None and urlsplit(base_url).scheme.lower() == "http":
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies; trusts nothing
    return True
