"""Lone UTF-16 surrogates: JSON can spell them (``"\\ud800"``), nothing can print or store them.

Both event files and recordings refuse them with a clear error; this module finds them.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: A JSON ``\\uD800``-``\\uDFFF`` escape: the only way a lone surrogate gets into parsed text.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def has_surrogate_escape(text: str) -> bool:
    """Whether JSON ``text`` spells any surrogate at all (cheap; usually false)."""
    return SURROGATE_ESCAPE.search(text) is not None


def unpaired_surrogate(data: Any) -> str | None:
    """The first unpaired surrogate in decoded JSON ``data``, as an ASCII escape, or ``None``."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return ascii(exc.object[exc.start])
    return None
