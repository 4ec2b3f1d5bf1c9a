"""Where in a delivery's JSON the lead's data goes, and where only signaltui's own words.

Emails, phones, free text and websites are distinctive: they are replaced in every
string. Name and company words (and user ids) are ordinary words, and a lead called
``Apollo``, ``Demo`` or ``Close`` must not turn the destination, an event name, a CRM's
host name or a header into a token: that would change what the mapping does with the
event (an unknown event name is dropped) and make a bundle say less than it should. So
those are replaced only in the lead's data: event traits and properties, request and
response bodies, warnings, hints, and the query of a URL (where a look-up searches).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from signaltui.bundle.hashing import PiiHasher

#: Keys whose values are signaltui's or the CRM's own vocabulary, never the lead's:
#: name words are left alone there (emails, phones and free text are still replaced).
STRUCTURAL_KEYS = frozenset(
    {
        "type", "event", "messageId", "timestamp", "destination", "target", "mode",
        "action", "outcome", "reason", "detail", "method", "headers", "kind", "status",
        "number", "started_at", "received_at", "created_at", "finished_at", "recorded_at",
        "retry_at", "format", "version", "crm", "path", "fault", "field", "source", "rule",
        "delivery", "consent",
    }
)  # fmt: skip


def hash_json(
    hasher: PiiHasher,
    value: Any,
    *,
    words: bool = True,
    keep: set[tuple[str, str]] | None = None,
) -> Any:
    """``value`` with PII replaced: name words only where the lead's data goes; in a
    request's body (a dict with ``method``), the ``keep`` strings stay as they are."""
    if isinstance(value, str):
        return hasher.apply_text(value, words=words)
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if key == "url" and isinstance(item, str) and words:
                out[key] = hash_url(hasher, item)
            elif key == "body" and keep and words and "method" in value:
                out[key] = hash_body(hasher, item, keep)
            else:
                inner = words and key not in STRUCTURAL_KEYS
                out[key] = hash_json(hasher, item, words=inner, keep=keep)
        return out
    if isinstance(value, list | tuple):
        return [hash_json(hasher, item, words=words, keep=keep) for item in value]
    return value


def hash_url(hasher: PiiHasher, url: str) -> str:
    """A URL with PII replaced: name words only in its query (what a look-up searches),
    never in the host or path (``api.apollo.io`` stays itself for a lead at Apollo)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:  # not an absolute URL: plain text
        return hasher.apply_text(url)
    head = hasher.apply_text(urlunsplit(parts._replace(query="", fragment="")), words=False)
    query = hasher.apply_text(parts.query) if parts.query else ""
    fragment = hasher.apply_text(parts.fragment) if parts.fragment else ""
    return urlunsplit(urlsplit(head)._replace(query=query, fragment=fragment))


def content_strings(value: Any, *, words: bool = True) -> Iterator[tuple[str, bool]]:
    """Every string of ``value`` (dict keys too) with whether name words are replaced
    there: the places :func:`hash_json` treats so, for the no-leak check."""
    if isinstance(value, str):
        yield value, words
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key), False
            if key == "url" and isinstance(item, str) and words:
                parts = urlsplit(item)
                if parts.scheme and parts.netloc:
                    yield urlunsplit(parts._replace(query="", fragment="")), False
                    yield f"{parts.query}#{parts.fragment}", True
                    continue
            yield from content_strings(item, words=words and key not in STRUCTURAL_KEYS)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from content_strings(item, words=words)


def body_constants(original: Any, hashed: Any, pointer: str = "") -> set[tuple[str, str]]:
    """``(pointer, text)`` of every string that is the same in two request bodies, one
    planned from the event and one from the hashed event: text that does not come from
    the lead (a blueprint's tag ``demo-request``, a label), so a name word ``Demo`` must
    not be replaced in it, or the bundled event would no longer map to the bundled
    request."""
    if isinstance(original, str):
        return {(pointer, original)} if original == hashed else set()
    found: set[tuple[str, str]] = set()
    if isinstance(original, dict) and isinstance(hashed, dict):
        for key, item in original.items():
            if key in hashed:
                found |= body_constants(item, hashed[key], f"{pointer}/{key}")
    elif isinstance(original, list) and isinstance(hashed, list):
        for index, (item, other) in enumerate(zip(original, hashed, strict=False)):
            found |= body_constants(item, other, f"{pointer}/{index}")
    return found


def hash_body(hasher: PiiHasher, body: Any, keep: set[tuple[str, str]], pointer: str = "") -> Any:
    """A request body with PII replaced, except the ``keep`` strings (see
    :func:`body_constants`) at their places."""
    if isinstance(body, str):
        return body if (pointer, body) in keep else hasher.apply_text(body)
    if isinstance(body, dict):
        return {k: hash_body(hasher, v, keep, f"{pointer}/{k}") for k, v in body.items()}
    if isinstance(body, list):
        return [hash_body(hasher, v, keep, f"{pointer}/{i}") for i, v in enumerate(body)]
    return body
