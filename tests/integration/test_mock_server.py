"""The mocks over real loopback HTTP with a plain synchronous httpx client."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

import httpx
import pytest

from signaltui.mock.server import serve_in_thread


def test_one_base_url_serves_all_three_crms(mock_server):
    with httpx.Client(base_url=mock_server) as client:
        apollo = client.post(
            "/api/v1/contacts",
            json={"first_name": "Jane", "last_name": "Doe", "email": "jane@acme.com"},
            headers={"X-Api-Key": "mock-apollo-key"},
        )
        grant = client.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": "mock-refresh-token",
                "client_id": "mock-client-id",
                "client_secret": "mock-client-secret",
            },
        ).json()
        outreach = client.post(
            "/api/v2/prospects",
            json={"data": {"type": "prospect", "attributes": {"emails": ["jane@acme.com"]}}},
            headers={
                "Authorization": f"Bearer {grant['access_token']}",
                "Content-Type": "application/vnd.api+json",
            },
        )
        close = client.post("/api/v1/lead/", json={"name": "Acme"}, auth=("api_mock_close_key", ""))
    assert (apollo.status_code, outreach.status_code, close.status_code) == (200, 201, 200)
    assert apollo.json()["contact"]["email"] == "jane@acme.com"
    assert outreach.json()["data"]["attributes"]["emails"] == ["jane@acme.com"]
    assert close.json()["name"] == "Acme"


def test_dropped_connection_is_a_transport_error_and_is_not_logged(caplog):
    caplog.set_level(logging.DEBUG)
    with serve_in_thread({"faults": "flaky"}) as url, httpx.Client(base_url=url) as client:
        headers = {"X-Api-Key": "k"}
        body = {"first_name": "A", "last_name": "B"}
        assert client.post("/api/v1/contacts", json=body, headers=headers).status_code == 503
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/api/v1/contacts", json=body, headers=headers)
        assert client.post("/api/v1/contacts", json=body, headers=headers).status_code == 200
    assert not [r for r in caplog.records if "Exception in ASGI application" in r.getMessage()]


def test_server_stops_when_the_context_exits():
    with serve_in_thread() as url, httpx.Client(base_url=url) as client:
        assert client.get("/__mock/faults").status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/__mock/faults", timeout=2)


def test_mock_serve_command_announces_a_working_url(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("")
    env = {**os.environ, "SIGNALTUI_CONFIG": str(config)}
    env = {k: v for k, v in env.items() if not k.endswith(("_API_KEY", "_TOKEN", "_SECRET"))}
    code = "from signaltui.mock.cli import command; command()"
    process = subprocess.Popen(
        [
            sys.executable,
            "-u",
            "-c",
            code,
            "--port",
            "0",
            "--faults",
            "rate-limited",
            "--limits",
            "scale:60",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "faults: rate-limited" in line and "limits: scale:60" in line
        url = line.rsplit(" ", 1)[-1].strip()
        assert url.startswith("http://127.0.0.1:")
        for _ in range(100):  # the URL is announced just before uvicorn starts serving
            try:
                faults = httpx.get(url + "/__mock/faults", timeout=2).json()
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        assert faults["profile"] == "rate-limited"
        assert httpx.get(url + "/__mock/limits", timeout=2).json()["scale"] == 60.0
    finally:
        process.terminate()
        process.wait(timeout=10)
