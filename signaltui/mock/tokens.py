"""Outreach OAuth tokens the mock can check without remembering them.

Every token the mock mints carries its own claims (kind, client, issue time, order, and
for refresh tokens the rotation lineage and generation), signed with a key fixed for all
signaltui mocks. A restarted mock, or one after ``POST /__mock/reset``, therefore still
honours a token an earlier one issued (a mock never strands its client; see
docs/mock-crms.md), and nothing about tokens has to be kept across runs. Only rotation
bookkeeping (which generation of a lineage is the newest) lives in memory, and when it
is lost the mock errs towards honouring.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Literal

# Not a secret: mock tokens only need to be recognisable, not unforgeable.
_KEY = b"signaltui mock outreach tokens v1"
_PREFIX = "mk"

TokenKind = Literal["access", "refresh"]


@dataclass(frozen=True)
class Claims:
    """What a mock token says about itself."""

    kind: TokenKind
    client: str
    issued_at: float
    #: Mint number within one mock's life; with ``issued_at`` it orders tokens.
    seq: int
    #: Refresh tokens: the chain of rotations it belongs to, and its place in it.
    lineage: str = ""
    generation: int = 0

    @property
    def order(self) -> tuple[float, int]:
        """Sorts tokens by when they were minted (later is greater)."""
        return (self.issued_at, self.seq)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signature(body: str) -> str:
    return _b64(hmac.new(_KEY, body.encode(), hashlib.sha256).digest()[:18])


def issue(claims: Claims) -> str:
    """A token string carrying ``claims``."""
    payload = {
        "k": claims.kind[0],
        "c": claims.client,
        "t": claims.issued_at,
        "s": claims.seq,
        "l": claims.lineage,
        "g": claims.generation,
    }
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    return f"{_PREFIX}.{body}.{_signature(body)}"


def read(token: str) -> Claims | None:
    """The claims of a token this (or any) signaltui mock issued, else ``None``."""
    prefix, _, rest = token.partition(".")
    body, _, signature = rest.partition(".")
    if prefix != _PREFIX or not body or not hmac.compare_digest(signature, _signature(body)):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        kind: TokenKind = "access" if payload["k"] == "a" else "refresh"
        return Claims(
            kind=kind,
            client=str(payload["c"]),
            issued_at=float(payload["t"]),
            seq=int(payload["s"]),
            lineage=str(payload["l"]),
            generation=int(payload["g"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


def seed_lineage(client: str, token: str) -> str:
    """The lineage of a refresh token the mock did not mint (a configured or first one)."""
    return hashlib.sha256(f"{client}\n{token}".encode()).hexdigest()[:16]
