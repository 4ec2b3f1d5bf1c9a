"""A request as a ``curl`` command line a person can paste into a shell."""

from __future__ import annotations

import json
import shlex
from typing import Any


def to_curl(request: dict[str, Any]) -> str:
    """``curl`` for a contract-2 request object (``method``, ``url``, ``headers``, ``body``).

    The request is rendered as given: pass the masked contract (the default of
    :meth:`Decision.request_contract`) so the command never carries a secret.
    """
    parts = [f"curl -X {request['method']} {shlex.quote(request['url'])}"]
    for name, value in request.get("headers", {}).items():
        parts.append(f"-H {shlex.quote(f'{name}: {value}')}")
    body = request.get("body")
    if body is not None:
        parts.append(f"--data-raw {shlex.quote(json.dumps(body, ensure_ascii=False))}")
    return " \\\n  ".join(parts)
