"""The outbound request a decision carries, with auth kept apart from the headers.

Credentials never sit in :attr:`OutboundRequest.headers`: the request names its
:attr:`auth` scheme and :func:`auth_headers` renders it, so previews can mask the secret
and the delivery layer can mint an Outreach access token at send time.
"""

from __future__ import annotations

import base64
from dataclasses import field
from typing import Any, Literal
from urllib.parse import urlsplit

from signaltui.core.records import readonly

Destination = Literal["apollo", "outreach", "close"]
DESTINATIONS: tuple[Destination, ...] = ("apollo", "outreach", "close")
#: Each destination as people name the CRM.
CRM_NAMES: dict[str, str] = {"apollo": "Apollo", "outreach": "Outreach", "close": "Close"}

AuthScheme = Literal["api_key_header", "basic", "oauth_bearer"]
MASK = "***"

#: Header names whose values are secret wherever they appear (store, recordings, logs).
SECRET_HEADER_NAMES = frozenset({"authorization", "x-api-key", "cookie", "set-cookie"})


@readonly
class OutboundRequest:
    """Exactly what goes on the wire, minus the credential itself.

    A dataclass rather than a pydantic model: the core builds one per planned delivery
    from values it produced itself, so validating them again would be pure cost.
    """

    method: str
    url: str
    auth: AuthScheme
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    def path(self) -> str:
        """The URL path (``/api/v1/contacts``), for rebasing onto another target."""
        return urlsplit(self.url).path

    def with_base_url(self, base_url: str) -> OutboundRequest:
        """The same request aimed at ``base_url`` (a mock or custom target)."""
        url = base_url.rstrip("/") + self.path()
        return OutboundRequest(self.method, url, self.auth, self.body, self.headers)


def auth_headers(scheme: AuthScheme, secret: str | None) -> dict[str, str]:
    """The header(s) that carry ``secret`` for ``scheme``; ``None`` renders the mask.

    ``secret`` is the API key (Apollo, Close) or the OAuth access token (Outreach).
    """
    if scheme == "api_key_header":
        return {"X-Api-Key": secret if secret is not None else MASK}
    if scheme == "basic":
        if secret is None:
            return {"Authorization": f"Basic {MASK}"}
        token = base64.b64encode(f"{secret}:".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}
    return {"Authorization": f"Bearer {secret if secret is not None else MASK}"}


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with every secret-bearing value replaced by the mask."""
    redacted: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() in SECRET_HEADER_NAMES:
            scheme, _, _ = value.partition(" ")
            is_scheme = name.lower() == "authorization" and scheme in ("Basic", "Bearer")
            redacted[name] = f"{scheme} {MASK}" if is_scheme else MASK
        else:
            redacted[name] = value
    return redacted
