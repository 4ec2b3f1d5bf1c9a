"""Where deliveries go: the in-process mock, the live APIs, or a base URL (a mock server)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from signaltui.errors import InputError

TargetKind = Literal["mock", "live", "url"]


@dataclass(frozen=True)
class Target:
    """A delivery target. Live, mock and URL targets differ only in base URL or transport."""

    kind: TargetKind
    base_url: str | None = None

    @property
    def label(self) -> str:
        """What recordings and the store call this target (a recording's ``target``)."""
        return self.base_url if self.kind == "url" and self.base_url else self.kind

    @property
    def is_live(self) -> bool:
        """True when requests would reach the real CRMs."""
        return self.kind == "live"

    @property
    def is_loopback(self) -> bool:
        """True for the in-process mock and URLs on this machine (127.x, ::1, localhost)."""
        return self.kind == "mock" or is_loopback_url(self.base_url or "")


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` points at this machine (127.x, ::1, localhost)."""
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def parse_target(value: str) -> Target:
    """``mock``, ``live``, or an ``http(s)://host[:port]`` base URL."""
    text = value.strip()
    if text in ("mock", "live"):
        return Target(kind=text)  # type: ignore[arg-type]
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"unknown target {value!r}",
            where="--target",
            hint="use mock, live, or a base URL such as http://127.0.0.1:8765",
        )
    if parts.path not in ("", "/") or parts.query:
        raise InputError(
            f"target URL {value!r} must be a base URL without a path",
            where="--target",
            hint="the CRM paths (/api/v1/contacts…) are added by signaltui",
        )
    return Target(kind="url", base_url=f"{parts.scheme}://{parts.netloc}")
