"""Fast line output for commands that print a lot (``preview`` of a large stream).

``click.echo`` per line checks the terminal, encodes and flushes every time, which cost
more than mapping the events. :class:`LineWriter` encodes each line once and hands the
bytes to stdout in large chunks. JSON goes through orjson when it is installed (the
``fast`` extra), with exactly the bytes the standard library would write:
:func:`dumps` falls back to ``json`` for anything orjson would spell differently.
"""

from __future__ import annotations

import json
import sys
from types import TracebackType
from typing import Any, BinaryIO

import click
from click.globals import resolve_color_default

from signaltui.fastjson import encode, encode_floatless, has_float

#: One reused encoder: ``json.dumps`` with options builds a new one on every call.
_STDLIB = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

#: Bytes gathered before a write to stdout.
CHUNK = 1 << 16


def dumps_stdlib(value: Any) -> bytes:
    """Compact JSON (keys in order, UTF-8, no ASCII escaping) by the standard library."""
    return _STDLIB.encode(value).encode("utf-8")


def dumps(value: Any) -> bytes:
    """The same bytes as :func:`dumps_stdlib`, through orjson when that is safe
    (:mod:`signaltui.fastjson`)."""
    fast = encode(value)
    return dumps_stdlib(value) if fast is None else fast


def dumps_contract(contract: dict[str, Any]) -> bytes:
    """:func:`dumps` of a decision's preview JSON object (``Decision.to_contract``).

    Only the request body holds values taken from events and blueprint constants; the
    rest (names, reasons, headers, warnings, trace rows) is text, booleans and nulls by
    construction, so only the body is searched for floats.
    """
    request = contract.get("request")
    floats = request is not None and has_float(request["body"])
    fast = None if floats else encode_floatless(contract)
    return dumps_stdlib(contract) if fast is None else fast


class LineWriter:
    """Buffered lines to stdout; use as a context manager so the tail is written.

    ANSI styles are removed when stdout is not a terminal, as ``click.echo`` does.
    """

    def __init__(self, stream: BinaryIO | None = None) -> None:
        text_stream = sys.stdout
        text_stream.flush()  # anything printed before stays in front
        self._out: BinaryIO = stream if stream is not None else text_stream.buffer
        color = resolve_color_default()
        self._strip = not text_stream.isatty() if color is None else not color
        self._parts: list[bytes] = []
        self._size = 0

    def json(self, value: Any) -> None:
        """One JSON object per line (JSON Lines)."""
        self._add(dumps(value))

    def contract(self, contract: dict[str, Any]) -> None:
        """One decision's preview JSON object per line (see :func:`dumps_contract`)."""
        self._add(dumps_contract(contract))

    def text(self, text: str) -> None:
        """One line of text for people."""
        self._add((click.unstyle(text) if self._strip else text).encode("utf-8"))

    def _add(self, line: bytes) -> None:
        self._parts.append(line)
        self._size += len(line) + 1
        if self._size >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Write what is gathered."""
        if self._parts:
            self._parts.append(b"")  # for the last newline
            data = b"\n".join(self._parts)
            self._parts, self._size = [], 0
            self._out.write(data)
        self._out.flush()

    def __enter__(self) -> LineWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.flush()
