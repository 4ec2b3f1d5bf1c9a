"""What a mock server on this machine says about its own rate-limit windows.

``signaltui mock serve --limits off|on|scale:F`` decides whether the served mock enforces
the CRMs' windows, and the client cannot tell from its answers in advance. A send plan
to a loopback URL asks the server (``GET /__mock/limits``, a read) rather than assume
its default; anything else at that address (another server, nothing listening) leaves
the default assumed, and the plan says which it was.
"""

from __future__ import annotations

import math
from typing import Any

from signaltui.targets import Target

#: A server on this machine answers at once; one that does not is not a signaltui mock.
PROBE_TIMEOUT_S = 2.0


async def served_limits(target: Target) -> tuple[bool, float] | None:
    """``(enforced, scale)`` as the mock server at ``target`` reports them, or ``None``:
    not a loopback URL, no answer, or not a signaltui mock's answer."""
    if target.kind != "url" or not target.is_loopback or not target.base_url:
        return None
    import httpx

    from signaltui.delivery.wire import tls_for

    url = f"{target.base_url}/__mock/limits"
    try:
        async with httpx.AsyncClient(
            timeout=PROBE_TIMEOUT_S, verify=tls_for(target.base_url), trust_env=False
        ) as client:
            answer = await client.get(url)
        if answer.status_code != 200:
            return None
        return _limits_of(answer.json())
    except (httpx.HTTPError, ValueError):
        return None


def _limits_of(document: Any) -> tuple[bool, float] | None:
    """The ``enforce`` and ``scale`` of a ``/__mock/limits`` answer, if it is one."""
    if not isinstance(document, dict):
        return None
    enforce, scale = document.get("enforce"), document.get("scale")
    if not isinstance(enforce, bool) or isinstance(scale, bool):
        return None
    if not isinstance(scale, int | float) or not math.isfinite(scale) or scale <= 0:
        return None
    return enforce, float(scale)
