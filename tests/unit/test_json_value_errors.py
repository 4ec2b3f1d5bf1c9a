"""JSON that parses (or nearly) but cannot be used: the exact errors of event files and
recordings (message, where and hint), which share their message text."""

from __future__ import annotations

import json

import pytest

from signaltui.errors import InputError, RecordingError
from signaltui.inputs import parse_event_document, parse_events_text
from signaltui.recordings.reader import parse_line

HUGE = "9" * 5000
DEEP = "[" * 100_000 + "]" * 100_000
EVENT_HINT = "a file holds one JSON event object or one object per line (JSON Lines)"
SURROGATE_HINT = "escapes \\ud800-\\udfff must come in valid pairs; fix or remove it"
LINE_HINT = "each line must be one complete JSON object; fix or delete this line"


def _int_limit_reason() -> str:
    with pytest.raises(ValueError) as caught:
        json.loads(HUGE)
    return str(caught.value)


def _error(call, *args, **kwargs) -> tuple[type[Exception], str, str | None, str | None]:
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    error = caught.value
    return type(error), error.message, error.where, error.hint


# -- event files (InputError) ---------------------------------------------------------------


def test_event_text_with_a_huge_integer() -> None:
    text = '{"type": "identify", "traits": {"phone": ' + HUGE + "}}"
    assert _error(parse_events_text, text, source="ev.json") == (
        InputError,
        f"unusable JSON value: {_int_limit_reason()}",
        "ev.json",
        EVENT_HINT,
    )


def test_event_lines_nested_too_deeply_name_the_line() -> None:
    text = '{"type": "track", "event": "A"}\n{"type": "identify", "traits": ' + DEEP + "}\n"
    assert _error(parse_events_text, text, source="ev.jsonl") == (
        InputError,
        "unusable JSON value: nested too deeply",
        "ev.jsonl:2",
        EVENT_HINT,
    )


def test_event_document_nested_too_deeply() -> None:
    assert _error(parse_event_document, DEEP, source="editor") == (
        InputError,
        "unusable JSON value: nested too deeply",
        "editor",
        EVENT_HINT,
    )


@pytest.mark.parametrize(
    ("text", "where", "bad"),
    [
        ('{"type": "track", "event": "Signed Up\\ud800"}', "ev.json:1", "\\ud800"),
        (
            '[{"type": "track", "event": "ok"}, {"type": "track", "event": "x\\udfff"}]',
            "ev.json[1]",
            "\\udfff",
        ),
        (
            '{"type": "track", "event": "ok"}\n{"type": "track", "event": "\\ud83d"}\n',
            "ev.json:2",
            "\\ud83d",
        ),
    ],
)
def test_event_text_with_a_lone_surrogate(text: str, where: str, bad: str) -> None:
    assert _error(parse_events_text, text, source="ev.json") == (
        InputError,
        f"text holds an unpaired UTF-16 surrogate escape ('{bad}')",
        where,
        SURROGATE_HINT,
    )


def test_event_document_with_a_lone_surrogate() -> None:
    text = '{"type": "track", "event": "Signed Up\\ud800"}'
    assert _error(parse_event_document, text, source="editor") == (
        InputError,
        "text holds an unpaired UTF-16 surrogate escape ('\\ud800')",
        "editor",
        SURROGATE_HINT,
    )


def test_a_paired_surrogate_escape_is_fine() -> None:
    [event] = parse_events_text('{"type": "track", "event": "hi \\ud83d\\ude00"}', source="e")
    assert event.event == "hi \U0001f600"


# -- recordings (RecordingError) ------------------------------------------------------------


def test_recording_line_with_a_huge_integer() -> None:
    assert _error(parse_line, ('{"n": ' + HUGE + "}\n").encode(), where="rec.jsonl:3") == (
        RecordingError,
        f"unusable JSON value: {_int_limit_reason()}",
        "rec.jsonl:3",
        LINE_HINT,
    )


def test_recording_line_nested_too_deeply() -> None:
    assert _error(parse_line, DEEP + "\n", where="rec.jsonl:1") == (
        RecordingError,
        "unusable JSON value: nested too deeply",
        "rec.jsonl:1",
        LINE_HINT,
    )


def test_recording_line_with_a_lone_surrogate() -> None:
    assert _error(parse_line, b'{"note": "x\\udc00"}\n', where="rec.jsonl:2") == (
        RecordingError,
        "text holds an unpaired UTF-16 surrogate escape ('\\udc00')",
        "rec.jsonl:2",
        LINE_HINT,
    )
