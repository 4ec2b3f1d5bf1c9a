"""Outreach token life cycle on the mock: rotation, expiry, strict revocation, and never
stranding a client across a restart or ``POST /__mock/reset`` (signed tokens)."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from signaltui.cli import main
from signaltui.config import Credentials
from signaltui.mock import create_app
from signaltui.mock.server import serve_in_thread
from tests.helpers import FIXTURES
from tests.integration.conftest import open_mock_client

DEMO = FIXTURES / "events" / "outreach-demo-requested.jsonl"
CONFIGURED = Credentials(
    outreach_client_id=SecretStr("cid"),
    outreach_client_secret=SecretStr("secret"),
    outreach_refresh_token=SecretStr("rt-0"),
)
DAY = 86_400.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def send_outreach(url: str, folder: Path, n: int) -> str:
    """Send the demo event for a lead of its own (``n``): Outreach refuses a second one."""
    events = folder / f"lead-{n}.jsonl"
    events.write_text(DEMO.read_text().replace("jane.doe@acme.com", f"lead{n}@acme.com"))
    result = CliRunner().invoke(main, ["send", str(events), "-d", "outreach", "--target", url])
    return result.output


@pytest.mark.parametrize("configured", [True, False], ids=["configured", "placeholders"])
@pytest.mark.parametrize("how", ["restart", "reset"])
def test_a_restarted_or_reset_mock_server_never_strands_the_client(
    monkeypatch, tmp_path, configured, how
):
    """The reported bug: send, restart the mock (or reset it), send twice more."""
    credentials = CONFIGURED if configured else Credentials()
    if configured:
        monkeypatch.setenv("SIGNALTUI_OUTREACH_CLIENT_ID", "cid")
        monkeypatch.setenv("SIGNALTUI_OUTREACH_CLIENT_SECRET", "secret")
        monkeypatch.setenv("SIGNALTUI_OUTREACH_REFRESH_TOKEN", "rt-0")
    port = free_port()
    with serve_in_thread(create_app(credentials), port=port) as url:
        assert "DELIVERED 201" in send_outreach(url, tmp_path, 0)
        if how == "reset":
            httpx.post(url + "/__mock/reset")
            outputs = [send_outreach(url, tmp_path, n) for n in (1, 2)]
    if how == "restart":
        with serve_in_thread(create_app(credentials), port=port) as url:
            outputs = [send_outreach(url, tmp_path, n) for n in (1, 2)]
    for output in outputs:
        assert "DELIVERED 201" in output, output
        assert "invalid_grant" not in output


async def _refresh(client: httpx.AsyncClient, token: str, client_id: str = "cid"):
    form = {"grant_type": "refresh_token", "client_secret": "secret", "client_id": client_id}
    return await client.post("/oauth/token", data={**form, "refresh_token": token})


@pytest.mark.parametrize("mode", ["loopback", "in_process"])
async def test_each_mint_rotates_and_old_tokens_last_until_enough_newer_ones_exist(mode):
    clock = FakeClock()
    app = create_app(CONFIGURED, clock=clock, outreach_refresh_keep=3)
    async with open_mock_client(app, mode) as client:
        chain, token = [], "rt-0"
        for _ in range(3):
            grant = await _refresh(client, token)
            assert grant.status_code == 200
            token = grant.json()["refresh_token"]
            chain.append(token)
            clock.now += 60  # the mint throttle: one a minute
        assert len(set(chain)) == 3 and "rt-0" not in chain
        # rt-0 now has 3 newer tokens: too many. The first rotated one has 2: still fine.
        assert (await _refresh(client, "rt-0")).json()["error"] == "invalid_grant"
        assert (await _refresh(client, chain[0])).status_code == 200


async def test_refresh_tokens_expire_after_fourteen_days():
    clock = FakeClock()
    app = create_app(CONFIGURED, clock=clock)
    async with open_mock_client(app, "in_process") as client:
        token = (await _refresh(client, "rt-0")).json()["refresh_token"]
        clock.now += 14 * DAY - 1
        fresh = await _refresh(client, token)
        clock.now += 1
        expired = await _refresh(client, token)
    assert fresh.status_code == 200
    assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant"


async def test_strict_rotation_revokes_the_old_token_at_once_but_a_restart_forgets_that():
    clock = FakeClock()
    app = create_app(CONFIGURED, clock=clock, outreach_strict_rotation=True)
    async with open_mock_client(app, "in_process") as client:
        first = (await _refresh(client, "rt-0")).json()["refresh_token"]
        clock.now += 60
        assert (await _refresh(client, first)).status_code == 200
        clock.now += 60
        assert (await _refresh(client, first)).json()["error"] == "invalid_grant"
    # A new mock knows nothing of the rotation: it errs towards honouring the token.
    again = create_app(CONFIGURED, clock=clock, outreach_strict_rotation=True)
    async with open_mock_client(again, "in_process") as client:
        assert (await _refresh(client, first)).status_code == 200


async def test_tokens_of_another_client_or_forged_ones_are_invalid_grant():
    app = create_app(limits="off")
    async with open_mock_client(app, "in_process") as client:
        token = (await _refresh(client, "seed", client_id="app-1")).json()["refresh_token"]
        other = await _refresh(client, token, client_id="app-2")
        forged = await _refresh(client, token[:-2] + "xx", client_id="app-1")
        access = (await _refresh(client, token, client_id="app-1")).json()["access_token"]
        as_refresh = await _refresh(client, access, client_id="app-1")
    assert other.json()["error"] == "invalid_grant"
    # Not a token the mock signed: taken as a first refresh token (none is configured).
    assert forged.status_code == 200
    assert as_refresh.json()["error"] == "invalid_grant"


async def test_access_tokens_outlive_a_reset():
    app = create_app(CONFIGURED)
    async with open_mock_client(app, "in_process") as client:
        access = (await _refresh(client, "rt-0")).json()["access_token"]
        await client.post("/__mock/reset")
        answer = await client.get(
            "/api/v2/prospects", headers={"Authorization": f"Bearer {access}"}
        )
    assert answer.status_code == 200


def test_the_final_outreach_401_hint_names_the_expired_fresh_token():
    from signaltui.delivery.outcomes import classify

    outcome, hint = classify("outreach", 401)
    assert outcome == "rejected"
    assert hint is not None and "refresh itself succeeded" in hint
    assert "token-expiry" in hint and "check the client id" not in hint
