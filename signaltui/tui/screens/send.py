"""The Send tab: choose a target, send the composed event, see request beside response."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, RadioButton, RadioSet, Select, Static

from signaltui.core.request import DESTINATIONS
from signaltui.errors import SignaltuiError
from signaltui.service import SentDelivery
from signaltui.targets import Target, parse_target
from signaltui.tui.render import attempts_view, exchange_views, outcome_line
from signaltui.tui.screens.modals import ConfirmScreen

if TYPE_CHECKING:
    from signaltui.tui.app import SignalApp

LIVE_WARNING = (
    "LIVE TARGET — sends reach the real Apollo / Outreach / Close APIs with your "
    "credentials and create real records. Each send asks for confirmation."
)


class SendPane(Vertical):
    """Sends through the app's :class:`SessionPool`, in a worker so the UI never blocks."""

    class Sent(Message):
        """Deliveries were made (the History tab refreshes)."""

        def __init__(self, sent: list[SentDelivery]) -> None:
            super().__init__()
            self.sent = sent

    def compose(self) -> ComposeResult:
        yield Static(LIVE_WARNING, id="live-banner")
        with Horizontal(classes="toolbar send-row"):
            yield Static("Target", classes="label")
            with RadioSet(id="target-kind", compact=True):
                yield RadioButton("In-process mock", id="target-mock", value=True, compact=True)
                yield RadioButton("Mock server URL", id="target-url", compact=True)
                yield RadioButton("Live APIs", id="target-live", compact=True)
        with Horizontal(classes="toolbar send-row"):
            yield Static("URL", classes="label")
            yield Input(
                placeholder="http://127.0.0.1:8765 (Mocks tab: start a server)",
                id="target-url-input",
                compact=True,
            )
        with Horizontal(classes="toolbar send-row"):
            yield Static("CRM", classes="label")
            yield Select(
                [("all CRMs", "all"), *[(d, d) for d in DESTINATIONS]],
                value="all",
                allow_blank=False,
                id="send-destination",
                compact=True,
            )
            yield Button("Send  ^r", id="send-button", variant="primary", compact=True)
        yield Static("Ready: press ctrl+r to send the composed event.", id="send-status")
        yield VerticalScroll(id="send-results")

    @property
    def signal_app(self) -> SignalApp:
        return cast("SignalApp", self.app)

    def on_mount(self) -> None:
        self.query_one("#live-banner").display = False

    def target_kind(self) -> str:
        pressed = self.query_one("#target-kind", RadioSet).pressed_button
        return (pressed.id if pressed and pressed.id else "target-mock").removeprefix("target-")

    def target(self) -> Target:
        """The chosen target; :class:`InputError` for a bad URL."""
        kind = self.target_kind()
        if kind == "url":
            return parse_target(self.query_one("#target-url-input", Input).value or "?")
        return parse_target(kind)

    def use_url(self, url: str) -> None:
        """Aim at a mock server (called when one is started on the Mocks tab)."""
        self.query_one("#target-url-input", Input).value = url

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        live = self.target_kind() == "live"
        self.query_one("#live-banner").display = live
        self.set_class(live, "-live")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "send-button":
            self.start_send()

    def start_send(self, destinations: Sequence[str] | None = None) -> None:
        """Send the composed event; live targets ask for confirmation first.

        Refused while the JSON editor holds invalid JSON: the last valid event is not
        what the person sees in the editor.
        """
        if self.signal_app.refuse_invalid("sent"):
            self.query_one("#send-status", Static).update("Not sent: the event JSON is invalid.")
            return
        try:
            target = self.target()
        except SignaltuiError as error:
            self.app.notify(error.render(), title="Bad target", severity="error")
            return
        chosen = self.query_one("#send-destination", Select).value
        names = list(destinations or (DESTINATIONS if chosen == "all" else [str(chosen)]))
        if not target.is_live:
            self._send(target, names, False)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._send(target, names, True)
            else:
                self.query_one("#send-status", Static).update("Live send cancelled.")

        question = (
            f"Send this event to the LIVE {', '.join(names)} API(s)?\n\n"
            "This creates real records in your CRM accounts."
        )
        self.app.push_screen(ConfirmScreen(question, yes="Send live", danger=True), confirmed)

    @work(exclusive=True, group="send", exit_on_error=False)
    async def _send(self, target: Target, names: list[str], live_confirmed: bool) -> None:
        status = self.query_one("#send-status", Static)
        status.update(Text(f"Sending to {target.label}: {', '.join(names)} …"))
        try:
            await self.signal_app.services.ready()  # at start-up: wait for the mock, store
            sent = await self.signal_app.sessions.send(
                self.signal_app.event, names, target, live_confirmed=live_confirmed
            )
        except SignaltuiError as error:
            status.update(Text(f"Not sent: {error.message}"))
            self.app.notify(error.render(), title="Not sent", severity="error", timeout=10)
            return
        except Exception as error:  # a bug, but the app must stay usable
            status.update("Not sent: unexpected error")
            self.app.notify(f"Unexpected error: {error!r}", severity="error", timeout=10)
            return
        summary = ", ".join(f"{s.decision.destination} {s.result.outcome}" for s in sent)
        status.update(Text(f"Sent to {target.label}: {summary}"))
        await self.show_results(sent)
        self.post_message(self.Sent(sent))

    async def show_results(self, sent: list[SentDelivery]) -> None:
        """Outcome and hint, then the request beside the response, per destination."""
        results = self.query_one("#send-results", VerticalScroll)
        await results.remove_children()
        widgets: list[Any] = []
        for delivery in sent:
            result = delivery.result
            request, response = exchange_views(result)
            widgets.append(Static(outcome_line(result), classes="outcome"))
            widgets.append(
                Horizontal(
                    Static(request, classes="exchange"),
                    Static(response, classes="exchange"),
                    classes="exchange-row",
                )
            )
            if len(result.attempts) > 1:
                widgets.append(Static(attempts_view(result), classes="attempts"))
        await results.mount_all(widgets)
