"""The generated and hostile inputs of the hardening run, and the runs that count them.

Shared by ``bench_hardening.py`` (full size) and ``tests/integration/test_hardening.py``
(small size). Every figure is counted from a real run of the CLI (click's runner, in
process) against the in-process mock and a real SQLite file: a *traceback* is any
exception other than the clean ``SystemExit`` of an exit code.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from signaltui.cli import main
from signaltui.errors import SignaltuiError
from signaltui.inputs import parse_events_text
from signaltui.limits import MAX_JSON_DEPTH

EVENT_NAMES = ["Demo Requested", "Lead Submitted", "Trial Started", "Signed Up", "Webinar"]
TRAIT_KEYS = ["firstName", "first_name", "lastName", "last_name", "email", "company", "title",
              "phone", "name", "website", "job_title", "phone_number"]  # fmt: skip
ODD_TEXT = ["", " ", "\u200b", "é", "名前", "🚀", "O'Brien", 'a"b', "a\\b", "\n\t", "\x00",
            "\u202e", "x" * 300, "NULL", "null", "<script>", "%s", "{}", "٣"]  # fmt: skip


@dataclass
class Tally:
    """What a run saw: cases tried, tracebacks, clean exit codes, and notes."""

    tried: int = 0
    tracebacks: int = 0
    #: Generated events the reader refused with a clear error (ill-typed on purpose).
    refused: int = 0
    exits: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, result: Result, *, case: bool = True) -> None:
        """Count one CLI run (as a case tried unless ``case`` is false); anything but a
        clean exit is a traceback."""
        self.tried += case
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        if crashed or "Traceback" in result.output:
            self.tracebacks += 1
            self.notes.append(f"{name}: {type(result.exception).__name__}: {result.exception}")
        else:
            self.exits[result.exit_code] = self.exits.get(result.exit_code, 0) + 1


def isolated_env(home: Path) -> None:
    """Point signaltui at ``home`` (config, store, tokens) and drop other settings."""
    for name in list(os.environ):
        if name.startswith("SIGNALTUI_"):
            del os.environ[name]
    (home / "config.toml").write_text("")
    os.environ["SIGNALTUI_CONFIG"] = str(home / "config.toml")
    os.environ["SIGNALTUI_DB"] = str(home / "default.db")
    os.environ["SIGNALTUI_TOKEN_FILE"] = str(home / "tokens.json")


def cli(*args: str) -> Result:
    """The CLI in process, exceptions caught so the tally can tell them apart."""
    return CliRunner().invoke(main, list(args), catch_exceptions=True)


# -- generated events ----------------------------------------------------------------------


def _value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(ODD_TEXT) + rng.choice(["", str(rng.randint(0, 99))])
    if roll < 0.5:
        return rng.choice([0, -1, 2**31, 2**63, 10**30, 1.5, -0.0, 1e300])
    if roll < 0.6:
        return rng.choice([True, False, None])
    if roll < 0.8 or depth > 6:
        return "".join(rng.choice("abcXYZ 09-_.@+") for _ in range(rng.randint(0, 20)))
    if roll < 0.9:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {f"k{n}": _value(rng, depth + 1) for n in range(rng.randint(0, 3))}


def _email(rng: random.Random, number: int) -> Any:
    good = f"fz{number}@example.test"
    return rng.choice([good, good, good, f"  {good.upper()} ", "not-an-email", "a@b", "",
                       f"fz{number}@exämple.test", None, 42, ["x@y.z"]])  # fmt: skip


def _deep(rng: random.Random) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(rng.randint(1, MAX_JSON_DEPTH - 4)):
        value = {"n": value}
    return value


def generated_event(rng: random.Random, number: int) -> dict[str, Any]:
    """One seeded, odd but mostly well-typed event (about 1 in 20 is ill-typed)."""
    kind = "identify" if rng.random() < 0.15 else "track"
    traits = {key: _value(rng) for key in rng.sample(TRAIT_KEYS, rng.randint(0, 8))}
    traits["email"] = _email(rng, number)
    if rng.random() < 0.5:
        traits["firstName"], traits["lastName"] = "Jane", f"Doe{number}"
    if rng.random() < 0.2:
        traits["company"] = rng.choice([{"name": _value(rng)}, _value(rng)])
    consent = rng.choice([{"marketing": True}] * 3 + [{"marketing": _value(rng)}, {}, None])
    event: dict[str, Any] = {
        "type": kind,
        "userId": f"u{number % 97}",
        "traits": traits,
        "properties": {"lead_source": _value(rng)} if rng.random() < 0.7 else {},
        "context": {"consent": consent, "page": {"url": _value(rng)}},
        "messageId": f"fz-{number}",
    }
    if kind == "track":
        event["event"] = rng.choice([*EVENT_NAMES, rng.choice(ODD_TEXT) + "x"])
    if rng.random() < 0.05:
        event["properties"]["deep"] = _deep(rng)
    if rng.random() < 0.05:  # ill-typed on purpose: the reader must refuse it cleanly
        event[rng.choice(["traits", "userId", "context", "type"])] = _value(rng)
    return event


def run_fuzz(count: int, workdir: Path, *, seed: int = 11, chunk: int = 250) -> Tally:
    """``count`` generated events through the reader, preview and send (mock + store).

    Each event is first read on its own (ill-typed ones must be refused with an
    ``InputError``); the readable ones then go in chunks through ``preview --json`` and
    ``send -d all --json`` into one store, which must end with one event row per event
    and three deliveries per event.
    """
    rng = random.Random(seed)
    tally = Tally()
    readable: list[str] = []
    for number in range(count):
        line = json.dumps(generated_event(rng, number), ensure_ascii=False)
        tally.tried += 1
        try:
            parse_events_text(line, source=f"fuzz:{number}")
        except SignaltuiError:
            tally.refused += 1
            continue
        except Exception as exc:  # the point: count what is not a clean refusal
            tally.tracebacks += 1
            tally.notes.append(f"fuzz:{number}: {type(exc).__name__}: {exc}")
            continue
        readable.append(line)
    db = workdir / "fuzz.db"
    for start in range(0, len(readable), chunk):
        path = workdir / f"fuzz-{start}.jsonl"
        path.write_text("\n".join(readable[start : start + chunk]) + "\n", encoding="utf-8")
        previewed = cli("preview", str(path), "--json")
        tally.add(f"preview {path.name}", previewed, case=False)
        sent = cli("--db", str(db), "send", str(path), "-d", "all", "--json")
        tally.add(f"send {path.name}", sent, case=False)
    if readable:
        _check_store(db, len(readable), tally)
    return tally


def _check_store(db: Path, events: int, tally: Tally) -> None:
    """One event row per event, three deliveries each, and every Close request carrying
    its own event's email; each miss counts as a traceback (a silent wrong row)."""
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    uneven = conn.execute(
        "SELECT count(*) FROM (SELECT event_id FROM deliveries GROUP BY event_id "
        "HAVING count(*) != 3)"
    ).fetchone()[0]
    requests = conn.execute(
        "SELECT e.email, coalesce(d.request_json, a.request_json) FROM deliveries d "
        "JOIN events e ON e.id = d.event_id JOIN attempts a ON a.delivery_id = d.id "
        "AND a.number = d.attempt_count WHERE d.destination = 'close'"
    ).fetchall()
    conn.close()
    mislinked = 0
    for email, request_json in requests:
        contacts = json.loads(request_json)["body"].get("contacts") or [{}]
        sent = [e.get("email") for e in contacts[0].get("emails", [])]
        mislinked += bool(sent) and sent[0] != email
    if rows != events or uneven or mislinked:
        tally.tracebacks += 1
        tally.notes.append(f"store: {rows} event rows for {events} events, {uneven} events "
                           f"without 3 deliveries, {mislinked} mislinked requests")  # fmt: skip


# -- hostile files -------------------------------------------------------------------------


def _nested_event(levels: int) -> str:
    value: dict[str, Any] = {}
    for _ in range(levels):
        value = {"a": value}
    return json.dumps({"type": "track", "event": "Demo Requested", "properties": value})


GOOD = '{"type": "track", "event": "Demo Requested", "traits": {"email": "h@x.test"}}'
HOSTILE_CONTENT: dict[str, bytes] = {
    "empty": b"",
    "blank-lines": b"\n \n\t\n" * 1000,
    "bom-only": b"\xef\xbb\xbf",
    "binary": random.Random(5).randbytes(4096),
    "invalid-utf8": b'{"type": "track", "event": "\xff\xfe"}',
    "nul-bytes": b'{"type": "track", "event": "a\x00b"}',
    "deep-array-100k": b"[" * 100_000 + b"]" * 100_000,
    "deep-event-300": _nested_event(300).encode(),
    "lone-surrogate": b'{"type": "track", "event": "x\\ud800"}',
    "huge-integer": b'{"type": "track", "event": "x", "properties": {"n": ' + b"9" * 5000 + b"}}",
    "nan": b'{"type": "track", "event": "Demo Requested", "properties": {"n": NaN}}',
    "infinity": b'{"type": "track", "event": "Demo Requested", "traits": {"phone": Infinity}}',
    "numbers": b"[1, 2, 3]",
    "a-string": b'"hello"',
    "truncated": b'{"type": "track", "event": ',
    "crlf": (GOOD + "\r\n" + GOOD + "\r\n").encode(),
    # The line cap is for JSON Lines; one document on one line has only the file cap.
    "long-document": b'{"type": "track", "event": "x", "p": "' + b"y" * (5 << 20) + b'"}\n',
    "long-jsonl-line": (GOOD + "\n").encode() + b'{"p": "' + b"y" * (5 << 20) + b'"}\n',
    "many-good-then-bad": ((GOOD + "\n") * 50 + "{bad\n").encode(),
}


@contextmanager
def _hostile_paths(workdir: Path) -> Iterator[dict[str, Path]]:
    """Every hostile path: the files above plus a FIFO, a device, a folder, a missing
    file and a symlink loop. A helper thread unblocks the FIFO if a reader hangs on it."""
    paths = {}
    for name, content in HOSTILE_CONTENT.items():
        paths[name] = workdir / f"{name}.jsonl"
        paths[name].write_bytes(content)
    fifo = workdir / "fifo.jsonl"
    os.mkfifo(fifo)
    paths.update({"fifo": fifo, "dev-zero": Path("/dev/zero"), "folder": workdir,
                  "missing": workdir / "missing.jsonl"})  # fmt: skip
    loop = workdir / "loop.jsonl"
    loop.symlink_to(loop)
    paths["symlink-loop"] = loop
    stop = threading.Event()

    def unblock() -> None:
        # Opening the write end without blocking succeeds only while a reader waits on
        # it; closing it again hands that reader an end of file.
        while not stop.wait(5):
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    thread = threading.Thread(target=unblock, daemon=True)
    thread.start()
    try:
        yield paths
    finally:
        stop.set()
        thread.join()


HOSTILE_COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "preview": lambda path, db: ["preview", str(path), "--json"],
    "send": lambda path, db: ["--db", str(db), "send", str(path), "-d", "all"],
    "replay": lambda path, db: ["--db", str(db), "replay", str(path)],
}


def run_hostile(workdir: Path, *, names: list[str] | None = None) -> Tally:
    """Every hostile path through preview, send (mock) and replay verify."""
    tally = Tally()
    db = workdir / "hostile.db"
    with _hostile_paths(workdir) as paths:
        for name, path in paths.items():
            if names is not None and name not in names:
                continue
            for command, build in HOSTILE_COMMANDS.items():
                tally.add(f"{command} {name}", cli(*build(path, db)))
    return tally


class Gate:
    """ASGI middleware holding lead creations until :attr:`opened` is set, so the first
    replay is certainly still running when the second one reaches the lock (used by
    bench_hardening.py and tests/integration/test_replay_run_lock.py)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.arrived = threading.Event()
        self.opened = threading.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and "lead" in scope["path"]:
            self.arrived.set()
            while not self.opened.is_set():
                await asyncio.sleep(0.01)
        await self.app(scope, receive, send)
