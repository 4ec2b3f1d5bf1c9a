"""``signaltui mock check``: how far the mocks' answers have drifted from recorded ones.

Each recorded request is sent again, in recorded order, to a fresh in-process mock (or
a running mock server on loopback), and the mock's answer is compared with the recorded
answer *structurally* (:mod:`signaltui.replay.shape`): status, body keys and types,
header names. Recordings of live traffic (e.g. a HAR capture imported with
``recordings import``) thereby become a fidelity test of the mocks.

Two things make a recorded request replayable against a mock:

- Credentials were masked when recorded, so each masked one is replaced by one the
  mock accepts (the configured credentials, or the mock placeholders). Outreach access
  tokens come from the mock's own token endpoint, as a client would get them, and each
  rotated refresh token is used for the next refresh.
- Ids differ: the id a mock gives a record is not the one the real CRM gave. When a
  recorded answer and the mock's carry an ``id`` at the same place, later requests have
  the recorded id replaced by the mock's (in the URL path, query and JSON body), so a
  recorded ``GET /api/v1/lead/lead_abc/`` asks for the lead the mock made.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from signaltui.config import Credentials
from signaltui.core.request import MASK
from signaltui.recordings import Exchange, iter_exchanges, iter_paths
from signaltui.replay.ignore import without
from signaltui.replay.shape import Drift, answer_drift

#: Request headers not replayed: httpx sets them for the body and connection it sends.
_HOP_HEADERS = frozenset({"host", "content-length", "connection", "accept-encoding", "cookie"})
#: Body and query fields whose masked value is replaced by a credential the mock accepts.
_FIELD_CREDENTIALS = {
    "api_key": "apollo_api_key",
    "client_id": "outreach_client_id",
    "client_secret": "outreach_client_secret",
}


@dataclass
class CheckResult:
    """How one recorded exchange compared with the mock's answer."""

    exchange_id: str
    destination: str
    request_line: str
    source: str
    #: ``same`` | ``drift`` | ``skip``
    status: str
    drifts: list[Drift] = field(default_factory=list)
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON form for ``--json`` reports."""
        data: dict[str, Any] = {
            "id": self.exchange_id,
            "destination": self.destination,
            "request": self.request_line,
            "source": self.source,
            "status": self.status,
        }
        if self.drifts:
            data["drifts"] = [d.to_json() for d in self.drifts]
        if self.message:
            data["message"] = self.message
        return data


@dataclass
class CheckSummary:
    """Counts of a whole check; :attr:`ok` decides the exit code."""

    same: int = 0
    drift: int = 0
    skip: int = 0
    ignored: tuple[str, ...] = ()

    def add(self, result: CheckResult) -> None:
        """Count one result."""
        setattr(self, result.status, getattr(self, result.status) + 1)

    @property
    def compared(self) -> int:
        """Exchanges whose answers were compared."""
        return self.same + self.drift

    @property
    def ok(self) -> bool:
        """No drift, and at least one answer compared (never a pass on nothing)."""
        return self.drift == 0 and self.compared > 0

    def describe(self) -> str:
        """The closing line for people."""
        text = f"mock check: {self.compared} answer(s) compared, {self.same} same, "
        text += f"{self.drift} drifted; {self.skip} skipped"
        if self.ignored:
            text += f"; ignored: {', '.join(self.ignored)}"
        if self.compared == 0:
            text += "\nnothing was compared: no exchange has both a request and a recorded answer"
        return text

    def to_json(self) -> dict[str, Any]:
        """JSON form for ``--json`` reports."""
        return {
            "compared": self.compared,
            "same": self.same,
            "drift": self.drift,
            "skip": self.skip,
            "ignored": list(self.ignored),
            "ok": self.ok,
        }


def recorded_exchanges(
    paths: Iterable[Path], secrets: Iterable[str]
) -> Iterator[tuple[str, Exchange]]:
    """``(source, exchange)`` from recordings (``*.jsonl``, folders) and ``.har`` files."""
    from signaltui.recordings.har_import import import_har

    for path in iter_paths(list(paths)):
        if path.suffix.lower() == ".har":
            for number, exchange in enumerate(import_har(path, secrets).exchanges, 1):
                yield f"{path}#{number}", exchange
        else:
            for line, exchange in iter_exchanges(path):
                yield f"{path}:{line}", exchange


class MockChecker:
    """Replays recorded requests through ``client`` (a mock) and compares the answers."""

    def __init__(
        self, client: httpx.AsyncClient, credentials: Credentials, ignore: tuple[str, ...] = ()
    ) -> None:
        self.client = client
        self.credentials = credentials.with_mock_placeholders()
        self.ignore = ignore
        self.ids: dict[str, str] = {}
        self._refresh = self.credentials.get("outreach_refresh_token") or ""
        self._access: str | None = None

    async def check(self, exchange: Exchange, source: str) -> CheckResult:
        """Send one recorded request to the mock; compare its answer with the recorded one."""
        request, recorded = exchange.request, exchange.response
        line = f"{request.method} {urlsplit(request.url).path}" if request else "(no request)"
        result = CheckResult(exchange.id, exchange.destination, line, source, "skip")
        if request is None:
            result.message = "no request was sent (dropped by the core)"
            return result
        if recorded is None:
            result.message = "no recorded answer to compare (the connection failed)"
            return result
        method, url, headers, content = await self._wire(exchange)
        answer = await self.client.request(method, url, headers=headers, content=content)
        body = _parsed(answer)
        self._learn(exchange, recorded.body, body)
        result.drifts = answer_drift(
            recorded.status,
            without(recorded.body, self.ignore),
            recorded.headers,
            answer.status_code,
            without(body, self.ignore),
            dict(answer.headers),
        )
        result.status = "drift" if result.drifts else "same"
        return result

    async def _wire(self, exchange: Exchange) -> tuple[str, str, dict[str, str], bytes | None]:
        assert exchange.request is not None
        request = exchange.request
        parts = urlsplit(request.url)
        path = "/".join(self.ids.get(seg, seg) for seg in parts.path.split("/"))
        query = [(k, self._field(k, self.ids.get(v, v))) for k, v in parse_qsl(parts.query)]
        url = path + (f"?{urlencode(query)}" if query else "")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        for name in list(headers):
            if name.lower() == "x-api-key":
                headers[name] = self._secret("apollo_api_key")
            elif name.lower() == "authorization":
                headers[name] = await self._authorization(exchange.destination, path)
        body = request.body
        if isinstance(body, str):
            kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
            if "x-www-form-urlencoded" in kind:
                pairs = parse_qsl(body, keep_blank_values=True)
                body = urlencode([(k, self._field(k, v)) for k, v in pairs])
            return request.method, url, headers, body.encode("utf-8")
        if body is None:
            return request.method, url, headers, None
        return request.method, url, headers, json.dumps(self._translate(body)).encode("utf-8")

    def _secret(self, name: str) -> str:
        return self.credentials.get(name) or ""

    def _field(self, key: str, value: str) -> str:
        """A masked credential field (query, form or JSON) given a value the mock accepts."""
        if value != MASK:
            return value
        if key == "refresh_token":
            return self._refresh
        credential = _FIELD_CREDENTIALS.get(key)
        return self._secret(credential) if credential else value

    async def _authorization(self, destination: str, path: str) -> str:
        if destination == "close":
            return _basic(self._secret("close_api_key"), "")
        if destination == "outreach":
            if path.startswith("/oauth/"):
                return _basic(
                    self._secret("outreach_client_id"), self._secret("outreach_client_secret")
                )
            return f"Bearer {await self._outreach_access()}"
        return f"Bearer {self._secret('apollo_api_key')}"

    async def _outreach_access(self) -> str:
        """An access token from the mock's own token endpoint (kept until a new one comes)."""
        if self._access is None:
            form = {
                "grant_type": "refresh_token",
                "client_id": self._secret("outreach_client_id"),
                "client_secret": self._secret("outreach_client_secret"),
                "refresh_token": self._refresh,
            }
            answer = await self.client.post("/oauth/token", data=form)
            self._learn_tokens(_parsed(answer))
        return self._access or ""

    def _learn_tokens(self, body: Any) -> None:
        if isinstance(body, dict):
            if isinstance(body.get("access_token"), str):
                self._access = body["access_token"]
            if isinstance(body.get("refresh_token"), str):
                self._refresh = body["refresh_token"]

    def _learn(self, exchange: Exchange, recorded: Any, mock: Any) -> None:
        self._learn_tokens(mock)
        _pair_ids(recorded, mock, self.ids)

    def _translate(self, value: Any) -> Any:
        """A JSON body with recorded ids swapped for the mock's and masked fields filled."""
        if isinstance(value, dict):
            return {
                k: self._field(k, v) if isinstance(v, str) and v == MASK else self._translate(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self._translate(item) for item in value]
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value) in self.ids:
            mapped = self.ids[str(value)]
            return int(mapped) if isinstance(value, int) and mapped.isdigit() else mapped
        return value


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _parsed(answer: httpx.Response) -> Any:
    if not answer.content:
        return None
    try:
        return answer.json()
    except ValueError:
        return answer.text


def _pair_ids(recorded: Any, mock: Any, ids: dict[str, str]) -> None:
    """Learn ``recorded id -> mock id`` wherever both answers have an ``id`` at one place."""
    if isinstance(recorded, dict) and isinstance(mock, dict):
        for key, value in recorded.items():
            if key not in mock:
                continue
            other = mock[key]
            if key == "id" and isinstance(value, str | int) and isinstance(other, str | int):
                if str(value) != str(other):
                    ids[str(value)] = str(other)
            else:
                _pair_ids(value, other, ids)
    elif isinstance(recorded, list) and isinstance(mock, list):
        for left, right in zip(recorded, mock, strict=False):
            _pair_ids(left, right, ids)


async def run_mock_check(
    items: Iterable[tuple[str, Exchange]],
    checker: MockChecker,
    on_result: Callable[[CheckResult], None],
) -> CheckSummary:
    """Check every exchange in order (order matters: the mock's state builds up)."""
    summary = CheckSummary(ignored=checker.ignore)
    for source, exchange in items:
        result = await checker.check(exchange, source)
        summary.add(result)
        on_result(result)
    return summary
