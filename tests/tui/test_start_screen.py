"""The first screen is styled once: no whole-screen re-style before it is shown.

Textual re-styles every widget of its default screen when the screen is first shown and
again when it takes its breakpoint class on the first Resize (tui/start_screen.py);
StartScreen makes both passes unnecessary. These tests check that neither happens and
that the pass skipped at the first resume would not have changed a single style.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.screen import Screen

from signaltui.tui.app import SignalApp
from signaltui.tui.start_screen import StartScreen, breakpoint_class
from tests.tui.conftest import node_styles

SIZES = [(80, 24), (120, 40)]
BREAKPOINTS = SignalApp.HORIZONTAL_BREAKPOINTS


def test_the_breakpoint_class_is_the_widest_one_reached() -> None:
    assert breakpoint_class(80, BREAKPOINTS) == "-narrow"
    assert breakpoint_class(109, BREAKPOINTS) == "-narrow"
    assert breakpoint_class(110, BREAKPOINTS) == "-wide"
    assert breakpoint_class(5, [(10, "-x")]) is None
    assert StartScreen(120, BREAKPOINTS).classes == frozenset({"-wide"})


@pytest.mark.parametrize("size", SIZES)
async def test_no_whole_screen_restyle_before_the_first_screen_is_ready(
    make_app: Callable[..., SignalApp], monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    restyled: list[DOMNode] = []
    real_update_styles = SignalApp.update_styles

    def update_styles(self: SignalApp, node: DOMNode, animate: bool = True) -> None:
        if not getattr(self, "_ready_seen", False):
            restyled.append(node)
        real_update_styles(self, node, animate)

    def on_ready(self: SignalApp) -> None:
        self._ready_seen = True  # type: ignore[attr-defined]

    monkeypatch.setattr(SignalApp, "update_styles", update_styles)
    monkeypatch.setattr(SignalApp, "on_ready", on_ready)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.screen.has_class(breakpoint_class(size[0], BREAKPOINTS) or "")
        assert [node for node in restyled if isinstance(node, Screen)] == []
        assert isinstance(app.screen, StartScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_the_skipped_restyle_would_change_no_style(
    make_app: Callable[..., SignalApp], monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    # At the first resume, style the whole screen again as Textual would have, and
    # compare every widget's styles (and its component styles) before and after.
    checked: list[tuple[int, dict[int, Any], dict[int, Any]]] = []
    real_resume = StartScreen.on_screen_resume

    def on_screen_resume(self: StartScreen, event: events.ScreenResume) -> None:
        first = not self._shown
        real_resume(self, event)
        if first:
            before = node_styles(self)
            Stylesheet.update(self.app.stylesheet, self)
            checked.append((len(before), before, node_styles(self)))

    monkeypatch.setattr(StartScreen, "on_screen_resume", on_screen_resume)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
    ((count, before, after),) = checked
    assert count > 80  # the whole Compose tab was there to be styled
    assert after == before


async def test_the_app_turns_the_collector_back_on_after_the_first_screen(
    make_app: Callable[..., SignalApp],
) -> None:
    import gc

    from signaltui import startup_gc
    from tests.tui.conftest import wait_until

    startup_gc.pause()  # as the bare command does
    try:
        app = make_app(start_delay=0.5)
        async with app.run_test(size=(120, 40)) as pilot:
            assert not gc.isenabled()
            await wait_until(pilot, gc.isenabled)
    finally:
        startup_gc.resume()


async def test_a_widget_is_not_styled_before_it_is_mounted_and_is_styled_once_mounted(
    make_app: Callable[..., SignalApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Input

    roots: list[DOMNode] = []
    real_update_nodes = Stylesheet.update_nodes

    def update_nodes(self: Stylesheet, nodes: Any, animate: bool = False) -> None:
        nodes = list(nodes)
        roots.append(nodes[0])
        real_update_nodes(self, nodes, animate)

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(Stylesheet, "update_nodes", update_nodes)
        built = Input(compact=True, id="late")  # its compact watcher sets a class now
        assert roots == []  # not styled alone, unmounted: it is styled when mounted
        await app.screen.mount(built)
        await pilot.pause()
        assert built.has_class("-textual-compact")
        before = dict(built.styles.base._rules)
        Stylesheet.update(app.stylesheet, built)
        assert dict(built.styles.base._rules) == before  # mounting styled it fully
        built.add_class("-x")  # a class set once mounted still re-styles it
        assert built in roots
