"""The stylesheet in two parts (tui/styles.py): the same styles as one file would give.

``app.tcss`` is read at start-up, ``app_later.tcss`` when the first other pane or screen
is built. These tests check that the second part is there whenever something it styles
is, that it would change nothing on the first screen, and that with every tab and a
dialog built each widget has the styles of the two files read as one.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from textual.css.stylesheet import CssSource, Stylesheet

from signaltui.tui.app import SignalApp
from signaltui.tui.styles import LATER_CSS, add_later_styles
from signaltui.tui.tabs import TABS, holder_id
from tests.tui.conftest import node_styles

SIZES = [(80, 24), (120, 40)]
FIRST_CSS = LATER_CSS.with_name("app.tcss")


def _has_later(app: SignalApp) -> bool:
    return app.stylesheet.has_source(os.path.abspath(LATER_CSS))


@pytest.mark.parametrize("size", SIZES)
async def test_the_first_screen_does_without_the_later_styles_and_they_would_change_nothing(
    make_app: Callable[..., SignalApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert not _has_later(app)
        before = node_styles(app.screen)
        add_later_styles(app)
        assert _has_later(app)
        Stylesheet.update(app.stylesheet, app.screen)
        after = node_styles(app.screen)
    assert len(before) > 80  # the whole Compose tab was there
    assert after == before


@pytest.mark.parametrize("key", ["f3", "f9", "f1", "ctrl+p"])
async def test_another_tab_or_a_dialog_brings_the_later_styles(
    make_app: Callable[..., SignalApp], key: str
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not _has_later(app)
        await pilot.press(key)
        await pilot.pause()
        assert _has_later(app)


async def test_the_two_files_style_like_one(make_app: Callable[..., SignalApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for tab in reversed(TABS):  # an order unlike the files'
            await app.tabs.ensure(tab)
        await pilot.press("f1")  # and a dialog
        await pilot.pause()
        start, dialog = app.screen_stack[0], app.screen
        built = [len(start.query_one(f"#{holder_id(tab)}").children) for tab in TABS]
        before = {**node_styles(start), **node_styles(dialog)}
        # The same sources with the two files as one, where app.tcss was.
        whole = FIRST_CSS.read_text() + "\n" + LATER_CSS.read_text()
        first, later = os.path.abspath(FIRST_CSS), os.path.abspath(LATER_CSS)
        one_file = Stylesheet(variables=app.get_css_variables())
        for (path, name), source in app.stylesheet.source.items():
            if path == first:
                one_file.source[(path, name)] = CssSource(whole, False, 0, "")
            elif path != later:
                one_file.source[(path, name)] = source
        one_file.parse()
        assert len(one_file.rules) == len(app.stylesheet.rules)
        one_file.update(start)
        one_file.update(dialog)
        after = {**node_styles(start), **node_styles(dialog)}
    assert all(built)  # every tab was built
    assert dialog is not start
    assert after == before
