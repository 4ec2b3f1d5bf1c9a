"""Remove secrets from an exchange before it is written anywhere.

Three layers, because one missed secret in a shared recording is a leaked credential:

1. Header masking: request and response headers go through
   :func:`signaltui.core.request.redact_headers`; headers whose *names* look secret
   (``Proxy-Authorization``, ``X-Auth-Token``…) are masked too.
2. Secret keys: values under keys such as ``access_token``, ``refresh_token``,
   ``client_secret``, ``api_key`` or ``password`` are masked wherever they sit — in JSON
   bodies (e.g. an Outreach token response), in form-encoded strings and URL queries.
3. Known secrets: every occurrence of each configured secret string — raw, URL-encoded,
   or base64-encoded as HTTP Basic carries it — is replaced by ``***`` in every string
   of the exchange (keys included), however deeply nested.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, overload
from urllib.parse import quote, quote_plus

from signaltui.core.request import MASK, redact_headers
from signaltui.delivery.outcomes import DeliveryResult
from signaltui.recordings.model import Exchange

#: Body keys whose values are secret, compared lowercased without ``_``/``-``.
SECRET_KEYS = frozenset(
    {"accesstoken", "refreshtoken", "idtoken", "clientsecret", "apikey", "xapikey", "password"}
)
#: Fragments of header names that mark the value as secret.
_SECRET_HEADER_PARTS = ("auth", "token", "secret", "apikey", "api-key", "password", "cookie")
_KEY_NAMES = r"access_token|refresh_token|id_token|client_secret|api_?key|password"
# key=value in a query string or a form body; "key": "value" inside a JSON string body.
_FORM_PAIR = re.compile(rf"(?i)\b({_KEY_NAMES})=([^&\s#]*)")
_JSON_PAIR = re.compile(rf'(?i)("(?:{_KEY_NAMES})"\s*:\s*)"(?:[^"\\]|\\.)*"')

T = TypeVar("T")

#: A result's final request and response, when they are its last attempt's own.
_FINAL_EXCHANGE = {"request", "response"}


@overload
def redact_exchange(exchange: Exchange, secrets: Iterable[str] = ()) -> Exchange: ...
@overload
def redact_exchange(exchange: dict[str, Any], secrets: Iterable[str] = ()) -> dict[str, Any]: ...
def redact_exchange(
    exchange: Exchange | dict[str, Any], secrets: Iterable[str] = ()
) -> Exchange | dict[str, Any]:
    """A redacted copy of ``exchange`` (same kind as given); the input is not changed.

    ``secrets`` are the credential values in use (e.g. ``Credentials.secret_values()``).
    """
    if isinstance(exchange, Exchange):
        data = redact_exchange(exchange.model_dump(mode="json"), secrets)
        return Exchange.model_validate(data)
    data = dict(exchange)
    for part in ("request", "response"):
        section = data.get(part)
        if isinstance(section, dict) and isinstance(section.get("headers"), dict):
            data[part] = {**section, "headers": _mask_headers(section["headers"])}
    return scrub(data, secrets)


def scrub(value: T, secrets: Iterable[str] = ()) -> T:
    """``value`` with secret-keyed values masked and known secrets replaced, recursively."""
    return _scrub(value, _variants(secrets))


def scrub_result(result: DeliveryResult, secrets: Iterable[str] = ()) -> DeliveryResult:
    """``result`` with known secrets masked everywhere (a target may echo credentials in
    a body, a header or an error text); the very same object when none occurs in it.

    The store and ``send --json`` use this, so what is kept or printed never holds the
    configured credentials in any of the encodings :func:`scrub` knows.
    """
    needles, in_json = _needles(tuple(secrets))
    if not needles:
        return result
    # A cheap look first (pydantic's JSON encoder runs in Rust): most results hold none.
    last = result.attempts[-1] if result.attempts else None
    if last is not None and result.request is last.request and result.response is last.response:
        # The usual case: the final exchange is the last attempt's; look at it once.
        text = result.model_dump_json(exclude=_FINAL_EXCHANGE)
    else:
        text = result.model_dump_json()
    if not any(form in text for form in in_json):
        return result
    return DeliveryResult.model_validate(_scrub(result.model_dump(mode="json"), needles))


def scrub_json(value: T, secrets: Iterable[str] = ()) -> T:
    """:func:`scrub` for plain JSON data, skipped (``value`` itself) when none of the
    known secrets occurs in it; for writers that handle many values."""
    needles, in_json = _needles(tuple(secrets))
    if not needles:
        return value
    text = json.dumps(value, ensure_ascii=False, default=str)
    if not any(form in text for form in in_json):
        return value
    return _scrub(value, needles)


def scrub_json_encoded(
    value: T, secrets: Iterable[str], encode: Callable[[Any], str]
) -> tuple[T, str]:
    """:func:`scrub_json` and ``encode`` of its result, encoding only once when (as
    usual) none of the known secrets occurs in ``value``.

    ``encode`` must escape strings as ``json.dumps(ensure_ascii=False)`` does (any
    separators): the look for secrets is made in its text. A secret holding a separator
    character (``,`` or ``:``) is looked for in ``scrub_json``'s own text instead, so
    the result is always the same as ``encode(scrub_json(value, secrets))``.
    """
    needles, in_json = _needles(tuple(secrets))
    if any("," in form or ":" in form for form in in_json):
        safe = scrub_json(value, secrets)
        return safe, encode(safe)
    text = encode(value)
    if not any(form in text for form in in_json):
        return value, text
    safe = _scrub(value, needles)
    return safe, encode(safe)


@functools.lru_cache(maxsize=16)
def _needles(secrets: tuple[str, ...]) -> tuple[list[str], tuple[str, ...]]:
    """The variants of ``secrets`` and how each looks inside JSON text (a quote,
    backslash or control character is escaped there). Cached: one per credential set."""
    needles = _variants(secrets)
    in_json = {json.dumps(n, ensure_ascii=False)[1:-1] for n in needles}
    return needles, tuple(in_json)


def _scrub(value: Any, needles: list[str]) -> Any:
    if isinstance(value, str):
        return _scrub_text(value, needles)
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            name = _scrub_text(key, needles) if isinstance(key, str) else key
            if isinstance(key, str) and _is_secret_key(key) and item not in (None, ""):
                out[name] = MASK
            else:
                out[name] = _scrub(item, needles)
        return out
    if isinstance(value, list | tuple):
        return type(value)(_scrub(item, needles) for item in value)
    return value


def _scrub_text(text: str, needles: list[str]) -> str:
    for needle in needles:
        if needle in text:
            text = text.replace(needle, MASK)
    if "=" in text:
        text = _FORM_PAIR.sub(lambda m: f"{m.group(1)}={MASK}" if m.group(2) else m.group(0), text)
    if '"' in text:
        text = _JSON_PAIR.sub(lambda m: f'{m.group(1)}"{MASK}"', text)
    return text


def _mask_headers(headers: dict[str, Any]) -> dict[str, Any]:
    plain = {k: v for k, v in headers.items() if isinstance(k, str) and isinstance(v, str)}
    masked = redact_headers(plain)
    out: dict[str, Any] = {}
    for name, value in headers.items():
        value = masked.get(name, value)
        if _is_secret_header(name) and value is not None and not _already_masked(value):
            scheme, sep, _ = str(value).partition(" ")
            keep_scheme = sep and scheme.lower() in ("basic", "bearer")
            value = f"{scheme} {MASK}" if keep_scheme else MASK
        out[name] = value
    return out


def _is_secret_header(name: Any) -> bool:
    lowered = str(name).lower()
    return any(part in lowered for part in _SECRET_HEADER_PARTS)


def _already_masked(value: Any) -> bool:
    return isinstance(value, str) and (value == MASK or value.endswith(f" {MASK}"))


def _is_secret_key(key: str) -> bool:
    return key.lower().replace("_", "").replace("-", "") in SECRET_KEYS


def _variants(secrets: Iterable[str]) -> list[str]:
    """Each secret in every form it can take in a request, longest first.

    Longest first so a secret that contains another is masked whole, not in pieces.
    """
    found: set[str] = set()
    for secret in secrets:
        if not secret or not secret.strip() or secret == MASK:
            continue
        found.update(
            {
                secret,
                quote(secret, safe=""),
                quote_plus(secret),
                base64.b64encode(f"{secret}:".encode()).decode("ascii"),
                base64.b64encode(secret.encode()).decode("ascii"),
            }
        )
    return sorted(found, key=len, reverse=True)
