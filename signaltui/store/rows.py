"""Converting events and delivery results to column tuples, and rows back to models.

Both the single writes and the batched :meth:`Store.record_many` use these, so a row
looks the same however it was written. Every request, header and body passes through
:mod:`signaltui.store.redact` here, on the way in.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from signaltui.delivery.outcomes import (
    AttemptRecord,
    DeliveryResult,
    RecordedRequest,
    RecordedResponse,
)
from signaltui.errors import InputError
from signaltui.limits import json_depth_exceeds, may_be_too_deep, too_deep_message
from signaltui.store import redact
from signaltui.store.jsontext import body_json, dumps, headers_json, loads, request_head

EVENT_COLUMNS = (
    "id, message_id, type, event, user_id, anonymous_id, email, name, company, "
    "received_at, raw_json, merged_json"
)
DELIVERY_COLUMNS = (
    "id, event_id, destination, target, mode, run_id, action, reason, outcome, hint, "
    "decision_json, request_json, response_status, response_headers_json, "
    "response_body_json, response_latency_ms, attempt_count, created_at, finished_at, "
    "replay_of, exchange_key, retry_at"
)
ATTEMPT_COLUMNS = (
    "delivery_id, number, started_at, request_json, response_status, "
    "response_headers_json, response_body_json, latency_ms, error, wait_seconds, kind, note"
)


#: ``merged_json`` of an event whose merged form is the event as received (schema v5).
#: Never valid JSON, so it cannot be confused with a stored value.
SAME_AS_RAW = ""


def placeholders(columns: str) -> str:
    """``?, ?, …`` for an INSERT of ``columns``."""
    return ", ".join("?" for _ in columns.split(","))


def _text(value: Any) -> str | None:
    if type(value) is str:  # the common case, checked first: this runs ~10x per event
        value = value.strip()
        return value or None
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _traits(merged: dict[str, Any]) -> dict[str, Any]:
    """Context traits overlaid with top-level traits (read only: may be ``merged``'s own)."""
    top = merged.get("traits")
    context = merged.get("context")
    context_traits = context.get("traits") if isinstance(context, dict) else None
    if not isinstance(context_traits, dict) or not context_traits:
        return top if isinstance(top, dict) else {}  # the usual case: no copy needed
    traits = dict(context_traits)
    if isinstance(top, dict):
        traits.update(top)
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
    merged_json = raw if merged is event else dumps(merged)
    _refuse_too_deep(raw, event, merged_json, merged)
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
        # Since v5 an event merged into nothing new is not stored twice (see merged_from).
        SAME_AS_RAW if merged_json == raw else merged_json,
    )


def _refuse_too_deep(raw: str, event: Any, merged_json: str, merged: Any) -> None:
    """Refuse an event past the depth limit the event reader also applies.

    Stored events are read back as models and dumped again by pydantic, which gives up
    past 255 levels; one shared limit keeps what is stored readable.
    """
    for text, value in ((raw, event), (merged_json, merged)):
        if may_be_too_deep(text) and json_depth_exceeds(value):
            raise InputError(
                too_deep_message("the event"),
                where="store",
                hint="the event reader refuses such events; flatten the event",
            )


def merged_from(raw_json: str, merged_json: str) -> Any:
    """The merged event of an ``events`` row (v5: ``SAME_AS_RAW`` means the raw one)."""
    return loads(raw_json if merged_json == SAME_AS_RAW else merged_json)


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
    # Built by hand rather than model_dump(): this runs for every attempt in bulk writes.
    head = request_head(request.method, request.url, request.headers)
    return head + ',"body":' + body_json(request.body) + "}"


def attempt_values(
    delivery_id: int, attempt: AttemptRecord, request_json: str | None = None
) -> tuple[Any, ...]:
    """One ``attempts`` row, in :data:`ATTEMPT_COLUMNS` order.

    ``request_json`` is the request's stored JSON when the caller already has it.
    """
    return (
        delivery_id,
        attempt.number,
        attempt.started_at,
        request_json or _request_json(attempt.request),
        *_response_columns(attempt.response),
        attempt.error,
        attempt.wait_seconds,
        None if attempt.kind == "send" else attempt.kind,  # NULL: a send (as before v7)
        attempt.note,
    )


def _attempt_rows(delivery_id: int, records: list[AttemptRecord]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    previous: AttemptRecord | None = None
    for attempt in records:
        # Retries usually resend the very same request object: reuse its JSON.
        same = previous is not None and attempt.request is previous.request
        rows.append(attempt_values(delivery_id, attempt, rows[-1][3] if same else None))
        previous = attempt
    return rows


def _response_columns(response: RecordedResponse | None) -> tuple[Any, ...]:
    if response is None:
        return (None, None, None, None)
    headers = headers_json(response.headers)
    return (response.status, headers, body_json(response.body), response.latency_ms)


def _as_in_attempt(attempt: tuple[Any, ...]) -> tuple[Any, ...]:
    # Status and latency from the attempt row; NULL headers/body mean "the attempt's".
    return (attempt[4], None, None, attempt[7])


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
    decision_json: str | None = None,
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """The ``deliveries`` row and its ``attempts`` rows (``decision`` already safe;
    ``decision_json`` its JSON text when the caller already has it).

    Since schema v4 a final request or response that is the last attempt's is not
    stored twice: the delivery's ``request_json`` (or ``response_headers_json`` and
    ``response_body_json``) stay NULL and readers take the last attempt's (see
    :func:`final_exchange`). The response status and latency are kept for lists.
    """
    attempts = _attempt_rows(delivery_id, result.attempts)
    last = result.attempts[-1] if result.attempts else None
    request = result.request or (last.request if last else None)
    response = result.response or (last.response if last else None)
    # The final exchange is usually the last attempt's: reuse its JSON, the costly part.
    # ``is`` first: pydantic's == compares field by field and is rarely needed here.
    same_request = last is not None and (request is last.request or request == last.request)
    same_response = last is not None and (response is last.response or response == last.response)
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
        dumps(decision) if decision_json is None else decision_json,
        None if same_request else _request_json(request),
        *(_as_in_attempt(attempts[-1]) if same_response else _response_columns(response)),
        len(result.attempts),
        created_at,
        finished_at,
        replay_of,
        exchange_key,
        result.retry_at,
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


def final_exchange(
    row: dict[str, Any], attempts: list[AttemptRecord]
) -> tuple[RecordedRequest | None, RecordedResponse | None]:
    """A delivery's final request and response, from its row or (v4) its last attempt.

    NULL ``request_json`` with attempts, or a status with NULL ``response_headers_json``,
    means "the same as the last attempt's"; earlier rows always hold their own copy.
    """
    last = attempts[-1] if attempts else None
    text = row["request_json"]
    if text is None:
        request = last.request if last else None
    else:
        data = loads(text)
        request = RecordedRequest.model_validate(data) if data else None
    if row["response_status"] is not None and row["response_headers_json"] is None and last:
        response = last.response
    else:
        response = response_from(row)
    return request, response


def attempt_from(row: dict[str, Any]) -> AttemptRecord:
    """An :class:`AttemptRecord` from an ``attempts`` row."""
    return AttemptRecord(
        number=row["number"],
        started_at=row["started_at"],
        request=RecordedRequest.model_validate(loads(row["request_json"])),
        response=response_from(row),
        error=row["error"],
        wait_seconds=row["wait_seconds"],
        kind=row.get("kind") or "send",
        note=row.get("note"),
    )
