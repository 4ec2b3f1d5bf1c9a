"""List items: pointer sets the engine cannot build are refused by the loader, with
file:line; whatever it accepts plans without raising; constants are fresh per request."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from signaltui.blueprints import BlueprintError
from signaltui.cli import main
from signaltui.core.blueprints.registry import blueprints_for
from signaltui.core.events import Event, resolve_event
from signaltui.core.plan import plan
from tests.blueprint_helpers import planning_config
from tests.helpers import FIXTURES, track

HEAD = "version: 1\ndestination: close\ndefaults: {action: deliver}\nfields:\n"

#: (fields, line of the refused key, words the message must contain, words of the hint)
REFUSED = {
    "gap": (
        "  /m/1: {value: a}\n  /m/0/x: {value: b}\n",
        5,
        ["list index /m/1 leaves /m/0 unset", "in order from 0"],
        ["/m/0"],
    ),
    "gap at the start of a nested list": (
        "  /m/0/n/2: {value: a}\n",
        5,
        ["/m/0/n/2 leaves /m/0/n/0 unset"],
        [],
    ),
    "back to an earlier item": (
        "  /m/0/x: {value: a}\n  /m/1/x: {value: b}\n  /m/0/y: {value: c}\n",
        7,
        ["goes back to item 0 of /m after item 1 (t1.yaml:6)"],
        ["together"],
    ),
    "a numbered item after an append": (
        "  /m/-: {value: a}\n  /m/0/x: {value: b}\n",
        6,
        ["/m/0/x comes after /m/- (t1.yaml:5)"],
        ["above"],
    ),
    "list and object at one place": (
        "  /m/x: {value: a}\n  /m/0: {value: b}\n",
        6,
        ["/m/0 uses /m as a list, but /m/x (t1.yaml:5) uses it as an object"],
        [],
    ),
    "leading zero": ("  /m/00: {value: a}\n", 5, ["leading zero"], ["/m/0"]),
}


@pytest.mark.parametrize("name", REFUSED)
def test_list_pointer_sets_the_engine_cannot_build_are_refused_at_their_line(name):
    fields, line, words, hint_words = REFUSED[name]
    with pytest.raises(BlueprintError) as caught:
        planning_config(HEAD + fields)
    error = caught.value
    assert error.where == f"t1.yaml:{line}", str(error)
    for word in words:
        assert word in error.message, error.message
    for word in hint_words:
        assert word in (error.hint or ""), error.hint


def test_check_preview_and_send_stop_with_exit_2_and_the_line(tmp_path: Path):
    bad = tmp_path / "close.yaml"
    bad.write_text(HEAD + "  /m/1: {value: a}\n  /m/0/x: {value: b}\n")
    events = str(FIXTURES / "events" / "close-session.jsonl")
    runs = (
        ["blueprints", "check", str(bad)],
        ["--blueprints", str(bad), "preview", events],
        ["--blueprints", str(bad), "send", events, "-d", "close", "--target", "mock"],
    )
    for args in runs:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output, result.exception)
        assert f"{bad}:5: list index /m/1 leaves /m/0 unset" in result.output
        assert "Traceback" not in result.output and "TypeError" not in result.output
        assert "DELIVER" not in result.output


def test_in_order_list_items_still_build():
    config = planning_config(
        HEAD + "  /m/0/x: {value: a}\n  /m/0/y: {from: traits.title}\n"
        "  /m/1: {value: b}\n  /m/-: {value: c}\n  /n/0: {from: traits.nothing}\n"
        "  /n/1/z: {value: d}\n"
    )
    body = _plan(config, {"title": "CTO"})
    assert body["m"] == [{"x": "a", "y": "CTO"}, "b", "c"]
    assert body["n"] == [{"z": "d"}]  # item 0 had no value: item 1 moves up


# --- a sweep over small random pointer sets: refused, or planned without raising ---

SEGMENTS = ("a", "b", "0", "1", "2", "-")
VALUES = (
    "{value: s}",
    "{value: {k: 1}}",
    "{value: [1]}",
    "{from: traits.title}",
    "{from: [traits.company, {value: {k: [2]}}]}",
)
TRAITS = ({}, {"title": "CTO"}, {"company": "Acme"}, {"title": "CTO", "company": "Acme"})


def _pointer(rng: random.Random) -> str:
    parts = [rng.choice(("a", "b"))]
    parts += [rng.choice(SEGMENTS) for _ in range(rng.randint(0, 2))]
    return "/" + "/".join(parts)


def _plan(config: Any, traits: dict[str, Any]) -> dict[str, Any]:
    event = track(traits={"email": "ada@example.com", **traits})
    decision = plan(resolve_event(Event.model_validate(event)), "close", config)
    assert decision.request is not None
    body: dict[str, Any] = decision.request.body
    return body


def _string_keys(value: Any) -> bool:
    if isinstance(value, dict):
        return all(type(k) is str and _string_keys(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_string_keys(item) for item in value)
    return True


def test_random_pointer_sets_are_refused_or_plan_without_raising():
    rng = random.Random(20261202)
    accepted = refused = 0
    for _ in range(400):
        fields = {}
        for n in range(rng.randint(1, 5)):
            pointer = _pointer(rng)
            if pointer.endswith("/-"):
                pointer += f"#n{n}"
            fields[pointer] = rng.choice(VALUES)
        text = HEAD + "".join(f"  {p}: {v}\n" for p, v in fields.items())
        try:
            config = planning_config(text)
        except BlueprintError as error:
            assert error.where and error.where.startswith("t1.yaml:"), str(error)
            refused += 1
            continue
        accepted += 1
        for traits in TRAITS:
            body = _plan(config, traits)  # must not raise
            json.dumps(body, allow_nan=False)
            assert _string_keys(body), (text, body)
    assert accepted > 50 and refused > 50  # the sweep exercised both sides


# --- constants inside alternatives are fresh for every request ---

NESTED = HEAD + "  /obj: {from: [traits.nothing, {value: {k: [1]}}]}\n"


def test_a_constant_alternative_is_a_fresh_copy_for_every_request():
    config = planning_config(NESTED)
    first = _plan(config, {})
    first["obj"]["k"].append("first")  # what a consumer (an edit, a mutation) may do
    first["obj"]["x"] = "first"
    second = _plan(config, {})
    assert second["obj"] == {"k": [1]}
    assert second["obj"] is not first["obj"]
    spec = blueprints_for(config)["close"].spec
    constant = next(f for f in spec.fields if f.pointer == "/obj").value.sources[1].constant
    assert constant == {"k": [1]}


def test_a_field_written_inside_a_constant_alternative_does_not_leak_to_the_next_event():
    # The loader refuses "/m/0/x" after "/m/-"; the engine copies the constant anyway,
    # so a blueprint built without the loader cannot leak one event into the next.
    from dataclasses import replace

    from signaltui.core.blueprints.engine import compile_blueprint
    from signaltui.core.blueprints.registry import with_blueprints
    from signaltui.core.blueprints.spec import FieldSpec, ValueSpec

    config = planning_config(HEAD + "  /unused: {value: u}\n")
    spec = blueprints_for(config)["close"].spec
    constant = {"k": 1}
    nested = ValueSpec("from", sources=("traits.nothing", ValueSpec("value", constant=constant)))
    fields = (
        FieldSpec("/m/-", "x.yaml:1", nested),
        FieldSpec("/m/0/x", "x.yaml:2", ValueSpec("from", sources=("traits.title",))),
    )
    compiled = compile_blueprint(replace(spec, fields=fields), "US")
    unchecked = with_blueprints(config, {**blueprints_for(config), "close": compiled})
    assert _plan(unchecked, {"title": "CTO"})["m"] == [{"k": 1, "x": "CTO"}]
    assert _plan(unchecked, {})["m"] == [{"k": 1}]
    assert constant == {"k": 1}
