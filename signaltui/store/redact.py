"""Last-line redaction before anything is written to the store.

The delivery layer already masks secrets; this runs again on every header dict, URL and
body the store writes, so a caller that forgets cannot leave a credential on disk.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from signaltui.core.request import MASK, redact_headers
from signaltui.fastjson import encode

#: JSON keys whose values are credentials in any CRM body we may see (Apollo once took
#: ``api_key`` in the body; Outreach's token exchange carries the OAuth secrets).
SECRET_KEYS = frozenset(
    {"api_key", "apikey", "access_token", "refresh_token", "client_secret", "password"}
)


# One pass over the lowered text instead of one substring search per key.
_SECRET_KEY_JSON = re.compile('"(?:' + "|".join(sorted(map(re.escape, SECRET_KEYS))) + ')"')


def headers(values: dict[str, str] | None) -> dict[str, str]:
    """Header values with secrets masked (see :func:`signaltui.core.request.redact_headers`)."""
    return redact_headers(dict(values or {}))


def body(value: Any) -> Any:
    """A copy of a JSON body with the value of every secret-named key masked."""
    if isinstance(value, dict):
        return {
            key: MASK if str(key).lower() in SECRET_KEYS and val is not None else body(val)
            for key, val in value.items()
        }
    if isinstance(value, list):
        return [body(item) for item in value]
    return value


def body_needs_redaction(body_json: str) -> bool:
    """Whether a JSON text may hold a secret-named key (a cheap pre-check for bulk writes)."""
    return _SECRET_KEY_JSON.search(body_json.lower()) is not None


def _may_hold_secret_key(value: Any) -> bool:
    """Whether :func:`body` could mask anything in ``value``: its JSON text (through
    orjson) is looked at, else (no orjson, or a value it leaves to ``json``) yes."""
    text = encode(value)
    return text is None or body_needs_redaction(text.decode("utf-8"))


def url(value: str) -> str:
    """``value`` with secret-named query parameters masked; other URLs unchanged."""
    parts = urlsplit(value)
    if not parts.query:
        return value
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(name.lower() in SECRET_KEYS for name, _ in pairs):
        return value
    masked = [(name, MASK if name.lower() in SECRET_KEYS else val) for name, val in pairs]
    return urlunsplit(parts._replace(query=urlencode(masked, safe="*")))


def request(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """A request object (``method``/``url``/``headers``/``body``) made safe to store."""
    if data is None:
        return None
    safe = dict(data)
    if "headers" in safe:
        safe["headers"] = headers(safe["headers"])
    if isinstance(safe.get("url"), str):
        safe["url"] = url(safe["url"])
    if "body" in safe and _may_hold_secret_key(safe["body"]):
        # Only then walked: the copy would equal the body (a look at its text is cheaper).
        safe["body"] = body(safe["body"])
    return safe
