"""EventStream reads an event file lazily, with read_events' formats and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signaltui.core.events import Event, event_from_json
from signaltui.errors import InputError
from signaltui.event_stream import EventStream
from signaltui.inputs import read_events
from tests.helpers import FIXTURES, track

LINE = json.dumps(track())
DUPLICATE_KEYS = '{"type": "identify", "traits": {"a": 1, "a": 2, "n": 123456789012345678901}}'


def _same(path: Path) -> None:
    """Equal events, or the same error message and place, as read_events."""
    try:
        expected = read_events(path)
    except InputError as error:
        with pytest.raises(InputError) as streamed:
            list(EventStream(path))
        assert streamed.value.render() == error.render()
        return
    assert list(EventStream(path)) == expected


@pytest.mark.parametrize("path", sorted((FIXTURES / "events").iterdir()), ids=lambda p: p.name)
def test_fixtures_stream_to_the_same_events(path: Path) -> None:
    _same(path)


@pytest.mark.parametrize(
    "text",
    [
        LINE + "\n" + LINE + "\n",
        "\n\n" + LINE + "\r\n\r\n" + LINE,  # blank lines and CRLF
        "\ufeff" + LINE,  # a BOM
        json.dumps(track(), indent=2),  # one pretty-printed object
        json.dumps([track(), track("Signed Up")]),  # an array on one line
        json.dumps([track(), track("Signed Up")], indent=2),  # and over several
        "\n" + json.dumps(track(), indent=2)[:-1],  # a pretty object cut short
        LINE + "\n{not json\n",  # a bad line after a good one
        "{not json\n" + LINE,
        LINE + "\n" + json.dumps({"type": "track"}) + "\n",  # an invalid event
        LINE + "\n[1, 2]\n",  # an array line inside JSON Lines
        "42\n",
        "",
        " \n\t\n",
        LINE + "\n" + '{"type": "identify", "traits": {"x": "\\ud800"}}',  # lone surrogate
        # Lines after the first go through json's scanner when they are one object and
        # a newline: the rest must read exactly as json.loads reads it.
        LINE + "\n  " + LINE + "  \n" + LINE + "\t\n",  # whitespace around an object
        LINE + "\n" + LINE + " " + LINE + "\n",  # more after the object
        LINE + "\n" + LINE + ",\n",
        LINE + "\n" + '{"type": "identify", "traits": {"a": Infinity, "b": -Infinity}}\n',
        LINE + "\n" + DUPLICATE_KEYS + "\n",
        LINE + "\n" + '{"type": "identify", "traits": {"n": ' + "9" * 5000 + "}}\n",  # too long
        LINE + "\n" + '{"type": "identify", "traits": ' + "[" * 3000 + "]" * 3000 + "}\n",
        LINE + "\n" + '"just text"\n' + LINE + "\n",
        LINE + "\n" + LINE + "\r" + LINE + "\n",  # a lone CR inside a line
        LINE + "\n" + "{}\n",
    ],
)
def test_formats_and_errors_match_read_events(text: str, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(text, encoding="utf-8")
    _same(path)


def test_undecodable_bytes_and_a_missing_file_are_input_errors(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(LINE.encode() + b"\n" + '{"a": "é"}'.encode("latin-1"))
    with pytest.raises(InputError, match="cannot read events"):
        list(EventStream(path))
    with pytest.raises(InputError, match="file not found"):
        list(EventStream(tmp_path / "missing.jsonl"))


def test_events_come_one_at_a_time_before_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(LINE + "\n" + LINE + "\n{broken\n", encoding="utf-8")
    events = iter(EventStream(path))
    assert next(events).event == "Demo Requested"
    assert next(events).event == "Demo Requested"
    with pytest.raises(InputError, match=r"events.jsonl:3"):
        next(events)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(st.characters(exclude_categories=("Cs",))),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None, database=None)
@given(
    traits=st.dictionaries(st.text(), JSON_VALUES),
    extra=JSON_VALUES,
    ascii_only=st.booleans(),
)
def test_pydantic_reads_an_event_line_exactly_as_json_loads_does(
    traits: dict, extra: object, ascii_only: bool
) -> None:
    """The stream's fast path (event_from_json) against json.loads + Event validation."""
    line = json.dumps(
        {"type": "identify", "traits": traits, "context": {"x": extra}, "more": extra},
        ensure_ascii=ascii_only,
    )
    expected = Event.model_validate(json.loads(line))
    got = event_from_json(line + "\n")
    # repr tells 1, 1.0 and True apart, and shows NaN; == alone would not.
    assert repr(got.model_dump()) == repr(expected.model_dump())
    assert repr(got.__pydantic_extra__) == repr(expected.__pydantic_extra__)
