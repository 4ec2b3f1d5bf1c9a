"""Recordings as HAR 1.2 (HTTP Archive): the format browsers, proxies and HTTP tools share.

Each exchange that sent a request becomes one HAR entry. The HTTP part (method, URL,
headers, bodies, status, latency) sits in the standard ``request`` / ``response`` /
``timings`` fields, so any HAR viewer shows it. Everything else of the exchange (event,
decision with its trace, outcome, attempts, hint, id) sits in the entry's ``_signaltui``
block: HAR 1.2 reserves names that start with ``_`` for custom fields, and readers
ignore them.

An exchange without a request (dropped by the core: nothing went on the wire) is no
HTTP traffic, so it is not faked as an entry: it is kept whole, with its position, in
the log's own ``_signaltui.without_request`` list. That and the ``encoding`` note in each
entry (how the recorded bodies were typed) make export → import lossless; see
:mod:`signaltui.recordings.har_import` for the way back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final
from urllib.parse import parse_qsl, urlsplit

from signaltui import __version__
from signaltui.errors import RecordingError
from signaltui.recordings.model import Exchange
from signaltui.recordings.writer import redacted_exchange
from signaltui.replacement import Replacement

#: The ``format`` marker of the log-level ``_signaltui`` block.
HAR_FORMAT: Final = "signaltui.har"
#: Keys of an entry's ``_signaltui`` block that describe the HAR codec, not the exchange.
CODEC_KEY: Final = "encoding"


def body_kind(body: Any) -> str:
    """How a recorded body is typed: ``none``, ``text`` (a string) or ``json``."""
    if body is None:
        return "none"
    return "text" if isinstance(body, str) else "json"


def body_text(body: Any) -> str | None:
    """The body as the text of a HAR ``postData`` / ``content`` field."""
    kind = body_kind(body)
    if kind == "none":
        return None
    return body if kind == "text" else json.dumps(body, ensure_ascii=False)


def _header_list(headers: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"name": str(name), "value": str(value)} for name, value in headers.items()]


def _content_type(headers: Mapping[str, str], body: Any) -> str:
    for name, value in headers.items():
        if name.lower() == "content-type":
            return str(value)
    return "application/json" if body_kind(body) == "json" else "text/plain"


def _size(text: str | None) -> int:
    return len(text.encode("utf-8")) if text is not None else 0


def har_request(request: Mapping[str, Any]) -> dict[str, Any]:
    """A HAR ``request`` object for a recorded request (already redacted)."""
    headers: Mapping[str, str] = request.get("headers") or {}
    body = request.get("body")
    text = body_text(body)
    query = urlsplit(str(request["url"])).query
    har: dict[str, Any] = {
        "method": str(request["method"]),
        "url": str(request["url"]),
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _header_list(headers),
        "queryString": [
            {"name": k, "value": v} for k, v in parse_qsl(query, keep_blank_values=True)
        ],
        "headersSize": -1,
        "bodySize": _size(text),
    }
    if text is not None:
        har["postData"] = {"mimeType": _content_type(headers, body), "text": text}
    return har


def har_response(response: Mapping[str, Any] | None) -> dict[str, Any]:
    """A HAR ``response`` object; no response (a transport failure) is HAR's status 0."""
    if response is None:
        return {
            "status": 0,
            "statusText": "",
            "httpVersion": "",
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": "x-unknown"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        }
    headers: Mapping[str, str] = response.get("headers") or {}
    body = response.get("body")
    text = body_text(body)
    status = int(response["status"])
    content: dict[str, Any] = {"size": _size(text), "mimeType": _content_type(headers, body)}
    if text is not None:
        content["text"] = text
    location = next((str(v) for k, v in headers.items() if k.lower() == "location"), "")
    return {
        "status": status,
        "statusText": _phrase(status),
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _header_list(headers),
        "content": content,
        "redirectURL": location,
        "headersSize": -1,
        "bodySize": _size(text),
    }


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def har_entry(exchange: Exchange) -> dict[str, Any]:
    """The HAR entry of an exchange that has a request (redact it first)."""
    data = exchange.model_dump(mode="json")
    request, response = data.pop("request"), data.pop("response")
    if request is None:
        raise ValueError("an exchange without a request has no HAR entry")
    latency = float(response.get("latency_ms", 0.0)) if response is not None else 0.0
    data[CODEC_KEY] = {
        "request_body": body_kind(request.get("body")),
        "response_body": body_kind(response.get("body")) if response is not None else "none",
        "response": response is not None,
    }
    return {
        "startedDateTime": exchange.recorded_at,
        "time": latency,
        "request": har_request(request),
        "response": har_response(response),
        "cache": {},
        "timings": {"send": 0, "wait": latency, "receive": 0},
        "_signaltui": data,
    }


class HarWriter:
    """Writes exchanges as one HAR 1.2 file, redacted; same interface as ``RecordingWriter``.

    Entries are streamed to a temporary file beside ``path`` as they come, and the file
    replaces ``path`` only when the ``with`` block ends without an exception (a HAR is
    one JSON document: half of one is no use). Exchanges without a request wait in memory
    for the log's closing ``_signaltui`` block; they are small (no request, no response).
    """

    def __init__(
        self,
        path: Path,
        secrets: Iterable[str] = (),
        *,
        atomic: bool = True,
        stream: IO[str] | None = None,
    ):
        """``stream`` (e.g. stdout) is written instead of a file at ``path``, as entries
        come; ``path`` then only names it in errors, and the stream is never closed.
        ``atomic`` is accepted for ``RecordingWriter``'s sake: a file is always atomic."""
        self.path = Path(path)
        self._stream = stream
        self.secrets = tuple(secrets)
        #: Exchanges written so far.
        self.count = 0
        self._file: IO[str] | None = None
        self._replacement: Replacement | None = None
        self._entries = 0
        self._without_request: list[dict[str, Any]] = []

    def __enter__(self) -> HarWriter:
        if self._stream is not None:
            self._file = self._stream
            self._begin()
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # A HAR export carries lead PII, as recordings do: private (0600) from creation.
            self._replacement = Replacement(self.path)
            self._file = self._replacement.handle
        except OSError as exc:
            raise RecordingError(
                f"cannot write HAR file: {exc.strerror or exc}",
                where=str(self.path),
                hint="check that the folder exists and is writable",
            ) from exc
        self._begin()
        return self

    def _begin(self) -> None:
        assert self._file is not None
        creator = json.dumps({"name": "signaltui", "version": __version__})
        self._file.write('{"log": {"version": "1.2", "creator": ' + creator + ', "entries": [\n')

    def write(self, exchange: Exchange | Mapping[str, Any]) -> Exchange:
        """Redact ``exchange`` and add it; return what was written."""
        if self._file is None:
            raise RuntimeError("HarWriter.write() called outside its `with` block")
        redacted = redacted_exchange(exchange, self.secrets, where=str(self.path))
        if redacted.request is None:
            kept = {"position": self.count, **redacted.model_dump(mode="json")}
            self._without_request.append(kept)
        else:
            prefix = ",\n" if self._entries else ""
            self._file.write(prefix + json.dumps(har_entry(redacted), ensure_ascii=False))
            self._entries += 1
        self.count += 1
        return redacted

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._file is None:
            return
        handle, self._file = self._file, None
        if self._stream is not None:
            if exc_type is None:
                handle.write(self._closing())
            handle.flush()
            return
        replacement, self._replacement = self._replacement, None
        assert replacement is not None
        if exc_type is not None:
            replacement.discard()
            return
        try:
            handle.write(self._closing())
            replacement.commit()
        except OSError as exc:
            replacement.discard()
            raise RecordingError(
                f"cannot write HAR file: {exc.strerror or exc}", where=str(self.path)
            ) from exc

    def _closing(self) -> str:
        """The end of the document: the log's ``_signaltui`` block and the brackets."""
        block = {"format": HAR_FORMAT, "version": 1, "without_request": self._without_request}
        return '\n], "_signaltui": ' + json.dumps(block, ensure_ascii=False) + "}}\n"
