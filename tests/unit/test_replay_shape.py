"""Structural answer comparison for mock check: keys, types, list items, header names."""

from signaltui.replay.shape import answer_drift, body_drift, header_drift


def kinds(drifts):
    return [(d.where, d.kind) for d in drifts]


def test_values_never_matter_only_shape():
    assert body_drift({"id": "a", "n": 1, "ok": True}, {"id": "b", "n": 2.5, "ok": False}) == []


def test_missing_extra_and_type_changes():
    drifts = body_drift({"id": "a", "name": "x", "n": 1}, {"id": "b", "n": "1", "new": []})
    assert kinds(drifts) == [
        ("body.name", "missing"),
        ("body.n", "type"),
        ("body.new", "extra"),
    ]
    assert drifts[1].describe() == "body.n: recorded number, mock string"


def test_null_agrees_with_any_type():
    assert body_drift({"title": None, "x": {"y": 1}}, {"title": "CEO", "x": None}) == []


def test_list_items_are_merged_before_comparing():
    recorded = {"contacts": [{"name": "a"}, {"name": "b", "title": "t"}, {"name": "c"}]}
    assert body_drift(recorded, {"contacts": [{"name": "z", "title": None}]}) == []
    drifts = body_drift(recorded, {"contacts": [{"name": 1}]})
    assert kinds(drifts) == [("body.contacts[].name", "type"), ("body.contacts[].title", "missing")]
    assert body_drift({"tags": []}, {"tags": [{"x": 1}]}) == []  # an empty list says nothing


def test_header_names_case_insensitive_and_transport_left_out():
    recorded = {"Content-Type": "a", "X-RateLimit-Limit": "1", "Date": "d", "CF-Ray": "r"}
    mock = {"content-type": "b", "server": "uvicorn", "x-ratelimit-remaining": "0"}
    assert kinds(header_drift(recorded, mock)) == [
        ("header x-ratelimit-limit", "missing"),
        ("header x-ratelimit-remaining", "extra"),
    ]


def test_status_first():
    drifts = answer_drift(200, {"id": 1}, {}, 201, {"id": 2}, {})
    assert [d.describe() for d in drifts] == ["status: recorded 200, mock 201"]
