"""diff_json: the structural differences replay verify reports."""

from __future__ import annotations

from copy import deepcopy

from signaltui.replay.diff import ABSENT, Difference, diff_json, identical

BODY = {
    "name": "Acme Inc",
    "contacts": [{"name": "Jane Doe", "emails": [{"email": "jane@acme.com"}]}],
    "run_dedupe": True,
}


def test_identical_values_have_no_differences() -> None:
    assert diff_json(BODY, deepcopy(BODY), "body") == []


def test_a_nested_change_is_reported_at_its_path() -> None:
    changed = deepcopy(BODY)
    changed["contacts"][0]["emails"][0]["email"] = "j@acme.com"  # type: ignore[index]
    assert diff_json(BODY, changed, "body") == [
        Difference("body.contacts[0].emails[0].email", "jane@acme.com", "j@acme.com")
    ]


def test_bool_int_and_float_are_different_json_values() -> None:
    # Python calls True == 1 == 1.0 equal; on the wire they are different values.
    as_int = {**BODY, "run_dedupe": 1}
    assert diff_json(BODY, as_int, "body") == [Difference("body.run_dedupe", True, 1)]
    assert diff_json({"n": 1}, {"n": 1.0}, "b") == [Difference("b.n", 1, 1.0)]
    assert diff_json([1, True], [True, 1], "b") == [
        Difference("b[0]", 1, True),
        Difference("b[1]", True, 1),
    ]


def test_added_and_removed_keys_and_items_are_absent_on_one_side() -> None:
    assert diff_json({"a": 1}, {"b": 1}, "x") == [
        Difference("x.a", 1, ABSENT),
        Difference("x.b", ABSENT, 1),
    ]
    assert diff_json([1], [1, 2], "x") == [Difference("x[1]", ABSENT, 2)]


def test_key_order_alone_is_not_a_difference() -> None:
    assert diff_json({"a": 1, "b": 2}, {"b": 2, "a": 1}, "x") == []


def test_odd_keys_are_quoted_in_the_path() -> None:
    assert diff_json({"custom.cf_1": "a"}, {"custom.cf_1": "b"}, "body") == [
        Difference('body["custom.cf_1"]', "a", "b")
    ]


def test_a_key_holding_quotes_or_backslashes_reads_back_as_its_own_pointer() -> None:
    # Each key must come back out of the path whole, so the pointer a report shows names
    # the blueprint rule for that key and no other.
    for key in ['say "hi"', "back\\slash", 'both \\" at once', "café", "a/b~c", ""]:
        [difference] = diff_json({"x": {key: 1}}, {"x": {key: 2}}, "request.body")
        pointer = "/x/" + key.replace("~", "~0").replace("/", "~1")
        assert difference.body_pointer() == pointer, key


def test_a_plain_key_with_non_ascii_letters_is_quoted_so_its_pointer_keeps_it() -> None:
    [difference] = diff_json({"prénom": "a"}, {"prénom": "b"}, "request.body")
    assert difference.path == 'request.body["prénom"]'
    assert difference.body_pointer() == "/prénom"


def test_identical_is_exact_json_equality() -> None:
    # Each pair is == in Python, and each is a different JSON value.
    for old, new in [
        (True, 1),
        (1, 1.0),
        (0.0, -0.0),
        ({"a": [1, {"b": True}]}, {"a": [1, {"b": 1}]}),
        ((1, True), (1, 1)),
    ]:
        assert old == new and not identical(old, new), (old, new)
        assert diff_json(old, new, "x") != [], (old, new)
    assert identical({"a": [1, {"b": None}], "c": "d"}, {"c": "d", "a": [1, {"b": None}]})
    assert identical(BODY, deepcopy(BODY))
    nan = float("nan")
    assert not identical(nan, nan) and diff_json([nan], [nan], "x") == [
        Difference("x[0]", nan, nan)
    ]
    assert not identical({"a": 1}, {"a": 1, "b": 2}) and not identical([1], [1, 2])
