"""Credentials on the wire: Apollo ``X-Api-Key``, Close HTTP Basic, Outreach OAuth bearer.

Apollo and Close are static keys rendered by :func:`signaltui.core.request.auth_headers`.
Outreach needs an access token minted from a refresh token; :class:`OutreachTokenManager`
mints it, caches it until shortly before it expires, persists the rotated refresh token
(see :mod:`signaltui.delivery.tokenstore` for the precedence rules) and makes concurrent
deliveries share one exchange. Outreach lets an app mint about one access token a minute
and answers ``429 Retry later`` beyond that, so mints against a paced (live) target are
spaced by :data:`OUTREACH_MINT_INTERVAL`; the cached token means a normal run mints once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from signaltui.config import Credentials
from signaltui.core.request import OutboundRequest, auth_headers
from signaltui.delivery.tokenstore import StoredToken, TokenStore, seed_fingerprint
from signaltui.errors import DeliveryError
from signaltui.targets import is_loopback_url

#: Refresh this many seconds before the access token's stated expiry (clock skew, latency).
DEFAULT_LEEWAY = 60.0
#: Outreach access tokens last 2 hours; assumed when a token response omits ``expires_in``.
DEFAULT_EXPIRES_IN = 7200.0
#: Outreach mints at most about one access token per minute per app.
OUTREACH_MINT_INTERVAL = 60.0

_ENV = {
    "apollo_api_key": "SIGNALTUI_APOLLO_API_KEY",
    "close_api_key": "SIGNALTUI_CLOSE_API_KEY",
    "outreach_client_id": "SIGNALTUI_OUTREACH_CLIENT_ID",
    "outreach_client_secret": "SIGNALTUI_OUTREACH_CLIENT_SECRET",
    "outreach_refresh_token": "SIGNALTUI_OUTREACH_REFRESH_TOKEN",
}


class AuthError(DeliveryError):
    """Credentials could not be put on a request.

    ``reason`` is a short machine code (``missing_credentials``, ``invalid_grant``,
    ``token_http_503``, ``timeout``…). ``retryable`` says whether another attempt may help;
    ``headers`` are the token endpoint's response headers (for ``Retry-After``), if any;
    ``wait`` is how long the mint throttle still holds, when no header says so.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        retryable: bool = False,
        headers: dict[str, str] | None = None,
        hint: str | None = None,
        wait: float | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason
        self.retryable = retryable
        self.headers = headers or {}
        self.wait = wait


#: What to do when a mock on this machine refuses the stored refresh token.
MOCK_INVALID_GRANT_HINT = (
    "this is a local mock, not a real Outreach app: nothing needs re-authorising. The "
    "mock no longer knows the cached refresh token (a restart with strict rotation?): "
    "delete the token cache (the token_file setting) to start again from the configured "
    "token, or POST /__mock/reset"
)


def base_url_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``: the key tokens are cached under."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _required(credentials: Credentials, name: str) -> str:
    value = credentials.get(name)
    if value is None:
        raise AuthError(
            f"no {name.replace('_', ' ')} configured",
            reason="missing_credentials",
            hint=f"set {_ENV[name]} (or the config file), or send to --target mock",
        )
    return value


class OutreachTokenManager:
    """Outreach access tokens per base URL, minted from a (rotating) refresh token.

    ``clock`` is wall-clock epoch seconds (expiry times are persisted, so a monotonic
    clock would not do). One :class:`asyncio.Lock` serialises exchanges, so concurrent
    deliveries that find no valid token trigger a single refresh. ``mint_interval`` spaces
    mints (measured on ``monotonic``, slept with ``sleep``); 0 leaves them unpaced.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        *,
        store: TokenStore,
        http: httpx.AsyncClient,
        clock: Callable[[], float] = time.time,
        redirect_uri: str | None = None,
        leeway: float = DEFAULT_LEEWAY,
        mint_interval: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._seed_token = refresh_token
        self._seed = seed_fingerprint(client_id, refresh_token)
        self._store = store
        self._http = http
        self._clock = clock
        self._redirect_uri = redirect_uri
        self._leeway = leeway
        self._cache: dict[str, StoredToken] = {}
        self._lock = asyncio.Lock()
        self._mint_interval = mint_interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._last_mint: float | None = None
        #: Access tokens the API refused with a 401: never taken back from the token
        #: store, where they stay until the next mint overwrites them.
        self._refused: set[str] = set()
        #: How many token exchanges were made (for diagnostics and tests).
        self.exchanges = 0

    async def access_token(self, base_url: str) -> str:
        """A valid access token for ``base_url``, exchanging the refresh token if needed."""
        async with self._lock:
            current = self._current(base_url)
            if current.access_token and self._is_fresh(current):
                return current.access_token
            return await self._exchange(base_url, current)

    async def refresh_after_rejection(self, base_url: str, rejected: str) -> str:
        """A new access token after the API answered 401 to ``rejected``.

        When another delivery already replaced ``rejected``, its token is returned
        without a second exchange.
        """
        async with self._lock:
            current = self._current(base_url)
            token = current.access_token
            if token is not None and token != rejected and self._is_fresh(current):
                return token  # another delivery already replaced it
            # Forget the rejected token first, so a failed exchange is not followed by
            # another request with it.
            current = replace(current, access_token=None, expires_at=None)
            self._cache[base_url] = current
            self._refused.add(rejected)
            return await self._exchange(base_url, current)

    def _current(self, base_url: str) -> StoredToken:
        cached = self._cache.get(base_url)
        if cached is not None:
            return cached
        stored = self._store.load(base_url)
        if stored is None or stored.seed != self._seed:
            # First use, or a different token was configured since: the configured one wins.
            stored = StoredToken(seed=self._seed, refresh_token=self._seed_token)
        self._cache[base_url] = stored
        return stored

    def _is_fresh(self, token: StoredToken) -> bool:
        return token.expires_at is not None and self._clock() < token.expires_at

    def _throttle_left(self) -> float:
        if self._last_mint is None or self._mint_interval <= 0:
            return 0.0
        return max(0.0, self._last_mint + self._mint_interval - self._monotonic())

    async def _exchange(self, base_url: str, current: StoredToken) -> str:
        # Other processes may share the token store: from reading the newest refresh
        # token to saving the rotated one, hold it, or two would spend the same token.
        async with self._store.locked():
            stored = self._store.load(base_url)
            if stored is not None and stored.seed == self._seed:
                fresh = stored.access_token and stored.access_token not in self._refused
                if fresh and self._is_fresh(stored):
                    self._cache[base_url] = stored  # another process just refreshed
                    return str(stored.access_token)
                current = stored
            return await self._exchange_now(base_url, current)

    async def _exchange_now(self, base_url: str, current: StoredToken) -> str:
        # Space mints as Outreach asks (held under the locks: one mint at a time anyway).
        if (left := self._throttle_left()) > 0:
            await self._sleep(left)
        self._last_mint = self._monotonic()
        form = {
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            "grant_type": "refresh_token",
            "refresh_token": current.refresh_token,
        }
        if self._redirect_uri:
            form["redirect_uri"] = self._redirect_uri
        self.exchanges += 1
        try:
            response = await self._http.post(
                f"{base_url}/oauth/token", data=form, headers={"Accept": "application/json"}
            )
        except httpx.TimeoutException as exc:
            raise AuthError(
                "the Outreach token endpoint timed out", reason="timeout", retryable=True
            ) from exc
        except httpx.HTTPError as exc:
            raise AuthError(
                f"cannot reach the Outreach token endpoint ({type(exc).__name__})",
                reason="connection_error",
                retryable=True,
            ) from exc
        payload = _json_or_none(response)
        if response.status_code in (200, 201) and isinstance(payload, dict):
            return self._accept(base_url, current, payload)
        error = _exchange_error(response, payload)
        if error.reason == "invalid_grant" and is_loopback_url(base_url):
            # A mock, not a real app: nothing to re-authorise, so say how to start its
            # token chain again.
            error.hint = MOCK_INVALID_GRANT_HINT
        if response.status_code == 429 and self._mint_interval > 0:
            error.wait = self._throttle_left()  # "Retry later": the throttle's own minute
        raise error

    def _accept(self, base_url: str, current: StoredToken, payload: dict[str, Any]) -> str:
        access = payload.get("access_token")
        if not isinstance(access, str) or not access:
            raise AuthError(
                "the Outreach token endpoint answered without an access_token",
                reason="token_bad_response",
            )
        expires_in = _seconds(payload.get("expires_in"))
        # Never wait past half a short-lived token's life, or it is stale when fetched.
        leeway = min(self._leeway, expires_in / 2)
        rotated = payload.get("refresh_token")
        token = StoredToken(
            seed=self._seed,
            refresh_token=rotated
            if isinstance(rotated, str) and rotated
            else current.refresh_token,
            access_token=access,
            expires_at=self._clock() + expires_in - leeway,
        )
        # Cache first: if saving fails, this process still holds the only valid token.
        self._cache[base_url] = token
        self._store.save(base_url, token)
        return access


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):  # RecursionError: a hostile, very deep answer
        return None


def _seconds(value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return DEFAULT_EXPIRES_IN
    return seconds if seconds > 0 else DEFAULT_EXPIRES_IN


def _exchange_error(response: httpx.Response, payload: Any) -> AuthError:
    status = response.status_code
    code = payload.get("error") if isinstance(payload, dict) else None
    headers = dict(response.headers)
    if code == "invalid_grant":
        return AuthError(
            "refresh token refused by Outreach (invalid_grant)",
            reason="invalid_grant",
            hint="re-authorise the Outreach app (authorization_code flow) and set the new "
            "refresh token in SIGNALTUI_OUTREACH_REFRESH_TOKEN; it replaces the stored one",
        )
    if code == "invalid_client" or status == 401:
        return AuthError(
            f"Outreach refused the client credentials (HTTP {status})",
            reason="invalid_client",
            hint="check SIGNALTUI_OUTREACH_CLIENT_ID and SIGNALTUI_OUTREACH_CLIENT_SECRET",
        )
    if status == 429 or status >= 500:
        text = response.text.strip()[:80] if payload is None else ""
        return AuthError(
            f"the Outreach token endpoint answered HTTP {status}" + (f" ({text})" if text else ""),
            reason=f"token_http_{status}",
            retryable=True,
            headers=headers,
        )
    return AuthError(
        f"the Outreach token endpoint answered HTTP {status}"
        + (f" ({code})" if isinstance(code, str) else ""),
        reason=f"token_http_{status}",
        hint="check the Outreach OAuth settings and the target base URL",
    )


class Authenticator:
    """Renders the auth header(s) of a request from :class:`Credentials`."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        store: TokenStore,
        http: httpx.AsyncClient,
        clock: Callable[[], float] = time.time,
        mint_interval: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._credentials = credentials
        self._store = store
        self._http = http
        self._clock = clock
        self._mint_options: dict[str, Any] = {
            "mint_interval": mint_interval,
            "monotonic": monotonic,
            "sleep": sleep,
        }
        self._outreach: OutreachTokenManager | None = None

    def outreach(self) -> OutreachTokenManager:
        """The Outreach token manager (built on first use, when its credentials exist)."""
        if self._outreach is None:
            creds = self._credentials
            self._outreach = OutreachTokenManager(
                _required(creds, "outreach_client_id"),
                _required(creds, "outreach_client_secret"),
                _required(creds, "outreach_refresh_token"),
                store=self._store,
                http=self._http,
                clock=self._clock,
                **self._mint_options,
            )
        return self._outreach

    async def headers(self, request: OutboundRequest) -> tuple[dict[str, str], str | None]:
        """The auth header(s) for ``request`` and the bearer token used (Outreach only)."""
        if request.auth == "api_key_header":
            key = _required(self._credentials, "apollo_api_key")
            return auth_headers("api_key_header", key), None
        if request.auth == "basic":
            key = _required(self._credentials, "close_api_key")
            return auth_headers("basic", key), None
        token = await self.outreach().access_token(base_url_of(request.url))
        return auth_headers("oauth_bearer", token), token

    async def after_unauthorized(self, request: OutboundRequest, rejected: str) -> None:
        """Replace a bearer token the API answered 401 to (one refresh, shared)."""
        await self.outreach().refresh_after_rejection(base_url_of(request.url), rejected)
