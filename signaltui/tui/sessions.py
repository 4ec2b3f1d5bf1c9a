"""Delivery sessions the app keeps open per target, and the send helper the UI calls.

Sessions live as long as the app: the in-process mock keeps its state across sends
(as a real CRM would), and the Outreach refresh token the mock rotates on first use
stays with the session that received the new one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from signaltui.config import Settings
from signaltui.core.events import parse_event, resolve_event
from signaltui.core.plan import plan
from signaltui.service import DeliverySession, SentDelivery
from signaltui.store import Store
from signaltui.targets import Target


class SessionPool:
    """One :class:`DeliverySession` per non-live target; live ones are made per send."""

    def __init__(self, settings: Settings, store: Store | None, mock_app: Any) -> None:
        self.settings = settings
        self.store = store
        self.mock_app = mock_app
        self._sessions: dict[str, DeliverySession] = {}

    def session(self, target: Target, *, live_confirmed: bool = False) -> DeliverySession:
        """The session for ``target`` (a fresh one for live, which needs confirmation)."""
        if target.is_live:
            return DeliverySession(
                self.settings, target, store=self.store, live_confirmed=live_confirmed
            )
        if target.label not in self._sessions:
            self._sessions[target.label] = DeliverySession(
                self.settings, target, store=self.store, mock_app=self.mock_app
            )
        return self._sessions[target.label]

    async def send(
        self,
        event: dict[str, Any],
        destinations: Iterable[str],
        target: Target,
        *,
        live_confirmed: bool = False,
    ) -> list[SentDelivery]:
        """Plan ``event`` for each destination and deliver it; errors are SignaltuiErrors."""
        resolved = resolve_event(parse_event(event, where="composer"))
        session = self.session(target, live_confirmed=live_confirmed)
        config = self.settings.mapping_config
        decisions = [plan(resolved, d, config) for d in destinations]  # type: ignore[arg-type]
        for decision in decisions:  # refuse before anything is sent, not half-way
            session.check_live(decision)
        sent: list[SentDelivery] = []
        event_id: int | None = None
        try:
            for decision in decisions:
                delivery = await session.deliver(resolved, decision, event_id=event_id)
                event_id = delivery.event_id
                sent.append(delivery)
        finally:
            if target.is_live:
                await session.aclose()
        return sent

    async def reset(self, settings: Settings | None = None) -> None:
        """Close every session (e.g. after a settings change); new ones use ``settings``."""
        if settings is not None:
            self.settings = settings
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            await session.aclose()
