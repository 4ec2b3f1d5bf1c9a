"""The bad inputs of the sweep: event files, recordings, stores and configs, one builder each.

A case builds its files under ``tmp`` and returns the CLI arguments, extra environment, the
texts stderr must name (what and where), and the store whose contents must not change.
Kept apart from the test so the list reads as an inventory of what a user can get wrong.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import FIXTURES

GOOD_EVENT = FIXTURES / "events" / "demo-requested.json"


@dataclass
class Scenario:
    """One run of the CLI on bad input, and what its error must say."""

    args: list[str]
    expect: list[str]
    env: dict[str, str] = field(default_factory=dict)
    #: A store that must be byte-for-byte (or row-for-row) the same afterwards.
    db: Path | None = None
    #: Tables that may gain rows (never lose or change one): a replay send registers its
    #: run, for resuming, before it reads the first line.
    may_grow: tuple[str, ...] = ()


Builder = Callable[[Path, Path], Scenario]  # (tmp, seeded store copy) -> scenario
CASES: dict[str, Builder] = {}


def case(name: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        CASES[name] = builder
        return builder

    return register


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# -- event files: preview and send read them the same way ---------------------------------

EVENT_FILES: dict[str, tuple[str | bytes | None, list[str]]] = {
    # name: (content, or None for "no such file"; texts stderr must hold besides the path)
    "malformed-jsonl": ('{"type": "track", "event": "X"}\n{"type": \n', [":2", "invalid JSON"]),
    "unterminated-json": ('{"type": "track", "event": "Signed Up"', ["invalid JSON"]),
    "traits-as-list": ('{"type": "track", "event": "X", "traits": ["a"]}', ["'traits'"]),
    "type-unknown": ('{"type": "page", "event": "X"}', ["'type'"]),
    "track-without-name": ('{"type": "track", "traits": {}}', ["event"]),
    "array-of-numbers": ("[1, 2]", ["[0]", "expected a JSON object"]),
    "json-string": ('"just text"', ["expected a JSON object"]),
    "empty": ("", ["empty"]),
    "whitespace-only": ("  \n\n\t\n", ["empty"]),
    "binary": (bytes(range(256)) * 64, ["cannot read events"]),
    "utf16": ('{"type": "identify"}'.encode("utf-16"), ["cannot read events"]),
    "missing": (None, ["file not found"]),
    "huge-integer": ('{"type": "identify", "traits": {"phone": ' + "9" * 5000 + "}}", ["4300"]),
    "deep-nesting": ('{"type": "identify", "traits": ' + "[" * 100_000 + "]" * 100_000 + "}", []),
    "lone-surrogate": ('{"type": "track", "event": "Signed Up\\ud800"}', ["surrogate"]),
    "not-json-at-all": ("type=track event=Signed Up\n", ["invalid JSON"]),
}


def _event_case(command: str, name: str) -> None:
    content, expect = EVENT_FILES[name]

    @case(f"{command}-{name}")
    def build(tmp: Path, db: Path) -> Scenario:
        path = tmp / "events.jsonl"
        if content is not None:
            write(path, content)
        extra = ["--target", "mock"] if command == "send" else []
        return Scenario(["--db", str(db), command, str(path), *extra], [str(path), *expect], db=db)


for _command in ("preview", "send"):
    for _name in EVENT_FILES:
        _event_case(_command, _name)


@case("preview-directory-as-file")
def _dir_as_events(tmp: Path, db: Path) -> Scenario:
    return Scenario(["preview", str(tmp)], [str(tmp), "cannot read events"])


# -- recordings: replay verify and replay send --------------------------------------------


def recording_line(**changes: object) -> str:
    """A valid version-1 exchange line (dropped, so replay needs no network), edited."""
    line: dict[str, object] = {
        "format": "signaltui.recording",
        "version": 1,
        "id": "x1",
        "recorded_at": "2026-11-23T09:00:00Z",
        "destination": "close",
        "target": "mock",
        "event": {"type": "track", "event": "Page Viewed"},
        "decision": {"action": "drop", "reason": "event_not_mapped"},
        "request": None,
        "response": None,
        "outcome": "dropped",
        "attempts": 0,
    }
    line.update(changes)
    return json.dumps(line)


RECORDINGS: dict[str, tuple[str | bytes | None, list[str]]] = {
    "unknown-version": (recording_line(version=7) + "\n", [":1", "version"]),
    "truncated-last-line": (recording_line() + "\n" + recording_line()[:40], [":2", "truncated"]),
    "not-json": ("this is not a recording\n", [":1", "invalid JSON"]),
    "array-line": ("[1, 2, 3]\n", [":1", "JSON object"]),
    "binary": (b"\xff\xfe\x00garbage\n" * 10, [":1", "UTF-8"]),
    "wrong-field-type": (recording_line(attempts="two") + "\n", [":1", "attempts"]),
    "missing": (None, ["no such recording"]),
    "huge-integer": (
        recording_line(event={"type": "identify", "traits": {"title": 1}}).replace(
            '"title": 1', '"title": ' + "7" * 5000
        )
        + "\n",
        [":1", "4300"],
    ),
    "deep-nesting": (
        recording_line(event="@").replace('"@"', "[" * 100_000 + "]" * 100_000) + "\n",
        [":1", "nested too deeply"],
    ),
    "lone-surrogate": (recording_line(id="@").replace("@", "x\\ud800") + "\n", [":1", "surrogate"]),
}


def _recording_case(mode: str, name: str) -> None:
    content, expect = RECORDINGS[name]

    @case(f"replay-{mode}-{name}")
    def build(tmp: Path, db: Path) -> Scenario:
        path = tmp / "bad.jsonl"
        if content is not None:
            write(path, content)
        args = ["--db", str(db), "replay", str(path), "--mode", mode]
        # In send mode the good first line of a truncated file is delivered and stored;
        # a bad first line fails before a replay run is recorded.
        grow = ("*",) if mode == "send" and name == "truncated-last-line" else ()
        return Scenario(args, [str(path), *expect], db=db, may_grow=grow)


for _mode in ("verify", "send"):
    for _name in RECORDINGS:
        _recording_case(_mode, _name)


def _report_case(option: str) -> None:
    @case(f"replay-{option.strip('-')}-under-a-file")
    def build(tmp: Path, db: Path) -> Scenario:
        recording = write(tmp / "ok.jsonl", recording_line() + "\n")
        blocker = write(tmp / "reports", "a file where a folder is needed")
        report = blocker / "out" / "report.txt"
        args = ["--db", str(db), "replay", str(recording), option, str(report)]
        return Scenario(args, [str(report), "is a file, not a folder"], db=db)


for _option in ("--json", "--junit"):
    _report_case(_option)


# -- the store: every command that opens one ----------------------------------------------

STORE_COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "send": lambda tmp: ["send", str(GOOD_EVENT), "--target", "mock"],
    "replay-send": lambda tmp: [
        "replay",
        write(tmp / "ok.jsonl", recording_line() + "\n").as_posix(),
        "--mode",
        "send",
    ],
    "events-list": lambda tmp: ["events", "list"],
    "export": lambda tmp: ["recordings", "export", "-o", str(tmp / "out.jsonl")],
    "bundle": lambda tmp: ["bundle", "1", "-o", str(tmp / "b.zip")],
}


def not_sqlite(db: Path) -> list[str]:
    write(db, b"this is a text file, not SQLite\n" * 200)
    return ["not a readable SQLite database"]


def newer_schema(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    return ["999"]


STORES: dict[str, Callable[[Path], list[str]]] = {
    "not-sqlite": not_sqlite,
    "newer-schema": newer_schema,
}


def _store_case(command: str, name: str) -> None:
    @case(f"{command}-store-{name}")
    def build(tmp: Path, db: Path) -> Scenario:
        expect = STORES[name](db)
        return Scenario(["--db", str(db), *STORE_COMMANDS[command](tmp)], [str(db), *expect], db=db)


for _command in STORE_COMMANDS:
    for _name in STORES:
        _store_case(_command, _name)


@case("send-store-parent-is-a-file")
def _parent_file(tmp: Path, db: Path) -> Scenario:
    blocker = write(tmp / "blocker", "x")
    path = blocker / "store.db"
    return Scenario(["--db", str(path), *STORE_COMMANDS["send"](tmp)], [str(blocker), "cannot"])


@case("send-store-is-a-directory-via-env")
def _dir_db(tmp: Path, db: Path) -> Scenario:
    env = {"SIGNALTUI_DB": str(tmp)}
    return Scenario(STORE_COMMANDS["send"](tmp), ["--db", str(tmp), "is a directory"], env)


# -- configuration: file and environment ---------------------------------------------------

CONFIGS: dict[str, tuple[str | bytes, list[str]]] = {
    "toml-syntax": ("[delivery\nmax_attempts = 3\n", ["TOML"]),
    "wrong-type": ('[delivery]\nmax_attempts = "three"\n', ["delivery.max_attempts"]),
    "negative-attempts": ("[delivery]\nmax_attempts = -1\n", ["delivery.max_attempts"]),
    "unknown-destination": ('[mapping.consent]\nhubspot = ["marketing"]\n', ["hubspot"]),
    "unknown-key": ("colour = 'blue'\n", ["colour"]),
    "delivery-unknown-key": ("[delivery]\nmax_attempt = 3\n", ["delivery.max_attempt"]),
    "region-number": ("[mapping]\ndefault_region = 44\n", ["default_region"]),
    "binary": (b"\xff\xfe\x00\x01" * 50, ["config"]),
}


def _config_case(name: str) -> None:
    content, expect = CONFIGS[name]

    @case(f"config-{name}")
    def build(tmp: Path, db: Path) -> Scenario:
        path = write(tmp / "config.toml", content)
        args = ["--config", str(path), "--db", str(db), "send", str(GOOD_EVENT)]
        return Scenario(args, [str(path), *expect], db=db)


for _name in CONFIGS:
    _config_case(_name)


@case("config-missing-file")
def _config_missing(tmp: Path, db: Path) -> Scenario:
    path = tmp / "nope.toml"
    return Scenario(["--config", str(path), "preview", str(GOOD_EVENT)], [str(path), "not found"])


ENV_CONFIGS: dict[str, tuple[str, str, list[str]]] = {
    # name: (variable, value, texts stderr must hold besides the variable's name)
    "max-attempts-abc": ("SIGNALTUI_DELIVERY__MAX_ATTEMPTS", "abc", ["delivery.max_attempts"]),
    "delivery-unknown-key": ("SIGNALTUI_DELIVERY__BOGUS", "1", ["delivery.bogus"]),
    "delivery-not-json": ("SIGNALTUI_DELIVERY", "max_attempts=3", ["not valid JSON"]),
}


def _env_config_case(name: str) -> None:
    variable, value, expect = ENV_CONFIGS[name]

    @case(f"config-env-{name}")
    def build(tmp: Path, db: Path) -> Scenario:
        args = ["--db", str(db), "send", str(GOOD_EVENT)]
        return Scenario(args, [variable, *expect], {variable: value}, db=db)


for _name in ENV_CONFIGS:
    _env_config_case(_name)


@case("config-env-dedupe-maybe")
def _env_dedupe(tmp: Path, db: Path) -> Scenario:
    env = {"SIGNALTUI_APOLLO_DEDUPE": "maybe"}
    return Scenario(["preview", str(GOOD_EVENT)], ["SIGNALTUI_APOLLO_DEDUPE"], env)


__all__ = ["CASES", "GOOD_EVENT", "STORE_COMMANDS", "Scenario", "recording_line"]
