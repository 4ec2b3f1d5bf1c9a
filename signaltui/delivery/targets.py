"""Where a send goes: ``mock`` (in-process), ``live`` (the real APIs) or a base URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from signaltui.errors import InputError

TargetKind = Literal["mock", "live", "url"]

#: Base URL of in-process mock sends. The caller supplies the mock transport; if it ever
#: did not, ``.invalid`` never resolves, so nothing can reach a real CRM by accident.
MOCK_BASE_URL = "http://mock.signaltui.invalid"


@dataclass(frozen=True)
class Target:
    """A resolved target: its kind, the base URL to rebase onto (``None`` for live), and
    the label recorded with each delivery (``mock``, ``live`` or the URL)."""

    kind: TargetKind
    base_url: str | None
    label: str


def resolve_target(target: str) -> Target:
    """Parse a ``--target`` value; raises :class:`InputError` when it is none of the three."""
    value = target.strip()
    if value.lower() == "mock":
        return Target("mock", MOCK_BASE_URL, "mock")
    if value.lower() == "live":
        return Target("live", None, "live")
    parts = urlsplit(value)
    problem = None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        problem = "is not mock, live or an http(s):// URL"
    elif parts.query or parts.fragment:
        problem = "must not have a query string or fragment"
    else:
        try:
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            problem = "has an invalid port"
    if problem:
        raise InputError(
            f"target {target!r} {problem}",
            where="--target",
            hint="use mock, live, or a base URL such as http://127.0.0.1:8000",
        )
    base = value.rstrip("/")
    return Target("url", base, base)
