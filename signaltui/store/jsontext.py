"""JSON text for the store: a fast compact encoder, and memoised redacted headers.

Every JSON column the store writes goes through here; bulk writes call it several times
per row, so it is tuned for speed. Redaction (:mod:`signaltui.store.redact`) still runs
on every header set, URL and body before it becomes text.
"""

from __future__ import annotations

import json
from json import encoder as _json_encoder
from typing import Any

from signaltui.fastjson import encode
from signaltui.store import redact

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str)
# JSONEncoder.encode() builds a C encoder (and a circular-reference memo) on every call;
# reusing one C encoder makes each dumps about 3x faster, the largest single saving in
# bulk writes. Same output as _ENCODER. No cycle check: the values are parsed JSON or
# models dumped to plain data, and a cycle would still end in RecursionError.
_MAKE_C_ENCODER = getattr(_json_encoder, "c_make_encoder", None)  # untyped in typeshed
_C_ENCODER = (
    _MAKE_C_ENCODER(None, str, _json_encoder.encode_basestring, None, ":", ",", False, False, True)
    if _MAKE_C_ENCODER is not None
    else None
)


def dumps(value: Any) -> str:
    """Compact JSON; odd values (datetimes, decimals) become strings rather than failing.

    Through orjson when it is installed and gives the same text (several times faster:
    a delivery's rows encode five values), else the standard library.
    """
    fast = encode(value)
    if fast is not None:
        return fast.decode("utf-8")
    if _C_ENCODER is None:  # pragma: no cover - CPython always has the C accelerator
        return _ENCODER.encode(value)
    return "".join(_C_ENCODER(value, 0))


def body_json(value: Any) -> str:
    """A JSON body as text with secret-named keys masked; scans only when one may be there."""
    text = dumps(value)
    return dumps(redact.body(value)) if redact.body_needs_redaction(text) else text


# Most rows repeat the same few header sets and request lines ("Content-Type: ...",
# "POST <crm url>"), so their redacted JSON is remembered. Only values that redaction
# left unchanged are remembered, so no credential is ever kept in this memo.
_MEMO: dict[Any, str] = {}
_MEMO_LIMIT = 4096


def _recall(key: tuple[Any, ...]) -> tuple[tuple[Any, ...] | None, str | None]:
    """``(key, remembered text or None)``; ``(None, None)`` when ``key`` is unhashable."""
    try:
        return key, _MEMO.get(key)
    except TypeError:  # a header value that is not a string: skip the memo
        return None, None


def _remember(key: tuple[Any, ...] | None, text: str, unchanged: bool) -> str:
    """``text``, remembered under ``key`` only if redaction left it unchanged."""
    if key is None or not unchanged:
        return text  # never a masked value in the memo, nor a key holding the secret
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[key] = text
    return text


def headers_json(values: dict[str, str] | None) -> str:
    """Headers as JSON text with secret values masked."""
    if not values:
        return "{}"
    key, text = _recall(("h", *values.items()))
    if text is not None:
        return text
    safe = redact.headers(values)
    return _remember(key, dumps(safe), safe == values)


def request_head(method: str, url: str, headers: dict[str, str]) -> str:
    """``{"method":…,"url":…,"headers":…`` (no closing brace), secrets masked."""
    key, text = _recall(("r", method, url, *headers.items()))
    if text is not None:
        return text
    safe_url = redact.url(url)
    safe_headers = redact.headers(headers) if headers else {}
    head = dumps({"method": method, "url": safe_url})[:-1] + ',"headers":'
    head += dumps(safe_headers) if safe_headers else "{}"
    return _remember(key, head, safe_url == url and safe_headers == headers)


def loads(text: str | None) -> Any:
    """JSON text back to a value; ``None`` stays ``None``."""
    return None if text is None else json.loads(text)
