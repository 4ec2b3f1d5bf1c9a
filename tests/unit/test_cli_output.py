"""The preview writer: orjson gives exactly the standard library's bytes."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from signaltui import fastjson
from signaltui.cli import main
from signaltui.cli.output import LineWriter, dumps, dumps_stdlib
from tests.helpers import FIXTURES

orjson = pytest.importorskip("orjson", reason="the fast extra is not installed")

TRICKY: list[Any] = [
    "Zoë Ångström 東京 😀",
    'quote " backslash \\ slash / tab \t newline \n nul \x00 esc \x1b del \x7f',
    "\u2028 \u2029 \x85 \b \f \r",
    'a "1.5e-7" string, 1.5 inside, 2e9 too',
    2**63,
    2**64 - 1,
    2**64,
    -(2**63) - 1,
    10**40,
    0.1,
    -0.0,
    1e16,
    1e15,
    1.5e-7,
    1e-5,
    1e-4,
    5e-324,
    1.7976931348623157e308,
    123456789.123456789,
    True,
    None,
    {"nested": [1, 2.5, {"a": []}], "": "", "e-5": "e-5"},
    [],
    {},
]


@pytest.mark.parametrize("value", TRICKY, ids=repr)
def test_tricky_values_encode_to_the_same_bytes(value: Any) -> None:
    assert dumps(value) == dumps_stdlib(value)
    assert dumps({"v": value, "list": [value]}) == dumps_stdlib({"v": value, "list": [value]})


def test_non_finite_floats_are_written_as_the_standard_library_writes_them() -> None:
    value = {"nan": math.nan, "inf": [-math.inf]}
    assert orjson.dumps(value) == b'{"nan":null,"inf":[null]}'  # why floats skip orjson
    assert dumps(value) == dumps_stdlib(value) == b'{"nan":NaN,"inf":[-Infinity]}'


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, database=None)
@given(value=JSON_VALUES)
def test_any_json_value_encodes_to_the_same_bytes(value: Any) -> None:
    try:
        expected = dumps_stdlib(value)
    except UnicodeEncodeError:  # lone surrogates: input refuses them before this point
        return
    assert dumps(value) == expected


def _preview(path: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["preview", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("path", sorted((FIXTURES / "events").iterdir()), ids=lambda p: p.name)
def test_preview_json_is_byte_identical_with_and_without_orjson(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _preview(path, "--json")
    monkeypatch.setattr(fastjson, "orjson", None)  # the stdlib path throughout
    assert fast == _preview(path, "--json")
    assert fast.count("\n") >= 1


def test_writer_buffers_lines_and_strips_styles_off_a_terminal() -> None:
    sink = io.BytesIO()
    with LineWriter(sink) as out:
        out.text("\x1b[32mDELIVER\x1b[0m é")
        out.json({"a": 1})
        assert sink.getvalue() == b""  # still gathered
    assert sink.getvalue() == "DELIVER é\n".encode() + b'{"a":1}\n'


def test_decision_contracts_look_for_floats_in_the_body_and_match_the_standard_library() -> None:
    from signaltui.cli.output import dumps_contract
    from tests.blueprint_helpers import decide_with
    from tests.helpers import decide, track

    overlay = (
        "version: 1\ndestination: close\nextends: preset\n"
        "fields:\n  /custom.score: {from: properties.score}\n  /custom.n: {from: properties.n}\n"
    )
    event = track(properties={"score": 1e-05, "n": 2**64})
    with_float = decide_with(event, "close", overlay).to_contract()
    assert with_float["request"]["body"]["custom.score"] == 1e-05
    assert dumps_contract(with_float) == dumps_stdlib(with_float)
    assert b'"custom.score":1e-05' in dumps_contract(with_float)  # orjson would write 0.00001
    for destination in ("apollo", "outreach", "close"):
        contract = decide(track(), destination).to_contract()
        assert dumps_contract(contract) == dumps_stdlib(contract)
    dropped = decide(track(type="identify"), "close").to_contract()
    assert dropped["request"] is None and dumps_contract(dropped) == dumps_stdlib(dropped)
