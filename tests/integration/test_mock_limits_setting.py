"""``mock_limits`` (SIGNALTUI_MOCK_LIMITS): the in-process mocks' rate-limit enforcement."""

from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.config import load_settings
from signaltui.mock import mock_transport
from signaltui.service import DeliverySession
from signaltui.targets import parse_target
from tests.helpers import FIXTURES


async def _policy(monkeypatch: pytest.MonkeyPatch, value: str | None) -> dict[str, object]:
    if value is not None:
        monkeypatch.setenv("SIGNALTUI_MOCK_LIMITS", value)
    session = DeliverySession(load_settings(), parse_target("mock"))
    transport = mock_transport(session.mock_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as client:
        return (await client.get("/__mock/limits")).json()


async def test_in_process_mocks_enforce_the_real_limits_by_default(monkeypatch) -> None:
    policy = await _policy(monkeypatch, None)
    assert policy["enforce"] is True and policy["scale"] == 1.0


@pytest.mark.parametrize(
    ("value", "enforce", "scale"), [("off", False, 1.0), ("scale:60", True, 60.0)]
)
async def test_the_setting_reaches_the_in_process_mock(monkeypatch, value, enforce, scale) -> None:
    policy = await _policy(monkeypatch, value)
    assert (policy["enforce"], policy["scale"]) == (enforce, scale)


def test_a_bad_value_is_a_config_error(monkeypatch) -> None:
    monkeypatch.setenv("SIGNALTUI_MOCK_LIMITS", "sometimes")
    result = CliRunner().invoke(main, ["preview", str(FIXTURES / "events" / "demo-requested.json")])
    assert result.exit_code == 2
    assert "mock_limits" in result.output and "scale:F" in result.output
