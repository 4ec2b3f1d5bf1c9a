"""The last check before a bundle is written: no original PII text and no secret left.

Hashing replaces PII wherever it is found; this looks again, in the bytes of every file,
so a field the hasher missed (a new mock answer, an odd encoding) stops the write
instead of leaking.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

from signaltui.bundle.hashing import word_pattern


def secret_forms(secret: str) -> set[str]:
    """Every way a credential may be spelled in a bundle's JSON text."""
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        base64.b64encode(f"{secret}:".encode()).decode("ascii"),
        base64.b64encode(secret.encode()).decode("ascii"),
    }
    return forms | {json.dumps(form, ensure_ascii=False)[1:-1] for form in forms}


def find_leaks(
    contents: dict[str, bytes],
    originals: Iterable[str],
    tokens: Iterable[str],
    secrets: Iterable[str],
) -> dict[str, int]:
    """Files (name -> count) in which an original PII text or a secret still occurs.

    PII is looked for as hashing replaces it: whole words, any case, raw or URL-encoded;
    text inside the tokens themselves (``example`` in ``@example.invalid``) does not count.
    """
    forms = {form for text in originals for form in (text, quote(text, safe=""))}
    needles = sorted((f for f in forms if f.strip()), key=len, reverse=True)
    pattern = (
        re.compile(word_pattern("|".join(map(re.escape, needles))), re.IGNORECASE)
        if needles
        else None
    )
    skip = sorted(set(tokens), key=len, reverse=True)
    hidden = {form for secret in secrets if secret.strip() for form in secret_forms(secret)}
    leaks: dict[str, int] = {}
    for name, data in contents.items():
        count = 0
        for text in _texts(name, data):
            count += sum(text.count(form) for form in hidden)
            for token in skip:
                text = text.replace(token, " ")
            if pattern is not None:
                count += len(pattern.findall(text))
        if count:
            leaks[name] = count
    return leaks


def _texts(name: str, data: bytes) -> Iterator[str]:
    """The file as text, and for JSON (Lines) files every string in it as decoded: in
    the encoded text an escape (``\\nJane``) would hide a word's start."""
    text = data.decode("utf-8", errors="replace")
    yield text
    if not name.endswith((".json", ".jsonl")):
        return
    for line in text.splitlines() if name.endswith(".jsonl") else [text]:
        try:
            value = json.loads(line)
        except ValueError:
            continue
        yield from _strings(value)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
