"""The composer's form: traits, event, properties, consent and page URL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static

from signaltui.tui.compose_model import (
    CONSENT_CATEGORIES,
    PROPERTY_FIELDS,
    TRAIT_FIELDS,
    Form,
    known_events,
)

if TYPE_CHECKING:
    from signaltui.core.config import MappingConfig


def _input_id(key: str) -> str:
    return "f-" + key.replace(".", "-")


#: The class Textual gives an ``Input`` once a value is set (``-valid``: these inputs have
#: no validators, so every value is valid), given at construction: added later, it
#: re-styles each input (about 1.5 ms each, most of the form's 15). Textual skips a class
#: a widget already has. (``-textual-compact`` cannot be given this way: the reactive
#: ``compact`` first removes it, then adds it back.)
INPUT_CLASSES = "-valid"


def _input(id: str, placeholder: str = "") -> Input:
    return Input(id=id, placeholder=placeholder, compact=True, classes=INPUT_CLASSES)


#: The label column's width in the narrow layout (app.tcss: ``Screen.-narrow #event-form
#: .form-grid``); the wide layout's is wider.
NARROW_LABEL_WIDTH = 11


def _grid_cells(rows: Iterable[tuple[str, Widget]]) -> Iterator[Widget]:
    """A form grid's cells for ``(label, field)`` rows, in the order the grid places them.

    Consecutive labels are one widget, a label a line, spanning the rows of their fields
    (:func:`_labels`): it looks the same as a label per row, as the rows are one line high
    with no gutter between them, and Textual's cost per widget (about 1.4 ms here) made
    the form's 17 labels about 4 % of the first screen's CPU time. A label that would wrap in the
    narrow layout's column stays a widget of its own, cut to its first line by its row,
    as every label was.
    """
    run: list[tuple[str, Widget]] = []
    for label, field in rows:
        if cell_len(label) <= NARROW_LABEL_WIDTH:
            run.append((label, field))
            continue
        yield from _labelled(run)
        run = []
        yield Static(label)
        yield field
    yield from _labelled(run)


def _labelled(run: list[tuple[str, Widget]]) -> Iterator[Widget]:
    if run:
        yield _labels(*(label for label, _ in run))
        yield from (field for _, field in run)


def _labels(*labels: str) -> Static:
    """One widget for the labels of consecutive rows, one a line."""
    column = Static("\n".join(labels), classes="form-labels")
    column.styles.row_span = len(labels)
    return column


class EventForm(VerticalScroll):
    """Edits a :data:`Form`; posts :class:`EventForm.Changed` only for real edits.

    Loading values programmatically fires the widgets' own change messages later; those
    are recognised (the values equal the last loaded ones) and not re-posted, which keeps
    the form and the JSON editor from echoing each other.
    """

    class Changed(Message):
        """The person changed the form; ``form`` holds every value."""

        def __init__(self, form: Form) -> None:
            super().__init__()
            self.form = form

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._last: Form = {}
        #: The picker's event names, once filled in (:meth:`fill_known_events`).
        self._known: tuple[str, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static("Event", classes="section")
        with Grid(classes="form-grid"):
            yield from _grid_cells(
                [
                    (
                        "Type",
                        Select(
                            [("track", "track"), ("identify", "identify")],
                            allow_blank=False,
                            value="track",
                            id="f-type",
                            compact=True,
                        ),
                    ),
                    # Filled just after the first screen (fill_known_events): the names
                    # come from the compiled preset blueprints.
                    (
                        "Known event",
                        Select([], prompt="(other: type below)", id="f-event-pick", compact=True),
                    ),
                    ("Event name", _input("f-event", placeholder="e.g. Demo Requested")),
                ]
            )
        yield Static("Traits (identify)", classes="section")
        with Grid(classes="form-grid"):
            yield from _grid_cells(
                (label, _input(_input_id(f"trait.{name}"))) for name, label in TRAIT_FIELDS
            )
        yield Static("Properties", classes="section")
        with Grid(classes="form-grid"):
            yield from _grid_cells(
                [
                    *(
                        (label, _input(_input_id(f"prop.{name}")))
                        for name, label, _ in PROPERTY_FIELDS
                    ),
                    ("Page URL", _input("f-page_url")),
                ]
            )
        yield Static("Consent (context.consent)", classes="section")
        with Horizontal(classes="consent-row"):
            for category in CONSENT_CATEGORIES:
                yield Checkbox(category, id=_input_id(f"consent.{category}"), compact=True)

    def values(self) -> Form:
        """Every field's current value."""
        form: Form = {
            "type": str(self.query_one("#f-type", Select).value),
            "event": self.query_one("#f-event", Input).value,
            "page_url": self.query_one("#f-page_url", Input).value,
        }
        for name, _ in TRAIT_FIELDS:
            form[f"trait.{name}"] = self.query_one(f"#{_input_id('trait.' + name)}", Input).value
        for name, _, _ in PROPERTY_FIELDS:
            form[f"prop.{name}"] = self.query_one(f"#{_input_id('prop.' + name)}", Input).value
        for category in CONSENT_CATEGORIES:
            box = self.query_one(f"#{_input_id('consent.' + category)}", Checkbox)
            form[f"consent.{category}"] = box.value
        return form

    def load(self, form: Form) -> None:
        """Show ``form`` without reporting it as an edit."""
        self._last = dict(form)
        for key, value in form.items():
            if key == "type":
                self.query_one("#f-type", Select).value = str(value)
            elif isinstance(value, bool):
                self.query_one(f"#{_input_id(key)}", Checkbox).value = value
            else:
                self.query_one(f"#{_input_id(key)}", Input).value = value
        self._sync_pick(str(form.get("event", "")))

    def fill_known_events(self, config: MappingConfig | None = None) -> None:
        """Offer every event name a CRM maps (with ``config``'s blueprints) in the
        picker, and pick the current one."""
        if self._known is not None:
            return
        self._known = known_events(config)
        # Text prompts: an event name from a user's blueprint is shown as written.
        options = [(Text(name), name) for name in self._known]
        self.query_one("#f-event-pick", Select).set_options(options)
        self._sync_pick(self.query_one("#f-event", Input).value)

    def _sync_pick(self, name: str) -> None:
        if self._known is None:
            return  # not filled in yet: filling in picks the name then
        pick = self.query_one("#f-event-pick", Select)
        if name in self._known:
            pick.value = name
        else:
            pick.clear()

    def _report(self) -> None:
        if not self._last:
            return  # widgets announcing their initial values before the first load
        values = self.values()
        if values != self._last:
            self._last = values
            self.post_message(self.Changed(values))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id == "f-event":
            self._sync_pick(event.value)
        self._report()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._report()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "f-event-pick" and isinstance(event.value, str):
            self.query_one("#f-event", Input).value = event.value
        self._report()
