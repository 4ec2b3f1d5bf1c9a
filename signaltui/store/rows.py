"""Converting events and delivery results to column tuples, and rows back to models.

Both the single writes and the batched :meth:`Store.record_many` use these, so a row
looks the same however it was written. Every request, header and body passes through
:mod:`signaltui.store.redact` here, on the way in.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from signaltui.delivery.outcomes import (
    AttemptRecord,
    DeliveryResult,
    RecordedRequest,
    RecordedResponse,
)
from signaltui.store import redact

EVENT_COLUMNS = (
    "id, message_id, type, event, user_id, anonymous_id, email, name, company, "
    "received_at, raw_json, merged_json"
)
DELIVERY_COLUMNS = (
    "id, event_id, destination, target, mode, run_id, action, reason, outcome, hint, "
    "decision_json, request_json, response_status, response_headers_json, "
    "response_body_json, response_latency_ms, attempt_count, created_at, finished_at, "
    "replay_of, exchange_key"
)
ATTEMPT_COLUMNS = (
    "delivery_id, number, started_at, request_json, response_status, "
    "response_headers_json, response_body_json, latency_ms, error, wait_seconds"
)


def placeholders(columns: str) -> str:
    """``?, ?, …`` for an INSERT of ``columns``."""
    return ", ".join("?" for _ in columns.split(","))


# One encoder reused: building a JSONEncoder per call is a large share of bulk-insert time.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str)


def dumps(value: Any) -> str:
    """Compact JSON; odd values (datetimes, decimals) become strings rather than failing."""
    return _ENCODER.encode(value)


def body_json(value: Any) -> str:
    """A JSON body as text with secret-named keys masked; scans only when one may be there."""
    text = dumps(value)
    return dumps(redact.body(value)) if redact.body_needs_redaction(text) else text


def loads(text: str | None) -> Any:
    """JSON text back to a value; ``None`` stays ``None``."""
    return None if text is None else json.loads(text)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _traits(merged: dict[str, Any]) -> dict[str, Any]:
    context = merged.get("context")
    context_traits = context.get("traits") if isinstance(context, dict) else None
    traits: dict[str, Any] = dict(context_traits) if isinstance(context_traits, dict) else {}
    if isinstance(merged.get("traits"), dict):
        traits.update(merged["traits"])
    return traits


def identity(merged: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(email, name, company) of a merged event, for the indexed and searchable columns.

    Tolerant by design: the store keeps whatever arrived, so odd shapes give ``None``.
    """
    traits = _traits(merged)
    email = _text(traits.get("email"))
    first = _text(traits.get("firstName", traits.get("first_name")))
    last = _text(traits.get("lastName", traits.get("last_name")))
    name = " ".join(part for part in (first, last) if part) or _text(traits.get("name"))
    company = traits.get("company")
    if isinstance(company, dict):
        company = company.get("name")
    return (email.lower() if email else None), name, _text(company)


def event_values(
    event_id: int, event: dict[str, Any], merged: dict[str, Any], received_at: str
) -> tuple[Any, ...]:
    """The ``events`` row for one event, in :data:`EVENT_COLUMNS` order."""
    email, name, company = identity(merged)
    raw = dumps(event)
    return (
        event_id,
        _text(merged.get("messageId", event.get("messageId"))),
        _text(merged.get("type", event.get("type"))),
        _text(merged.get("event", event.get("event"))),
        _text(merged.get("userId", event.get("userId"))),
        _text(merged.get("anonymousId", event.get("anonymousId"))),
        email,
        name,
        company,
        received_at,
        raw,
        raw if merged is event else dumps(merged),
    )


def safe_decision(decision: dict[str, Any] | BaseModel | None) -> dict[str, Any]:
    """A decision as a JSON-ready dict, its request (if any) redacted."""
    if decision is None:
        return {}
    data = decision.model_dump(mode="json") if isinstance(decision, BaseModel) else dict(decision)
    if isinstance(data.get("request"), dict):
        data["request"] = redact.request(data["request"])
    return data


def _request_json(request: RecordedRequest | None) -> str | None:
    if request is None:
        return None
    # Built by hand rather than model_dump(): this runs twice per delivery in bulk writes.
    head = dumps(
        {
            "method": request.method,
            "url": redact.url(request.url),
            "headers": redact.headers(request.headers),
        }
    )
    return head[:-1] + ',"body":' + body_json(request.body) + "}"


def attempt_values(delivery_id: int, attempt: AttemptRecord) -> tuple[Any, ...]:
    """One ``attempts`` row, in :data:`ATTEMPT_COLUMNS` order."""
    return (
        delivery_id,
        attempt.number,
        attempt.started_at,
        _request_json(attempt.request),
        *_response_columns(attempt.response),
        attempt.error,
        attempt.wait_seconds,
    )


def _response_columns(response: RecordedResponse | None) -> tuple[Any, ...]:
    if response is None:
        return (None, None, None, None)
    headers = dumps(redact.headers(response.headers))
    return (response.status, headers, body_json(response.body), response.latency_ms)


def delivery_rows(
    delivery_id: int,
    event_id: int,
    decision: dict[str, Any],
    result: DeliveryResult,
    *,
    mode: str,
    run_id: int | None,
    replay_of: str | None,
    exchange_key: str | None,
    created_at: str,
    finished_at: str,
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """The ``deliveries`` row and its ``attempts`` rows (``decision`` already safe)."""
    attempts = [attempt_values(delivery_id, a) for a in result.attempts]
    last = result.attempts[-1] if result.attempts else None
    request = result.request or (last.request if last else None)
    response = result.response or (last.response if last else None)
    # The final exchange is usually the last attempt's: reuse its JSON, the costly part.
    same_request = last is not None and request == last.request
    same_response = last is not None and response == last.response
    default_action = "drop" if result.outcome == "dropped" else "deliver"
    delivery = (
        delivery_id,
        event_id,
        result.destination,
        result.target,
        mode,
        run_id,
        str(decision.get("action") or default_action),
        result.reason or decision.get("reason"),
        result.outcome,
        result.hint,
        dumps(decision),
        attempts[-1][3] if same_request else _request_json(request),
        *(attempts[-1][4:8] if same_response else _response_columns(response)),
        len(result.attempts),
        created_at,
        finished_at,
        replay_of,
        exchange_key,
    )
    return delivery, attempts


def response_from(row: dict[str, Any], prefix: str = "response_") -> RecordedResponse | None:
    """A :class:`RecordedResponse` from a row's response columns (``None`` if no status)."""
    status = row[f"{prefix}status"]
    if status is None:
        return None
    latency = row.get(f"{prefix}latency_ms", row.get("latency_ms"))
    return RecordedResponse(
        status=status,
        headers=loads(row[f"{prefix}headers_json"]) or {},
        body=loads(row[f"{prefix}body_json"]),
        latency_ms=latency or 0.0,
    )


def attempt_from(row: dict[str, Any]) -> AttemptRecord:
    """An :class:`AttemptRecord` from an ``attempts`` row."""
    return AttemptRecord(
        number=row["number"],
        started_at=row["started_at"],
        request=RecordedRequest.model_validate(loads(row["request_json"])),
        response=response_from(row),
        error=row["error"],
        wait_seconds=row["wait_seconds"],
    )
