"""One stored delivery in full: outcome and hint, request beside response, attempts."""

from __future__ import annotations

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from signaltui.delivery.outcomes import DeliveryResult
from signaltui.errors import StoreError, first_error
from signaltui.store import DeliveryDetail
from signaltui.tui.render import attempts_view, exchange_views, outcome_line


def stored_result(detail: DeliveryDetail) -> DeliveryResult:
    """``detail`` as the :class:`DeliveryResult` the Send tab's renderers take.

    A stored delivery carries every result field under the same name, so it is read as
    one. Raises :class:`StoreError` for a row signaltui never writes (an unknown outcome,
    e.g. a store edited by hand) instead of failing while the screen is drawn.
    """
    try:
        return DeliveryResult.model_validate(detail, from_attributes=True)
    except ValidationError as exc:
        field, problem = first_error(exc)
        raise StoreError(
            f"cannot show it: {field}: {problem}",
            where=f"stored delivery {detail.id}",
            hint="the row was changed outside signaltui",
        ) from exc


class DeliveryDetailScreen(ModalScreen[str | None]):
    """Dismisses with ``"load"``, ``"resend"`` or ``None``.

    Raises :class:`StoreError` when ``detail`` cannot be shown (see :func:`stored_result`).
    """

    BINDINGS = [
        Binding("escape", "dismiss_with(None)", "Close"),
        Binding("l", "dismiss_with('load')", "Load into composer"),
        Binding("r", "dismiss_with('resend')", "Re-send"),
    ]

    def __init__(self, detail: DeliveryDetail) -> None:
        super().__init__()
        self.detail = detail
        self.result = stored_result(detail)

    def compose(self) -> ComposeResult:
        detail = self.detail
        result = self.result
        request, response = exchange_views(result)
        title = Text(
            f"Delivery {detail.id} · {detail.event or '-'} · {detail.email or '-'}", "bold"
        )
        with Vertical(classes="dialog wide"):
            yield Static(title)
            yield Static(outcome_line(result), classes="outcome")
            with VerticalScroll():
                with Horizontal(classes="exchange-row"):
                    yield Static(request, classes="exchange")
                    yield Static(response, classes="exchange")
                yield Static(attempts_view(result), classes="attempts")
            with Horizontal(classes="buttons"):
                yield Button("Load into composer (l)", id="load", variant="primary")
                yield Button("Re-send (r)", id="resend", variant="warning")
                yield Button("Close (esc)", id="close")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id if event.button.id in ("load", "resend") else None)

    def action_dismiss_with(self, value: str | None) -> None:
        self.dismiss(value)
