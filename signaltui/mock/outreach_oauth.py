"""Mock Outreach OAuth: ``POST /oauth/token`` (refresh grant) and the bearer check.

The token endpoint answers like Doorkeeper (the Rails OAuth server Outreach appears to
run): 400 ``invalid_grant`` for unknown, expired or revoked refresh tokens, 401
``invalid_client``. Each mint returns a new refresh token. An old one stays usable for
``outreach_refresh_ttl`` or until ``outreach_refresh_keep`` newer ones of its chain exist
(Outreach's 14 days / 100), or dies at once with ``outreach_strict_rotation``. An app may
mint one access token per ``outreach_mint_interval`` seconds; beyond that the answer is
429 with the plain-text body ``Retry later``. Tokens are signed (:mod:`.tokens`), so a
restarted or reset mock honours tokens it issued before.
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from signaltui.mock import tokens
from signaltui.mock.state import MockState
from signaltui.mock.tokens import Claims

SCOPE = "prospects.read prospects.write"
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication "
    "included, or unsupported authentication method."
)
UNSUPPORTED_GRANT = "The authorization grant type is not supported by the authorization server."
RETRY_LATER = "Retry later"


def _oauth_error(error: str, description: str, status: int) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def _token_params(request: Request, raw: bytes) -> dict[str, str]:
    # tap-outreach sends a form, Estuary sends JSON: accept both.
    params: dict[str, Any] = {}
    if "json" in request.headers.get("content-type", ""):
        try:
            loaded = json.loads(raw or b"{}")
        except ValueError:
            loaded = {}
        params = loaded if isinstance(loaded, dict) else {}
    else:
        params = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    auth = request.headers.get("authorization", "")
    if auth.startswith("Basic "):  # Doorkeeper also takes client credentials this way.
        try:
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            client_id, secret = "", ""
        params.setdefault("client_id", client_id)
        params.setdefault("client_secret", secret)
    return {k: str(v) for k, v in params.items() if v is not None}


def _chain(state: MockState, client: str, offered: str) -> tuple[str, int] | None:
    """``(lineage, generation)`` of a refresh token that may be used now, else ``None``."""
    settings, now = state.settings, state.now()
    claims = tokens.read(offered)
    if claims is not None:
        if claims.kind != "refresh" or claims.client != client:
            return None
        if now - claims.issued_at >= settings.outreach_refresh_ttl:
            return None
        lineage, generation = claims.lineage, claims.generation
    else:
        # Not minted by a mock: the configured refresh token, or any first one when none
        # is configured.
        configured = state.credential("outreach_refresh_token")
        if not offered or (configured is not None and offered != configured):
            return None
        lineage, generation = tokens.seed_lineage(client, offered), 0
    # A lineage this mock has not seen (it restarted) is taken as newest: honour it.
    newest = state.outreach_lineages.get(lineage, generation)
    if settings.outreach_strict_rotation and generation < newest:
        return None
    if newest - generation >= settings.outreach_refresh_keep:
        return None
    return lineage, generation


def _throttled(state: MockState, client: str) -> Response | None:
    policy = state.windows.policy
    last = state.outreach_last_mint.get(client)
    if not policy.enforce or last is None:
        return None
    wait = policy.seconds(state.settings.outreach_mint_interval) - (state.now() - last)
    if wait <= 0:
        return None
    state.counters.mints_throttled += 1
    # Outreach sends only the text; Retry-After is the mock's addition so a client knows
    # when the next mint is allowed.
    headers = {"retry-after": str(max(1, math.ceil(wait)))}
    return PlainTextResponse(RETRY_LATER, status_code=429, headers=headers)


def token(state: MockState, request: Request, raw: bytes) -> Response:
    """``POST /oauth/token`` with ``grant_type=refresh_token``."""
    params = _token_params(request, raw)
    client = params.get("client_id")
    client_ok = state.accepts("outreach_client_id", client) and state.accepts(
        "outreach_client_secret", params.get("client_secret")
    )
    if not client_ok or client is None:
        return _oauth_error("invalid_client", INVALID_CLIENT, 401)
    if params.get("grant_type") != "refresh_token":
        return _oauth_error("unsupported_grant_type", UNSUPPORTED_GRANT, 400)
    chain = _chain(state, client, params.get("refresh_token", ""))
    if chain is None:
        return _oauth_error("invalid_grant", INVALID_GRANT, 400)
    if (throttled := _throttled(state, client)) is not None:
        return throttled
    lineage, generation = chain
    now = state.now()
    state.counters.mints += 1
    seq = state.counters.mints
    fresh_generation = max(state.outreach_lineages.get(lineage, generation), generation) + 1
    state.outreach_lineages[lineage] = fresh_generation
    state.outreach_last_mint[client] = now
    access = tokens.issue(Claims("access", client, now, seq))
    fresh = tokens.issue(Claims("refresh", client, now, seq, lineage, fresh_generation))
    return JSONResponse(
        {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": state.settings.outreach_token_ttl,
            "refresh_token": fresh,
            "scope": SCOPE,
            "created_at": int(now),
        }
    )


def bearer_claims(state: MockState, request: Request) -> Claims | None:
    """The claims of a live access token on ``request`` (not counted as a use), or ``None``."""
    auth = request.headers.get("authorization", "")
    if not auth.startswith("Bearer "):
        return None
    claims = tokens.read(auth[7:].strip())
    if claims is None or claims.kind != "access":
        return None
    if not state.accepts("outreach_client_id", claims.client):
        return None
    if state.now() - claims.issued_at >= state.settings.outreach_token_ttl:
        return None
    return claims


def use_bearer(state: MockState, request: Request) -> bool:
    """Whether the request's access token is accepted; counts one use of it.

    Fault profiles kill tokens after some uses. A request refused that way is always let
    through once it comes back with a token minted after the one it was refused with:
    that is the refresh the profile asks for, and another delivery's traffic must not
    undo it (so the documented "re-sent after a refresh succeeds" holds at any
    concurrency).
    """
    claims = bearer_claims(state, request)
    if claims is None:
        return False
    token = request.headers["authorization"][7:].strip()
    identity = getattr(request.state, "identity", "")
    uses = state.outreach_uses.get(token, 0)
    if state.faults.token_expired(token, uses):
        refused_with = state.outreach_refused.get(identity)
        if refused_with is None or claims.order <= refused_with:
            state.outreach_refused[identity] = claims.order
            return False
    state.outreach_uses[token] = uses + 1
    return True
