"""The footer lists its keys from its first compose (part of the first-screen time)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from signaltui.tui.widgets.footer import FirstFrameFooter


class _Bare(App[None]):
    """One footer and a Quit binding; the terminal never reports focus, so the
    footer gets no bindings update to recompose on: what it shows is its first compose."""

    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def __init__(self, footer: Footer) -> None:
        super().__init__()
        self.footer = footer

    def compose(self) -> ComposeResult:
        self.app_focus = False
        yield self.footer


async def _keys(footer: Footer) -> list[str]:
    app = _Bare(footer)
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        return [key.description for key in app.query(FooterKey)]


async def test_the_first_frame_footer_lists_the_keys_at_once() -> None:
    assert "Quit" in await _keys(FirstFrameFooter())


async def test_textuals_own_footer_waits_for_a_bindings_update() -> None:
    # Why the subclass exists: without a bindings update Textual's footer stays empty.
    assert await _keys(Footer()) == []


class _Focused(_Bare):
    """As _Bare, with the terminal's focus, so Textual's footer recomposes too."""

    def compose(self) -> ComposeResult:
        yield self.footer


async def _key_states(footer: Footer) -> list[tuple[str, bool, list[str]]]:
    app = _Focused(footer)
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause(0.1)
        return [(k.description, k.compact, sorted(k.classes)) for k in app.query(FooterKey)]


async def test_its_keys_end_as_textuals_without_being_restyled_on_mount(monkeypatch) -> None:
    # Textual's keys start compact and are set to the footer's compact once mounted
    # (two re-styles each); FirstFrameFooter starts them at the footer's value.
    restyled: list[object] = []
    real = App.update_styles

    def update_styles(self: App[None], node: object, animate: bool = True) -> None:
        if isinstance(node, FooterKey) and not node.has_class("-command-palette"):
            restyled.append(node)
        real(self, node, animate)  # type: ignore[arg-type]

    textuals = await _key_states(Footer())
    monkeypatch.setattr(App, "update_styles", update_styles)
    ours = await _key_states(FirstFrameFooter())
    assert ours == textuals and ("Quit", False, []) in ours
    assert restyled == []


class _Toggle(App[None]):
    """A footer whose "Hello" key is shown while ``hello_shown`` holds."""

    BINDINGS = [("ctrl+q", "quit", "Quit"), ("f5", "hello", "Hello")]
    hello_shown = True

    def compose(self) -> ComposeResult:
        yield FirstFrameFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.hello_shown if action == "hello" else True


async def test_it_recomposes_only_when_the_keys_it_shows_change(monkeypatch) -> None:
    recomposed: list[object] = []
    real = FirstFrameFooter.recompose

    async def recompose(self: FirstFrameFooter) -> None:
        recomposed.append(self)
        await real(self)

    monkeypatch.setattr(FirstFrameFooter, "recompose", recompose)
    app = _Toggle()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause(0.1)

        def keys() -> list[str]:
            return [key.description for key in app.query(FooterKey)]

        assert "Hello" in keys() and recomposed == []  # bindings updates, same keys
        app.hello_shown = False
        app.refresh_bindings()
        await pilot.pause(0.1)
        assert "Hello" not in keys() and "Quit" in keys()
        assert len(recomposed) == 1
