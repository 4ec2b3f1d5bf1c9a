"""No credential reaches a rendered screen, the clipboard, a log line or a file written.

The app gets distinctive fake credentials (as ``SIGNALTUI_*`` variables, the way a
person configures them) and a full session is driven through the pilot: compose,
preview every CRM and copy it as curl, send to the in-process mock and to a loopback
mock server, open History and a delivery, replay a recording (verify and send), look
at the Mocks journal entry by entry, Settings and Help. After each step the screen is
exported as SVG and the text of every widget of every open screen is collected
(off-screen parts included); none may hold a secret, nor the Basic-auth form of the
Close key.
"""

from __future__ import annotations

import base64
import html
import io
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.text import Text
from textual.content import Content
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, RadioButton, Select, Static, TextArea

from signaltui.config import Settings, load_settings
from signaltui.tui.app import SignalApp
from signaltui.tui.screens.detail import DeliveryDetailScreen
from tests.tui.conftest import answer_plan, type_into, wait_until
from tests.tui.test_app_tabs import write_recording

SECRETS = {
    "SIGNALTUI_APOLLO_API_KEY": "sk-APOLLO-SECRET-4f9a1c77e0",
    "SIGNALTUI_OUTREACH_CLIENT_ID": "OUTREACH-CLIENT-ID-SECRET-8b21d",
    "SIGNALTUI_OUTREACH_CLIENT_SECRET": "OUTREACH-CLIENT-SECRET-93fe0a",
    "SIGNALTUI_OUTREACH_REFRESH_TOKEN": "OUTREACH-REFRESH-SECRET-51c6b2",
    "SIGNALTUI_CLOSE_API_KEY": "api_CLOSE_SECRET_7d3e990b",
}


def forbidden() -> list[str]:
    """Every secret as configured, and the Close key as its Basic-auth header carries it."""
    close = SECRETS["SIGNALTUI_CLOSE_API_KEY"]
    basic = base64.b64encode(f"{close}:".encode()).decode("ascii")
    # A base64 run is also found inside a longer one when it starts at a 3-byte boundary.
    return [*SECRETS.values(), basic, basic.rstrip("=")]


def leaks(text: str) -> list[str]:
    """The forbidden strings found in ``text``."""
    return [secret for secret in forbidden() if secret in text]


_CONSOLE = Console(file=io.StringIO(), width=400, record=True, color_system=None)


def _plain(renderable: Any) -> str:
    """Any Rich renderable or Textual content as plain text, at a generous width."""
    if isinstance(renderable, str | Content | Text):
        return str(renderable)
    _CONSOLE.print(renderable)
    return _CONSOLE.export_text(clear=True)


def widget_text(widget: Widget) -> str:
    """What ``widget`` shows or holds, scrolled-off parts included."""
    parts: list[str] = []
    if isinstance(widget, Static):
        parts.append(_plain(widget.content))
    if isinstance(widget, Input):
        parts.append(widget.value)
    if isinstance(widget, TextArea):
        parts.append(widget.text)
    if isinstance(widget, Button):
        parts.append(str(widget.label))
    if isinstance(widget, Select):
        parts.append(str(widget.value))
    if isinstance(widget, DataTable):
        for row in range(widget.row_count):
            parts.extend(_plain(cell) for cell in widget.get_row_at(row))
    return "\n".join(parts)


def screen_texts(app: SignalApp) -> dict[str, str]:
    """The SVG screenshot (raw, and as plain text) and the text of every widget."""
    svg = app.export_screenshot()
    visible = html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
    widgets = "\n".join(
        widget_text(widget) for screen in app.screen_stack for widget in screen.query("*")
    )
    return {"svg": svg, "svg text": visible, "widgets": widgets}


class Session:
    """Drives the app and checks every step's screens for secrets."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.app: SignalApp = pilot.app  # type: ignore[assignment]
        self.looked: list[str] = []

    async def look(self, step: str) -> str:
        """Check the screens now; returns the widget text for further assertions."""
        await self.pilot.pause()
        texts = screen_texts(self.app)
        for kind, text in texts.items():
            assert not leaks(text), f"{step}: a secret is on screen ({kind})"
        self.looked.append(step)
        return texts["widgets"]

    async def send(self, kind: str) -> None:
        """Send the composed event to every CRM at target ``kind`` (mock or url)."""
        await self.pilot.press("f4")
        self.app.query_one(f"#target-{kind}", RadioButton).value = True
        status = self.app.query_one("#send-status", Static)
        before = str(status.content)
        await self.pilot.press("ctrl+r")
        await wait_until(
            self.pilot, lambda: str(status.content) != before and "Sent to" in str(status.content)
        )
        assert "outreach delivered" in str(status.content), str(status.content)
        assert "close delivered" in str(status.content), str(status.content)
        await self.look(f"send to {kind}")

    async def each_row(self, table_id: str, step: str) -> str:
        """Highlight every row of a table in turn (its detail pane shows the entry).

        Returns the widget text of all those looks together.
        """
        table = self.app.query_one(table_id, DataTable)
        table.focus()
        seen = []
        for row in range(table.row_count):
            table.move_cursor(row=row)
            seen.append(await self.look(f"{step} row {row}"))
        return "\n".join(seen)


@pytest.fixture
def secret_settings(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The secrets set after ``settings`` has cleaned the environment, and loaded."""
    for name in SECRETS:
        monkeypatch.setenv(name, SECRETS[name])
    return load_settings(db=tmp_path / "t.db", token_file=tmp_path / "outreach-token.json")


async def test_a_full_session_never_shows_or_logs_a_secret(
    make_app, secret_settings, tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, uvicorn's and httpx's included
    recording = tmp_path / "rec.jsonl"
    write_recording(recording)
    app = make_app(settings=secret_settings, recordings=str(recording))
    assert app.settings.credentials.get("close_api_key") == SECRETS["SIGNALTUI_CLOSE_API_KEY"]
    async with app.run_test(size=(120, 40)) as pilot:
        session = Session(pilot)
        await session.look("compose")
        await type_into(pilot, "#f-trait-lastName", "Zheng-Lovelace")

        # Preview: each CRM, copied as curl; the clipboard holds the masked command
        await pilot.press("f3")
        for crm in ("apollo", "outreach", "close"):
            app.query_one("#preview-tabs").active = f"preview-{crm}"  # type: ignore[attr-defined]
            await pilot.press("ctrl+y")
            assert app.clipboard.startswith("curl -X POST"), crm
            assert "***" in app.clipboard and not leaks(app.clipboard), crm
            shown = await session.look(f"preview {crm} with curl")
            assert app.clipboard in shown  # the copied command is also on screen

        # Send: the in-process mock, then a loopback mock server (token cache on disk)
        await session.send("mock")
        await pilot.press("f7")
        await session.look("mocks")
        await pilot.click("#mock-server-toggle")
        url = app.query_one("#target-url-input", Input)
        await wait_until(pilot, lambda: url.value.startswith("http://127.0.0.1:"))
        await session.send("url")
        await pilot.press("f7")
        # Every request the in-process mock received, as shown entry by entry; the
        # Outreach token exchange carries the client secret and refresh token in its body.
        await wait_until(pilot, lambda: app.query_one("#mock-journal", DataTable).row_count > 0)
        journal = await session.each_row("#mock-journal", "mock journal")
        assert '"client_secret": "***"' in journal  # the token exchange, masked
        assert '"x-api-key": "***"' in journal.lower()
        app.query_one("#mock-which", Select).value = "server"
        await wait_until(pilot, lambda: app.query_one("#mock-journal", DataTable).row_count > 0)
        await session.each_row("#mock-journal", "server journal")
        await pilot.pause(0.3)  # a Button ignores presses during its 0.2 s press effect
        await pilot.click("#mock-server-toggle")
        await wait_until(pilot, lambda: not app.mock_server.running)
        app.query_one("#target-mock", RadioButton).value = True  # for the replay below

        # History and a delivery in full (request and response headers, attempts)
        await pilot.press("f5")
        table = app.query_one("#history-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 6)
        await session.look("history")
        for row in range(3):  # newest first: the server send, one delivery per CRM
            table.focus()
            table.move_cursor(row=row)
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, DeliveryDetailScreen))
            shown = await session.look(f"delivery detail {row}")
            assert re.search(r"(X-Api-Key|Authorization): (Basic |Bearer )?\*\*\*", shown)
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, DeliveryDetailScreen))

        # Replay: verify, then re-send through the in-process mock
        await pilot.press("f6")
        summary = app.query_one("#replay-summary", Static)
        for mode in ("verify", "send"):
            app.query_one("#replay-mode", Select).value = mode
            await pilot.click("#replay-run")
            if mode == "send":
                await answer_plan(pilot)
            await wait_until(pilot, lambda m=mode: f"{m}: 2 exchange(s)" in str(summary.content))
            await session.each_row("#replay-table", f"replay {mode}")

        await pilot.press("f8")
        settings_text = await session.look("settings")
        assert "configured ✓" in settings_text
        await pilot.press("f1")
        await session.look("help")
        await pilot.press("escape")

    assert len(session.looked) > 20
    logged = caplog.text + "".join(capsys.readouterr())
    assert not leaks(logged), "a secret reached a log line or the terminal output"
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(path.name == "outreach-token.json" for path in written)  # the server send
    for path in written:
        data = path.read_bytes()
        found = [secret for secret in forbidden() if secret.encode() in data]
        assert not found, f"{path.name} holds a secret"
