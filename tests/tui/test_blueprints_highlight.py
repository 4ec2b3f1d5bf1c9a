"""The Blueprints tab's editor highlights YAML, and falls back to plain text without it."""

from __future__ import annotations

import sys

import pytest
import textual.widgets._text_area as text_area_module
from rich.style import Style
from textual.widgets import Static, TextArea

from signaltui.tui.screens.blueprints import BlueprintsPane
from signaltui.tui.widgets.editors import grammar_installed
from tests.tui.conftest import wait_until


def _styles_of(editor: TextArea, y: int, words: tuple[str, ...]) -> dict[str, Style]:
    """The style each of ``words`` is drawn in on screen row ``y`` of ``editor``."""
    found: dict[str, Style] = {}
    for segment in editor.render_line(y):
        text = segment.text.strip().rstrip(":")
        if text in words and segment.style is not None:
            found[text] = segment.style
    return found


@pytest.mark.skipif(not grammar_installed("yaml"), reason="tree-sitter-yaml not installed")
async def test_the_overlay_editor_highlights_yaml_keys_apart_from_values(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f9")
        await wait_until(pilot, lambda: bool(app.query(BlueprintsPane)))
        editor = app.query_one("#bp-text", TextArea)
        assert editor.language == "yaml"
        assert editor.text.startswith("version: 1\ndestination: close\n")
        await pilot.pause()
        # Row 1 of the starter: "destination: close" — a key and a plain-scalar value.
        styles = _styles_of(editor, 1, ("destination", "close"))
        assert set(styles) == {"destination", "close"}, styles
        assert styles["destination"].color != styles["close"].color
        # The number on row 0 is a third kind of token, drawn unlike the key before it.
        number = _styles_of(editor, 0, ("version", "1"))
        assert number["version"].color != number["1"].color


async def test_without_the_yaml_grammar_the_editor_is_plain_text(make_app, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "tree_sitter_yaml", None)  # as if not installed
    assert not grammar_installed("yaml")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f9")
        await wait_until(pilot, lambda: bool(app.query(BlueprintsPane)))
        editor = app.query_one("#bp-text", TextArea)
        assert editor.language is None
        assert editor.text.startswith("version: 1")
        await wait_until(
            pilot, lambda: "DELIVER" in str(app.query_one("#bp-verdict", Static).render())
        )


async def test_a_grammar_that_fails_to_load_also_falls_back_to_plain_text(
    make_app, monkeypatch
) -> None:
    # tree-sitter reports the grammar present but Textual cannot load it: Textual raises
    # LanguageDoesNotExist from the editor's constructor; the tab must still open.
    monkeypatch.setattr(text_area_module, "get_language", lambda name: None)
    monkeypatch.setattr("signaltui.tui.widgets.editors.grammar_installed", lambda language: True)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f9")
        await wait_until(pilot, lambda: bool(app.query(BlueprintsPane)))
        assert app.query_one("#bp-text", TextArea).language is None
        assert app.query_one("#event-json", TextArea).language is None
