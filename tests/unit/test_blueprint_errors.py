"""Every way a blueprint can be wrong is refused with file:line, the key, and what to do."""

from __future__ import annotations

import pytest

from signaltui.blueprints import BlueprintError
from tests.blueprint_helpers import planning_config

HEAD = "version: 1\ndestination: close\nextends: preset\n"

#: (text, line, words the message must contain, words the hint must contain)
CASES = {
    "yaml syntax": (HEAD + "fields:\n  /a: {from: [x\n", 6, ["not valid YAML"], ["YAML syntax"]),
    "duplicate key": (HEAD + "fields:\n  /a: drop\n  /a: drop\n", 6, ["appears twice"], []),
    "not a mapping": ("- a\n- b\n", 1, ["a blueprint is a mapping"], ["version: 1"]),
    "unknown key": (
        HEAD + "fields:\n  /a: {from: traits.email, transfrom: [trim]}\n",
        5,
        ["unknown key 'transfrom'", "did you mean transform?"],
        ["spelling"],
    ),
    "unknown top key": (HEAD + "feilds: {}\n", 4, ["did you mean fields?"], []),
    "missing version": ("destination: close\n", 1, ["missing key 'version'"], ["version: 1"]),
    "wrong version": ("version: 2\ndestination: close\n", 1, ["version"], []),
    "wrong type": (HEAD + "consent: marketing\n", 4, ["consent"], ["fix this value"]),
    "unknown destination": (
        "version: 1\ndestination: clsoe\n",
        2,
        ["unknown destination 'clsoe'", "did you mean close?"],
        ["apollo, outreach or close"],
    ),
    "unknown transform": (
        HEAD + "fields:\n  /a: {from: traits.email, transform: [lowwer]}\n",
        5,
        ["unknown transform 'lowwer'", "did you mean lower?"],
        ["transforms"],
    ),
    "transform argument": (
        HEAD + "fields:\n  /a: {from: traits.email, transform: [truncate]}\n",
        5,
        ["needs a positive number"],
        ["truncate:N"],
    ),
    "unknown source root": (
        HEAD + "fields:\n  /a: {from: trait.email}\n",
        5,
        ["unknown source trait.email", "did you mean traits?"],
        ["a source starts with"],
    ),
    "trait typo": (
        HEAD + "fields:\n  /a: {from: traits.compnay}\n",
        5,
        ["unknown source traits.compnay; did you mean traits.company?"],
        [],
    ),
    "not a pointer": (
        HEAD + "fields:\n  description: {value: x}\n",
        5,
        ["'description' is not a JSON Pointer"],
        ["/description"],
    ),
    "index first": (HEAD + "fields:\n  /0/a: {value: x}\n", 5, ["starts with a list index"], []),
    "dash inside": (HEAD + "fields:\n  /a/-/b: {value: x}\n", 5, ["'-' before its last"], []),
    "empty segment": (HEAD + "fields:\n  /a//b: {value: x}\n", 5, ["empty segment"], []),
    "two kinds": (
        HEAD + "fields:\n  /a: {value: x, from: traits.email}\n",
        5,
        ["exactly one of from, all, value, copy"],
        [],
    ),
    "no kind": (HEAD + "fields:\n  /a: {rule: x}\n", 5, ["given: none"], []),
    "drop with value": (
        HEAD + "fields:\n  /a: {drop: true, value: 1}\n",
        5,
        ["dropped field takes no"],
        [],
    ),
    "field word": (
        HEAD + "fields:\n  /a: remove\n",
        5,
        ["a field rule is 'drop' or a mapping"],
        [],
    ),
    "event word": (
        HEAD + "events:\n  Trial Started: yes\n",
        5,
        ["an event is 'deliver', 'drop'"],
        [],
    ),
    "condition": (
        HEAD + "fields:\n  /a: {value: 1, when: {source: event}}\n",
        5,
        ["exactly one of equals, present, absent, in"],
        [],
    ),
    "nan constant": (
        HEAD + "fields:\n  /a: {value: .nan}\n",
        5,
        ["not a number JSON can carry"],
        [],
    ),
    "empty from": (HEAD + "fields:\n  /a: {from: []}\n", 5, ["from lists no source"], []),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_blueprint_names_file_line_and_what_to_do(name):
    text, line, words, hint_words = CASES[name]
    with pytest.raises(BlueprintError) as raised:
        planning_config(text)
    error = raised.value
    assert error.where == f"t1.yaml:{line}", error.render()
    for word in words:
        assert word in error.message, error.render()
    assert error.hint
    for word in hint_words:
        assert word in error.hint, error.render()
    assert error.exit_code == 2


def test_a_pointer_into_a_preset_value_is_refused_at_the_overlay_line():
    with pytest.raises(BlueprintError) as raised:
        planning_config(HEAD + "fields:\n  /url/path: {value: x}\n")
    assert raised.value.where == "t1.yaml:5"
    assert "points into '/url', which another rule sets to a value (presets/close.yaml:" in (
        raised.value.message
    )


def test_copy_must_name_an_earlier_field():
    with pytest.raises(BlueprintError) as raised:
        planning_config(HEAD + "fields:\n  /a: {copy: /nowhere}\n")
    assert raised.value.where == "t1.yaml:5" and "copy: /nowhere" in raised.value.message


def test_titles_is_a_trait_of_its_own_not_a_typo():
    planning_config(HEAD + "fields:\n  /a: {from: traits.titles}\n  /b: {from: traits.plan}\n")


def test_files_and_folders(tmp_path):
    from signaltui.blueprints import load_overlays

    with pytest.raises(BlueprintError, match="not found"):
        load_overlays([tmp_path / "missing.yaml"])
    with pytest.raises(BlueprintError, match=r"no \*\.yaml"):
        load_overlays([tmp_path])
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("version: 1\ndestination: close\n# caf\xe9\n".encode("latin-1"))
    with pytest.raises(BlueprintError, match="not UTF-8"):
        load_overlays([latin])
    (tmp_path / "b.yaml").write_text("version: 1\ndestination: apollo\nextends: preset\n")
    (tmp_path / "a.yml").write_text("version: 1\ndestination: close\nextends: preset\n")
    latin.unlink()
    assert [o.destination for o in load_overlays([tmp_path])] == ["close", "apollo"]
