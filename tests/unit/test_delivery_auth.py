"""Auth on the wire: Apollo key header, Close Basic, Outreach OAuth refresh and rotation."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import respx
from pydantic import SecretStr

from signaltui.config import Credentials, DeliverySettings
from signaltui.core.request import OutboundRequest
from signaltui.delivery.client import DeliveryClient
from signaltui.delivery.tokenstore import (
    FileTokenStore,
    MemoryTokenStore,
    StoredToken,
    TokenStore,
)

APOLLO_KEY = "apollo-secret-key-123"
CLOSE_KEY = "api_close_secret_456"
CLIENT_ID = "client-id-abc"
CLIENT_SECRET = "client-secret-xyz"
REFRESH_SEED = "refresh-seed-000"
OUTREACH = "https://api.outreach.io"
T0 = 1_700_000_000.0

CREDS = Credentials(
    apollo_api_key=SecretStr(APOLLO_KEY),
    close_api_key=SecretStr(CLOSE_KEY),
    outreach_client_id=SecretStr(CLIENT_ID),
    outreach_client_secret=SecretStr(CLIENT_SECRET),
    outreach_refresh_token=SecretStr(REFRESH_SEED),
)
SETTINGS = DeliverySettings(max_attempts=3, rate_limit_per_second=0)

APOLLO_REQ = OutboundRequest(
    method="POST",
    url="https://api.apollo.io/api/v1/contacts",
    headers={"Content-Type": "application/json"},
    auth="api_key_header",
    body={"email": "jane@acme.com", "first_name": "Jane", "last_name": "Doe"},
)
CLOSE_REQ = OutboundRequest(
    method="POST",
    url="https://api.close.com/api/v1/lead/",
    headers={"Content-Type": "application/json"},
    auth="basic",
    body={"name": "Acme"},
)
OUTREACH_REQ = OutboundRequest(
    method="POST",
    url=f"{OUTREACH}/api/v2/prospects",
    headers={"Content-Type": "application/vnd.api+json"},
    auth="oauth_bearer",
    body={"data": {"type": "prospect", "attributes": {"emails": ["jane@acme.com"]}}},
)


class FakeTime:
    """Wall clock that only moves when told to (or when the client sleeps)."""

    def __init__(self) -> None:
        self.wall = T0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.wall

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.wall += seconds


class OAuthServer:
    """A respx-backed Outreach: rotating refresh tokens, bearer check on prospects."""

    def __init__(self, base: str = OUTREACH, expires_in: int = 7200) -> None:
        self.router = respx.MockRouter(assert_all_called=False)
        self.base = base
        self.expires_in = expires_in
        self.valid_refresh = {REFRESH_SEED}
        self.valid_access: set[str] = set()
        self.exchanges: list[dict[str, list[str]]] = []
        self.bearers: list[str] = []
        self.token_status: int | None = None
        self.reject_all = False
        self.router.post(f"{base}/oauth/token").mock(side_effect=self.token)
        self.router.post(f"{base}/api/v2/prospects").mock(side_effect=self.prospect)
        self.router.get(url__startswith=f"{base}/api/v2/prospects?").mock(side_effect=self.search)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.router.async_handler)

    async def token(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)  # let concurrent deliveries interleave here
        form = parse_qs(request.content.decode())
        self.exchanges.append(form)
        if self.token_status is not None:
            return httpx.Response(self.token_status, json={"error": "server_error"})
        refresh = form["refresh_token"][0]
        if refresh not in self.valid_refresh:
            return httpx.Response(400, json={"error": "invalid_grant"})
        self.valid_refresh.discard(refresh)  # strict rotation: the old token dies
        n = len(self.exchanges)
        access, rotated = f"access-{n}", f"refresh-{n}"
        self.valid_access.add(access)
        self.valid_refresh.add(rotated)
        payload = {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": self.expires_in,
            "refresh_token": rotated,
        }
        return httpx.Response(200, json=payload)

    def search(self, request: httpx.Request) -> httpx.Response:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.valid_access:
            return httpx.Response(401, json={"errors": [{"id": "unauthorized"}]})
        return httpx.Response(200, json={"data": []})

    def prospect(self, request: httpx.Request) -> httpx.Response:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        self.bearers.append(bearer)
        if self.reject_all or bearer not in self.valid_access:
            return httpx.Response(401, json={"errors": [{"id": "unauthorized"}]})
        return httpx.Response(201, json={"data": {"type": "prospect", "id": 1}})


def make_client(
    server: OAuthServer, clock: FakeTime, store: TokenStore | None = None
) -> DeliveryClient:
    return DeliveryClient(
        SETTINGS,
        CREDS,
        transport=server.transport,
        token_store=store if store is not None else MemoryTokenStore(),
        sleep=clock.sleep,
        wall_clock=clock.time,
        rng=lambda: 0.0,
    )


async def test_outreach_token_fetched_once_and_cached() -> None:
    server, clock = OAuthServer(), FakeTime()
    async with make_client(server, clock) as client:
        for _ in range(3):
            result = await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
            assert result.outcome == "delivered"
    assert len(server.exchanges) == 1
    form = server.exchanges[0]
    assert form["grant_type"] == ["refresh_token"]
    assert form["client_id"] == [CLIENT_ID]
    assert form["client_secret"] == [CLIENT_SECRET]
    assert form["refresh_token"] == [REFRESH_SEED]
    assert server.bearers == ["access-1"] * 3


async def test_outreach_token_refreshed_shortly_before_expiry() -> None:
    server, clock = OAuthServer(expires_in=7200), FakeTime()
    async with make_client(server, clock) as client:
        await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
        clock.wall += 7200 - 61  # still more than the 60 s margin left
        await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
        assert len(server.exchanges) == 1
        clock.wall += 2  # now inside the margin
        await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
    assert len(server.exchanges) == 2
    assert server.exchanges[1]["refresh_token"] == ["refresh-1"]  # the rotated one
    assert server.bearers == ["access-1", "access-1", "access-2"]


async def test_401_refreshes_once_and_retries() -> None:
    server, clock = OAuthServer(), FakeTime()
    async with make_client(server, clock) as client:
        await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
        server.valid_access.clear()  # the server revokes the access token early
        result = await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
    assert result.outcome == "delivered"
    assert [a.response.status for a in result.attempts if a.response] == [401, 201]
    assert len(server.exchanges) == 2
    assert clock.sleeps == []  # an auth retry is immediate


async def test_401_after_refresh_is_final_not_a_loop() -> None:
    server, clock = OAuthServer(), FakeTime()
    server.reject_all = True
    async with make_client(server, clock) as client:
        result = await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
    assert result.outcome == "rejected"
    assert result.reason == "http_401"
    assert len(result.attempts) == 2
    assert len(server.exchanges) == 2
    assert "refresh token" in (result.hint or "")


async def test_token_dying_again_between_retries_is_refreshed_again() -> None:
    # 401 (stale token) -> refresh -> 503 -> that new token dies too -> 401 -> refresh -> 201
    server, clock = OAuthServer(), FakeTime()
    script = iter(["revoke", "503", "revoke", "ok"])

    def prospect(request: httpx.Request) -> httpx.Response:
        step = next(script)
        if step == "revoke":
            server.valid_access.clear()
        if step == "503":
            return httpx.Response(503, json={"error": "maintenance"})
        return server.prospect(request)

    server.router.post(f"{OUTREACH}/api/v2/prospects").mock(side_effect=prospect)
    async with make_client(server, clock) as client:
        result = await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
    assert result.outcome == "delivered"
    sent = [a for a in result.attempts if a.kind == "send"]
    assert [a.response.status for a in sent if a.response] == [401, 503, 401, 201]
    assert len(server.exchanges) == 3  # first token, then two refreshes
    assert len(sent) <= SETTINGS.max_attempts + 1


async def test_invalid_grant_fails_with_reauthorise_hint() -> None:
    server, clock = OAuthServer(), FakeTime()
    server.valid_refresh.clear()
    async with make_client(server, clock) as client:
        result = await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
    assert result.outcome == "failed"
    assert result.reason == "invalid_grant"
    assert "refresh token refused" in (result.hint or "")
    assert "re-authorise" in (result.hint or "")
    assert server.bearers == []  # the API itself was never called


async def test_token_endpoint_outage_is_retried_then_dead_lettered() -> None:
    server, clock = OAuthServer(), FakeTime()
    server.token_status = 503
    async with make_client(server, clock) as client:
        result = await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
    assert result.outcome == "dead_lettered"
    assert result.reason == "token_http_503 after 3 attempts"
    assert len(server.exchanges) == 3
    assert all(a.error and a.response is None for a in result.attempts)


async def test_concurrent_deliveries_refresh_once() -> None:
    server, clock = OAuthServer(), FakeTime()
    async with make_client(server, clock) as client:
        results = await asyncio.gather(
            *(client.deliver(OUTREACH_REQ, "outreach", target_label="live") for _ in range(5))
        )
    assert [r.outcome for r in results] == ["delivered"] * 5
    assert len(server.exchanges) == 1


async def test_rotated_refresh_token_persisted_and_used_next_run(tmp_path: Path) -> None:
    path = tmp_path / "state" / "outreach-token.json"
    server, clock = OAuthServer(), FakeTime()
    async with make_client(server, clock, FileTokenStore(path)) as client:
        await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # No temp file left; the cross-process lock file stays (removing it would be racy).
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, f"{path.name}.lock"]
    saved = FileTokenStore(path).load(OUTREACH)
    assert saved is not None and saved.refresh_token == "refresh-1"

    # A new process: the cached access token is reused while fresh...
    async with make_client(server, clock, FileTokenStore(path)) as client:
        await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
    assert len(server.exchanges) == 1
    # ...and once expired, the rotated token (not the revoked seed) is exchanged.
    clock.wall += 7200
    async with make_client(server, clock, FileTokenStore(path)) as client:
        result = await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
    assert result.outcome == "delivered"
    assert server.exchanges[1]["refresh_token"] == ["refresh-1"]
    assert FileTokenStore(path).load(OUTREACH).refresh_token == "refresh-2"  # type: ignore[union-attr]


async def test_newly_configured_refresh_token_wins_over_stored(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    store = FileTokenStore(path)
    store.save(OUTREACH, StoredToken(seed="some-older-seed", refresh_token="stale-rotated"))
    server, clock = OAuthServer(), FakeTime()
    async with make_client(server, clock, store) as client:
        result = await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
    assert result.outcome == "delivered"
    assert server.exchanges[0]["refresh_token"] == [REFRESH_SEED]
    assert store.load(OUTREACH).refresh_token == "refresh-1"  # type: ignore[union-attr]


async def test_corrupt_token_file_is_a_clear_failure(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text("{not json")
    server, clock = OAuthServer(), FakeTime()
    async with make_client(server, clock, FileTokenStore(path)) as client:
        result = await client.deliver(OUTREACH_REQ, "outreach", target_label="live")
    assert result.outcome == "failed"
    assert result.reason == "token_store_error"
    assert "delete it" in (result.hint or "")
    assert server.exchanges == []


async def test_tokens_are_kept_apart_per_base_url() -> None:
    mock_base = "http://127.0.0.1:8765"
    live, mock = OAuthServer(), OAuthServer(base=mock_base)
    router = respx.MockRouter(assert_all_called=False)
    router.route(host="api.outreach.io").mock(side_effect=live.router.async_handler)
    router.route(host="127.0.0.1").mock(side_effect=mock.router.async_handler)
    store = MemoryTokenStore()
    transport = httpx.MockTransport(router.async_handler)
    for base_url in (mock_base, None):
        async with DeliveryClient(
            SETTINGS, CREDS, transport=transport, base_url=base_url, token_store=store
        ) as client:
            await client.deliver(OUTREACH_REQ, "outreach", target_label=base_url or "live")
    assert len(mock.exchanges) == 1 and len(live.exchanges) == 1
    assert mock.bearers == ["access-1"] and live.bearers == ["access-1"]
    assert set(store.entries) == {mock_base, OUTREACH}


async def test_invalid_grant_from_a_local_mock_says_what_to_do_about_a_mock() -> None:
    base = "http://127.0.0.1:8765"
    server, clock = OAuthServer(base=base), FakeTime()
    server.valid_refresh.clear()
    request = OUTREACH_REQ.with_base_url(base)
    async with make_client(server, clock) as client:
        result = await client.deliver(request, "outreach", target_label=base)
    assert result.outcome == "failed" and result.reason == "invalid_grant"
    assert "local mock" in (result.hint or "") and "re-authorise the Outreach app" not in (
        result.hint or ""
    )
    assert "token_file" in (result.hint or "")
