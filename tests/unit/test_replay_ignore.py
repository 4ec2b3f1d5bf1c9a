"""RFC 6901 pointers for --ignore: parsing, escapes, removal without touching the input."""

import copy

import pytest

from signaltui.errors import InputError
from signaltui.replay.ignore import check_pointers, parse_pointer, without

BODY = {
    "name": "Acme",
    "a/b": 1,
    "m~n": 2,
    "custom.cf_plan": "pro",
    "contacts": [{"name": "Jane", "title": "CEO"}, {"name": "Li"}],
    "0": "a key that looks like an index",
}


@pytest.mark.parametrize(
    ("pointer", "segments"),
    [("/name", ("name",)), ("/a~1b", ("a/b",)), ("/m~0n", ("m~n",)), ("/", ("",))],
)
def test_parse_unescapes(pointer, segments):
    assert parse_pointer(pointer) == segments


@pytest.mark.parametrize("pointer", ["", "name", "/a~2", "/a~"])
def test_not_a_pointer_is_input_error(pointer):
    with pytest.raises(InputError):
        parse_pointer(pointer)


def test_removal_follows_keys_indexes_and_escapes():
    before = copy.deepcopy(BODY)
    out = without(BODY, ["/a~1b", "/m~0n", "/custom.cf_plan", "/contacts/0/title", "/0"])
    assert out == {"name": "Acme", "contacts": [{"name": "Jane"}, {"name": "Li"}]}
    assert before == BODY  # the input is untouched


def test_missing_places_change_nothing():
    assert without(BODY, ["/nope", "/contacts/9/name", "/name/deeper"]) == BODY
    assert without(None, ["/name"]) is None


def test_check_pointers_keeps_order_and_drops_repeats():
    assert check_pointers(["/b", "/a", "/b"]) == ("/b", "/a")
