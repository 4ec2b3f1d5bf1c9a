"""Fixtures for the TUI tests: an app on a temp store with no user config or env.

``SIGNALTUI_*`` variables are cleared and ``SIGNALTUI_CONFIG`` points at an empty file,
so neither the developer's credentials nor their config file can leak into a test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widgets import Input

from signaltui.config import Settings, load_settings
from signaltui.core.events import Event, resolve_event
from signaltui.core.plan import plan
from signaltui.delivery.outcomes import (
    AttemptRecord,
    DeliveryResult,
    RecordedRequest,
    RecordedResponse,
)
from signaltui.store import Store
from signaltui.tui.app import SignalApp
from signaltui.tui.compose_model import KNOWN_EVENTS
from signaltui.tui.samples import BUILTIN_SAMPLE

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "fixtures" / "expected"

#: The Apollo spec's example lead, as the form is filled in.
APOLLO_FORM = {
    "trait.firstName": "Tim",
    "trait.lastName": "Zheng",
    "trait.email": "tim@apollo.io",
    "trait.company": "Apollo",
    "trait.title": "Head of Growth",
    "trait.phone": "+15553031234",
    "trait.website": "https://www.apollo.io/",
    "prop.lead_source": "Website demo form",
}


def blank_event() -> dict[str, Any]:
    """A minimal track event (the first event any CRM maps) to fill in by the form."""
    return {
        "type": "track",
        "event": KNOWN_EVENTS[0],
        "traits": {},
        "properties": {},
        "context": {"consent": {}},
    }


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in list(os.environ):
        if name.startswith("SIGNALTUI_"):
            monkeypatch.delenv(name)
    config = tmp_path / "empty.toml"
    config.write_text("")
    monkeypatch.setenv("SIGNALTUI_CONFIG", str(config))
    # Never the developer's real token cache, even if a test sends to a URL target.
    monkeypatch.setenv("SIGNALTUI_TOKEN_FILE", str(tmp_path / "outreach-token.json"))
    monkeypatch.setenv("SIGNALTUI_CACHE_DIR", str(tmp_path / "cache"))
    return load_settings(db=tmp_path / "t.db")


@pytest.fixture
def make_app(settings: Settings, tmp_path: Path) -> Callable[..., SignalApp]:
    """Builds the app on the ``settings`` fixture, or on ``settings=`` loaded by a test."""
    isolated = settings

    def make(
        event: dict[str, Any] | None = None, *, settings: Settings | None = None, **kwargs: Any
    ) -> SignalApp:
        kwargs.setdefault("recordings", "recordings/")
        # No debounce wait in tests: the preview still goes through the timer path.
        kwargs.setdefault("preview_delay", 0.01)
        # The start-up thread (presets, then store, mocks, sessions) soon after Ready.
        kwargs.setdefault("start_delay", 0.01)
        app = SignalApp(settings or isolated, event=event, **kwargs)
        # The pilot waits out every animation (0.3 s per tab switch); the end state is
        # the same without them.
        app.animation_level = "none"
        return app

    return make


def seed_store(store: Store, settings: Any) -> None:
    """One delivered and one rejected Apollo delivery at fixed times."""
    resolved = resolve_event(Event.model_validate(BUILTIN_SAMPLE))
    decision = plan(resolved, "apollo", settings.mapping_config)
    contract = decision.request_contract()
    assert contract is not None
    request = RecordedRequest(**contract)
    for number, (status, outcome) in enumerate(((200, "delivered"), (422, "rejected")), 1):
        when = f"2026-11-22T10:0{number}:00.000Z"
        event_id = store.record_event(resolved.event.to_json(), resolved.merged_json(), when)
        response = RecordedResponse(status=status, body={"ok": status == 200}, latency_ms=12)
        result = DeliveryResult(
            destination="apollo",
            target="mock",
            outcome=outcome,  # type: ignore[arg-type]
            request=request,
            response=response,
            attempts=[AttemptRecord(number=1, started_at=when, request=request, response=response)],
        )
        store.record_delivery(
            event_id, decision.to_contract(), result, mode="send", created_at=when, finished_at=when
        )


def expected(destination: str) -> Any:
    """The spec's expected body for ``destination``."""
    return json.loads((EXPECTED / f"{destination}.json").read_text())


async def type_into(pilot: Pilot[Any], selector: str, text: str) -> None:
    """Fill an Input, typing the last keys of ``text`` as a person would.

    Only the tail is typed key by key (a full path typed key by key is slow); the keys
    still travel the real path: focus, key events, Input.Changed, the form's report.
    """
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    await pilot.pause()  # focusing selects all text; let that happen before filling in
    widget.value = text[:-3]
    widget.cursor_position = len(widget.value)
    await pilot.press(*[("space" if ch == " " else ch) for ch in text[-3:]])


async def wait_until(pilot: Pilot[Any], check: Callable[[], bool], tries: int = 100) -> None:
    """Let the app run until ``check()`` holds (fails the test if it never does)."""
    for _ in range(tries):
        if check():
            return
        await pilot.pause(0.05)
    assert check(), "condition never became true"


async def answer_plan(pilot: Pilot[Any], button: str = "#plan-send") -> None:
    """Wait for the send plan dialog a send run opens first, then press ``button``."""
    from signaltui.tui.screens.plan_modal import PlanScreen

    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PlanScreen))
    await pilot.click(button)


Runner = Callable[[Pilot[Any]], Awaitable[None]]


def node_styles(root: DOMNode) -> dict[int, Any]:
    """Every node's own style rules and its component classes', by node, for comparing
    what a styling pass did (or would have done) under ``root``."""
    return {
        id(node): (
            repr(node),
            dict(node.styles.base._rules),
            {name: dict(s.base._rules) for name, s in node._component_styles.items()},
        )
        for node in root.walk_children(with_self=True)
    }


def row_text(table: Any, row: int) -> list[str]:
    """The cells of ``table``'s row ``row`` as plain text (cells holding lead data are
    Rich ``Text``, so brackets in it are shown, not read as markup)."""
    return [str(cell) for cell in table.get_row_at(row)]
