"""Lone UTF-16 surrogates: JSON can spell them (``"\\ud800"``), nothing can print or store them.

Both event files and recordings refuse them, and JSON values ``json.loads`` cannot hold,
with a clear error; this module finds them and words the messages. Each caller raises
its own error class with its own ``where`` and hint.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: A JSON ``\\uD800``-``\\uDFFF`` escape: the only way a lone surrogate gets into parsed text.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def has_surrogate_escape(text: str) -> bool:
    """Whether JSON ``text`` spells any surrogate at all (cheap; usually false)."""
    return "\\u" in text and SURROGATE_ESCAPE.search(text) is not None


def unpaired_surrogate(data: Any) -> str | None:
    """The first unpaired surrogate in decoded JSON ``data``, as an ASCII escape, or ``None``."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return ascii(exc.object[exc.start])
    return None


def unpaired_surrogate_message(data: Any) -> str | None:
    """The error message for the first unpaired surrogate in ``data``, or ``None``."""
    bad = unpaired_surrogate(data)
    return None if bad is None else f"text holds an unpaired UTF-16 surrogate escape ({bad})"


def unusable_json_message(exc: ValueError | RecursionError) -> str:
    """The error message for text ``json.loads`` refused other than as a syntax error:
    integers over Python's 4300-digit limit, or nesting deeper than the stack."""
    reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
    return f"unusable JSON value: {reason}"
