"""Text editors that highlight their language when its grammar is installed.

Textual's ``TextArea`` highlights through tree-sitter: the ``tree_sitter`` package and
one ``tree_sitter_<language>`` grammar package per language (signaltui depends on the
YAML grammar for the Blueprints tab). Asked for a language whose grammar is missing
while ``tree_sitter`` itself is installed, Textual raises ``LanguageDoesNotExist``; a
missing grammar must cost the colours, never the app, so these helpers fall back to
plain text.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Any

from textual.widgets import TextArea
from textual.widgets.text_area import LanguageDoesNotExist


def grammar_installed(language: str) -> bool:
    """Whether tree-sitter and its ``language`` grammar can be imported (nothing imported)."""
    return all(find_spec(name) is not None for name in ("tree_sitter", f"tree_sitter_{language}"))


def highlighted_editor(text: str, language: str, *, code: bool = False, **options: Any) -> TextArea:
    """A ``TextArea`` (``code``: a code editor) highlighting ``language`` if it can.

    Without the grammar, or when it fails to load, the same editor in plain text.
    """
    make = TextArea.code_editor if code else TextArea
    if grammar_installed(language):
        try:
            return make(text, language=language, **options)
        except LanguageDoesNotExist:  # installed but unloadable (e.g. a broken wheel)
            pass
    return make(text, language=None, **options)
