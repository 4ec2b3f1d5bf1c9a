"""Send, History and re-send: through the in-process mock, stored in a temp store."""

from __future__ import annotations

from textual.widgets import DataTable, RadioButton, Static

from signaltui.store import Store
from signaltui.tui.screens.detail import DeliveryDetailScreen
from signaltui.tui.screens.history import COLUMNS
from signaltui.tui.screens.modals import ConfirmScreen
from tests.tui.conftest import APOLLO_FORM, blank_event, row_text, type_into, wait_until


def _apollo_event(**traits: str) -> dict:
    event = blank_event()
    event["event"] = "Demo Requested"
    event["traits"] = {
        key.removeprefix("trait."): value
        for key, value in APOLLO_FORM.items()
        if key.startswith("trait.")
    }
    event["traits"].update(traits)
    event["context"]["consent"]["marketing"] = True
    return event


async def _select_destination(pilot, destination: str) -> None:
    from textual.widgets import Select

    await pilot.press("f4")  # the Send tab is built when first opened
    pilot.app.query_one("#send-destination", Select).value = destination
    await pilot.pause()


async def test_send_to_the_in_process_mock_delivers_and_stores(make_app, settings) -> None:
    app = make_app(_apollo_event())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+r")
        status = app.query_one("#send-status", Static)
        await wait_until(pilot, lambda: "Sent to mock" in str(status.content))
        assert "apollo delivered" in str(status.content)
        assert "outreach delivered" in str(status.content)
        assert "close delivered" in str(status.content)
        outcomes = [str(w.content) for w in app.query(".outcome").results(Static)]
        assert any("apollo · delivered" in text for text in outcomes)
        # the History tab lists the stored deliveries
        await pilot.press("f5")
        table = app.query_one("#history-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 3)
    with Store.open(settings.db) as store:
        rows = store.list_deliveries(destination="apollo")
        assert [row.outcome for row in rows] == ["delivered"]
        assert rows[0].email == "tim@apollo.io"


async def test_failed_delivery_is_shown_in_history_and_resent_after_fixing(
    make_app, settings
) -> None:
    event = _apollo_event()
    del event["traits"]["lastName"]
    app = make_app(event)
    async with app.run_test(size=(120, 40)) as pilot:
        await _select_destination(pilot, "apollo")
        await pilot.press("ctrl+r")
        status = app.query_one("#send-status", Static)
        await wait_until(pilot, lambda: "apollo rejected" in str(status.content))
        outcome = str(app.query(".outcome").results(Static).__next__().content)
        assert "hint:" in outcome and "last name" in outcome

        # History shows it; filter to the rejected ones and open it
        await pilot.press("f5")
        table = app.query_one("#history-table", DataTable)
        await type_into(pilot, "#history-email", "tim@apollo.io")
        await wait_until(pilot, lambda: table.row_count == 1)
        row = dict(zip(COLUMNS, row_text(table, 0), strict=True))
        assert (row["outcome"], row["HTTP"]) == ("rejected", "422")
        # re-send it as stored: still rejected, as nothing was fixed yet
        table.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DeliveryDetailScreen))
        await pilot.press("r")
        await wait_until(pilot, lambda: table.row_count == 2)

        # load it back into the composer, fix the last name, send again
        await pilot.press("f5")
        table.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DeliveryDetailScreen))
        await pilot.press("l")
        await wait_until(pilot, lambda: not isinstance(app.screen, DeliveryDetailScreen))
        assert "lastName" not in app.event["traits"]
        await type_into(pilot, "#f-trait-lastName", "Zheng")
        await wait_until(pilot, lambda: app.event["traits"].get("lastName") == "Zheng")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "apollo delivered" in str(status.content))
        await wait_until(pilot, lambda: table.row_count == 3)
    with Store.open(settings.db) as store:
        outcomes = [row.outcome for row in store.list_deliveries(destination="apollo")]
    assert outcomes == ["delivered", "rejected", "rejected"]


async def test_live_target_shows_a_banner_and_needs_confirmation(make_app, settings) -> None:
    app = make_app(_apollo_event())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f4")
        banner = app.query_one("#live-banner", Static)
        assert not banner.display
        app.query_one("#target-live", RadioButton).value = True
        await wait_until(pilot, lambda: banner.display)
        assert "LIVE" in str(banner.content)

        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")  # the focused button is Cancel: enter never confirms
        status = app.query_one("#send-status", Static)
        await wait_until(pilot, lambda: "cancelled" in str(status.content))

        # confirming without live credentials is refused with an actionable message
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#yes")
        await wait_until(pilot, lambda: "Not sent" in str(status.content))
        assert "credentials" in str(status.content)
        assert any(n.severity == "error" for n in app._notifications)
    with Store.open(settings.db) as store:
        assert store.list_deliveries() == []


async def test_bad_url_target_is_a_notification(make_app) -> None:
    app = make_app(_apollo_event())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f4")
        app.query_one("#target-url", RadioButton).value = True
        await type_into(pilot, "#target-url-input", "ftp://nowhere")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: any(n.severity == "error" for n in app._notifications))
        assert "Ready" in str(app.query_one("#send-status", Static).content)


async def test_a_stored_row_that_cannot_be_shown_is_a_notification(make_app, settings) -> None:
    import sqlite3

    app = make_app(_apollo_event())
    async with app.run_test(size=(120, 40)) as pilot:
        await _select_destination(pilot, "apollo")
        await pilot.press("ctrl+r")
        status = app.query_one("#send-status", Static)
        await wait_until(pilot, lambda: "apollo delivered" in str(status.content))
        with sqlite3.connect(settings.db) as db:  # a row signaltui never writes
            db.execute("UPDATE deliveries SET outcome = 'lost'")
        await pilot.press("f5")
        table = app.query_one("#history-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 1)
        table.focus()
        await pilot.press("enter")
        errors = lambda: [n.message for n in app._notifications if n.severity == "error"]  # noqa: E731
        await wait_until(pilot, lambda: bool(errors()))
        assert "stored delivery 1" in errors()[0] and "outcome" in errors()[0]
        assert not isinstance(app.screen, DeliveryDetailScreen)
