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
from signaltui.bundle.places import content_strings


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


#: Files made of signaltui's own text and the user's settings, never of lead data: only
#: the distinctive PII (emails, phones, free text) and secrets are looked for there.
STATIC_FILES = frozenset({"manifest.json", "config.json"})


def find_leaks(
    contents: dict[str, bytes],
    originals: Iterable[str],
    tokens: Iterable[str],
    secrets: Iterable[str],
    *,
    words: Iterable[str] = (),
    planned: Iterable[str] = (),
) -> dict[str, int]:
    """Files (name -> hits) in which an original PII text or a secret still occurs.

    ``originals`` (emails, phones, free text) are looked for everywhere, ``words`` (name
    words, user ids) where hashing replaces them (:mod:`signaltui.bundle.places`): as
    hashing matches, whole words, any case, raw or URL-encoded. Text inside the tokens
    themselves (``example`` in ``@example.invalid``) does not count, nor do name words
    in a ``planned`` string: one the mapping makes whatever the lead (a blueprint's tag).
    """
    strong = _pattern(originals)
    named = _pattern([*originals, *words])
    skip = sorted(set(tokens), key=len, reverse=True)
    constants = set(planned)
    hidden = {form for secret in secrets if secret.strip() for form in secret_forms(secret)}

    def hits(text: str, pattern: re.Pattern[str] | None) -> int:
        count = sum(text.count(form) for form in hidden)
        for token in skip:
            text = text.replace(token, " ")
        return count + (len(pattern.findall(text)) if pattern is not None else 0)

    leaks: dict[str, int] = {}
    for name, data in contents.items():
        text = data.decode("utf-8", errors="replace")
        count = hits(text, strong)
        for value in _json_values(name, text):
            for string, with_words in content_strings(value):
                words_here = with_words and name not in STATIC_FILES and string not in constants
                count += hits(string, named if words_here else strong)
        if count:
            leaks[name] = count
    return leaks


def _pattern(texts: Iterable[str]) -> re.Pattern[str] | None:
    forms = {form for text in texts for form in (text, quote(text, safe=""))}
    needles = sorted((f for f in forms if f.strip()), key=len, reverse=True)
    if not needles:
        return None
    return re.compile(word_pattern("|".join(map(re.escape, needles))), re.IGNORECASE)


def _json_values(name: str, text: str) -> Iterator[Any]:
    """The JSON values of a ``.json`` or ``.jsonl`` file, read so that every string is
    checked decoded: in the encoded text an escape (``\\nJane``) hides a word's start."""
    if not name.endswith((".json", ".jsonl")):
        return
    for line in text.splitlines() if name.endswith(".jsonl") else [text]:
        try:
            yield json.loads(line)
        except ValueError:
            continue
