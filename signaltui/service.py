"""Plan → send → store: the one delivery path the CLI, the TUI and replay all use.

Front ends never branch on the target: :class:`DeliverySession` turns a target into a
base URL or an in-process transport once, and every delivery then takes the same path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from signaltui.config import Settings
from signaltui.core.decision import Decision
from signaltui.core.events import ResolvedEvent
from signaltui.core.request import OutboundRequest
from signaltui.delivery.client import DeliveryClient
from signaltui.delivery.outcomes import DeliveryResult, drop_hint
from signaltui.delivery.tokenstore import FileTokenStore, MemoryTokenStore, TokenStore
from signaltui.errors import DeliveryError
from signaltui.recordings.redact import scrub_result
from signaltui.targets import Target

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from signaltui.store import Store
    from signaltui.store.writer import StoreWriter


def utc_now() -> str:
    """Now as ISO 8601 UTC with milliseconds, the store's timestamp format."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class SentDelivery:
    """One delivery's result and where it was stored (ids are None without a store)."""

    decision: Decision
    result: DeliveryResult
    event_id: int | None = None
    delivery_id: int | None = None


def dropped_result(decision: Decision, target: Target) -> DeliveryResult:
    """The result of a delivery the core decided not to make."""
    return DeliveryResult(
        destination=decision.destination,
        target=target.label,
        outcome="dropped",
        reason=decision.reason,
        hint=drop_hint(decision.destination, decision.reason),
    )


class DeliverySession:
    """Sends decided requests to one target and stores what happened.

    Live sends need the destination's credentials and ``live_confirmed``; the mock and
    URL targets fill unset credentials with placeholders the mocks accept (docs/mock-crms.md).
    The in-process mock keeps its state for the whole session, as a real CRM would.
    """

    def __init__(
        self,
        settings: Settings,
        target: Target,
        *,
        store: Store | None = None,
        live_confirmed: bool = False,
        mock_app: Starlette | None = None,
        rate_limit: bool | None = None,
        client_options: dict[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        self.target = target
        self.store = store
        self._live_confirmed = live_confirmed
        self.mock_app = mock_app
        transport = None
        if target.kind == "mock":
            from signaltui.mock import create_app, mock_transport

            if self.mock_app is None:
                self.mock_app = create_app(settings.credentials, limits=settings.mock_limits)
            transport = mock_transport(self.mock_app)
        # Live CRMs (and other remote URLs) are paced by their documented limits; a mock
        # on this machine only by what its own rate headers say, which every target obeys.
        pace = rate_limit if rate_limit is not None else not target.is_loopback
        delivery = settings.delivery
        credentials = settings.credentials
        if not target.is_live:
            credentials = credentials.with_mock_placeholders()
        # A target may echo credentials back; results are scrubbed of these before they
        # are printed, shown or stored (the store masks them again on its own).
        self._secrets = tuple(credentials.secret_values())
        if store is not None:
            store.add_secrets(self._secrets)
        # Started with the first delivery to store (see signaltui.store.writer).
        self._writer: StoreWriter | None = None
        # Tokens are cached per base URL. A mock server rotates refresh tokens like the
        # real API, so the next process must find the rotated one: only the in-process
        # mock (which lives and dies with this session) keeps tokens in memory.
        token_store: TokenStore = (
            MemoryTokenStore() if target.kind == "mock" else FileTokenStore(settings.token_file)
        )
        # The in-process mock keeps the real CRM URLs: only the transport differs, so a
        # recording made against it verifies against today's plan unchanged.
        base_url = target.base_url if target.kind == "url" else None
        self._client = DeliveryClient(
            delivery,
            credentials,
            transport=transport,
            base_url=base_url,
            token_store=token_store,
            documented_pacing=pace,
            **(client_options or {}),
        )

    async def __aenter__(self) -> DeliverySession:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connection pool, after the store writes already handed over."""
        try:
            await self._client.aclose()
        finally:
            if self._writer is not None:
                self._writer.close()

    def check_live(self, decision: Decision) -> None:
        """Refuse a live send without confirmation or without the destination's credentials."""
        if not self.target.is_live or decision.action != "deliver":
            return
        if not self._live_confirmed:
            raise DeliveryError(
                "live sends need confirmation",
                where="--target live",
                hint="add --yes (or confirm in the app); live sends reach the real CRM",
            )
        if not self.settings.credentials.configured_for(decision.destination):  # type: ignore[arg-type]
            raise DeliveryError(
                f"no {decision.destination} credentials configured for a live send",
                where="--target live",
                hint=f"set the SIGNALTUI_{decision.destination.upper()}_* variables (see README)",
            )

    async def look_up(self, destination: str, create: OutboundRequest) -> tuple[bool, str | None]:
        """Read-only: whether the target already holds the lead ``create`` would make, as
        ``(answered, found id)`` (see :meth:`DeliveryClient.look_up`); nothing is stored.
        A live target without the destination's credentials is not asked."""
        if self.target.is_live and not self.settings.credentials.configured_for(
            destination  # type: ignore[arg-type]
        ):
            return False, None
        return await self._client.look_up(create, destination, target_label=self.target.label)

    async def deliver(
        self,
        resolved: ResolvedEvent,
        decision: Decision,
        *,
        mode: str = "send",
        run_id: int | None = None,
        replay_of: str | None = None,
        exchange_key: str | None = None,
        event_id: int | None = None,
        look_first: bool = False,
    ) -> SentDelivery:
        """Send ``decision`` (or record its drop) and store event, delivery and attempts.

        ``look_first`` asks the CRM whether it already has the lead before sending (for a
        re-send of a deferred delivery).
        """
        self.check_live(decision)
        if self.store is None:
            _, result = await self._send(decision, look_first)
            return SentDelivery(decision=decision, result=result)
        store = self.store
        if self._writer is None:
            from signaltui.store.writer import StoreWriter

            self._writer = StoreWriter(store)
        # Expected from the send on, so deliveries finishing close together are
        # committed in one transaction (see signaltui.store.writer). Awaited until
        # committed, so what a run reports done is stored (resume after kill -9).
        with self._writer.expect():
            started, result = await self._send(decision, look_first)
            # The rows are built (and redacted) here, committed by the writer.
            event_json = resolved.event.to_json()
            prepared = store.prepare_sent(
                event_json,
                resolved.merged_json(event_json),
                decision.to_contract(),
                result,
                mode=mode,
                event_id=event_id,
                received_at=started,
                run_id=run_id,
                replay_of=replay_of,
                exchange_key=exchange_key,
                scrubbed_of=self._secrets,  # not scrubbed twice for the same secrets
            )
            stored_event, delivery_id = await self._writer.write(prepared)
        return SentDelivery(decision, result, stored_event, delivery_id)

    async def _send(self, decision: Decision, look_first: bool) -> tuple[str, DeliveryResult]:
        """When the send started, and its result scrubbed of this session's secrets (a
        drop is recorded, not sent)."""
        started = utc_now()
        if decision.action == "deliver" and decision.request is not None:
            result = await self._client.deliver(
                decision.request,
                decision.destination,
                target_label=self.target.label,
                look_first=look_first,
            )
        else:
            result = dropped_result(decision, self.target)
        return started, scrub_result(result, self._secrets)


@dataclass(frozen=True)
class DeferredResend:
    """What :func:`resend_due_deferred` did: the new deliveries and what is left for later."""

    sent: list[SentDelivery]
    not_due: int
    next_due: str | None
    skipped_live: int = 0


async def resend_due_deferred(
    store: Store,
    session_for: Callable[[Target], DeliverySession],
    *,
    now: str | None = None,
) -> DeferredResend:
    """Send again every stored deferred delivery whose ``retry_at`` has passed.

    Each goes to its own target, re-planned with today's mapping, looking first (its
    create may have been applied), stored as a new delivery with ``replay_of`` set to
    ``delivery-<id>``, so it is sent again only once. Live ones are left to the CLI
    (``replay --mode send --target live`` asks for confirmation); ``session_for`` gives
    the session for a mock or URL target.
    """
    from signaltui.core.events import Event, resolve_event
    from signaltui.core.plan import plan
    from signaltui.targets import parse_target

    moment = now or utc_now()
    sent: list[SentDelivery] = []
    not_due, next_due, live = 0, None, 0
    for row in store.deferred_open():
        if row.retry_at and row.retry_at > moment:
            not_due += 1
            next_due = min(next_due or row.retry_at, row.retry_at)
            continue
        target = parse_target(row.target)
        if target.is_live:
            live += 1
            continue
        session = session_for(target)
        event = store.get_event(row.event_id)
        resolved = resolve_event(Event.model_validate(event.merged or event.raw))
        decision = plan(resolved, row.destination, session.settings.mapping_config)  # type: ignore[arg-type]
        sent.append(
            await session.deliver(
                resolved,
                decision,
                replay_of=f"delivery-{row.id}",
                event_id=row.event_id,
                look_first=True,
            )
        )
    return DeferredResend(sent, not_due, next_due, live)


def recent_event_payloads(store: Store, limit: int = 1000) -> list[dict[str, Any]]:
    """The latest ``limit`` stored events as event JSON (traits merged when known).

    What the TUI's Blueprints tab plans again to say how many stored requests an overlay
    would change; the TUI reads the store through this layer only.
    """
    return [row.merged or row.raw for row in store.list_events(limit=limit)]
