"""80x24 works: nothing that matters is cut off or wider than the screen."""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import DataTable, Static, TextArea

from signaltui.store import Store
from signaltui.tui.screens.detail import DeliveryDetailScreen
from tests.tui.conftest import row_text, seed_store

SIZE = (80, 24)


def on_screen(widget: Widget) -> bool:
    """Whether ``widget`` is shown whole within the 80x24 terminal."""
    region = widget.region
    inside = region.x >= 0 and region.right <= SIZE[0] and region.bottom <= SIZE[1]
    return region.width > 0 and inside


def rendered(widget: Widget) -> str:
    """The text ``widget`` draws at its size, line by line (wrapped as on screen)."""
    lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(line.text for line in lines)


@pytest.fixture
def app(make_app, settings):
    store = Store.open(settings.db)
    seed_store(store, settings)
    event = {
        "type": "track",
        "event": "Demo Requested",
        "traits": {"email": "jane@acme.com", "phone": "not a phone"},
        "context": {"consent": {"marketing": True}},
    }
    return make_app(event, store=store)


async def test_every_part_fits_80x24(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.has_class("-narrow")
        editor = app.query_one("#event-json", TextArea)
        assert editor.region.width >= 30 and on_screen(editor)
        assert on_screen(app.query_one("#verdicts"))

        await pilot.press("f3")
        assert on_screen(app.query_one("#decision-apollo .trace-pane"))
        text = rendered(app.query_one("#decision-apollo .trace", Static))
        assert "why omitted" in text and "✗ omitted" in text  # the column is there

        await pilot.press("f5")
        table = app.query_one("#history-table", DataTable)
        await pilot.pause()
        widths = [column.get_render_width(table) for column in table.ordered_columns]
        labels = [str(column.label) for column in table.ordered_columns]
        outcome = labels.index("outcome")
        assert sum(widths[: outcome + 1]) <= table.content_region.width  # not cut to "del"
        assert {row_text(table, row)[outcome] for row in range(2)} == {"delivered", "rejected"}

        await pilot.press("enter")
        assert isinstance(app.screen, DeliveryDetailScreen)
        await pilot.pause()
        dialog = app.screen.query_one(".dialog")
        assert on_screen(dialog)
        assert on_screen(app.screen.query_one("#load"))  # its buttons too


async def test_wide_screens_keep_panes_side_by_side(app) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.screen.has_class("-wide")
        await pilot.press("f3")
        request = app.query_one("#decision-apollo .request-pane")
        trace = app.query_one("#decision-apollo .trace-pane")
        assert request.region.right <= trace.region.x  # beside, not above
        assert trace.region.right <= 120
        assert "✗ omitted" in rendered(app.query_one("#decision-apollo .trace", Static))
