"""Structural comparison of two answers: status, body keys and types, header names.

Values are never compared (ids, timestamps and counters differ between any two runs);
what must agree is the *shape*: which keys an object has, what JSON type each value is,
and the shape of list items. The items of a list are merged into one shape first (keys
of every item, types seen anywhere), so a list of three contacts compares with a list of
one. ``null`` agrees with every type: APIs send ``null`` for a field that has no value
yet, and that is a value, not a change of shape.

Header names are compared case-insensitively, leaving out the ones that describe the
transport or the edge in front of an API rather than the API (``date``, ``server``,
``cf-ray``, caching, security policy…): a real answer carries dozens of those, a mock
none, and none of them is something a client reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Header names (lower-case) that are not part of an API's answer shape.
TRANSPORT_HEADERS = frozenset(
    {
        "age", "alt-svc", "cache-control", "connection", "content-encoding", "content-length",
        "content-security-policy", "date", "etag", "expect-ct", "expires", "keep-alive",
        "last-modified", "nel", "permissions-policy", "pragma", "referrer-policy", "report-to",
        "server", "server-timing", "set-cookie", "strict-transport-security",
        "transfer-encoding", "vary", "via", "x-content-type-options", "x-frame-options",
        "x-powered-by", "x-request-id", "x-runtime", "x-xss-protection", "x-cache",
        "x-served-by", "x-timer",
    }
)  # fmt: skip
#: Prefixes of header names left out for the same reason.
TRANSPORT_PREFIXES = ("cf-", "x-amz", "x-envoy-", "access-control-", "x-datadog-", "x-b3-")


@dataclass(frozen=True)
class Drift:
    """One way the mock's answer differs from the recorded one."""

    #: ``status``, ``body``, ``body.contacts[].emails``, ``header x-rate-limit-limit``…
    where: str
    #: ``status`` | ``type`` | ``missing`` (only recorded) | ``extra`` (only the mock's).
    kind: str
    recorded: str
    mock: str

    def describe(self) -> str:
        """One line for people."""
        if self.kind == "missing":
            return f"{self.where}: in the recorded answer ({self.recorded}), not the mock's"
        if self.kind == "extra":
            return f"{self.where}: in the mock's answer ({self.mock}), not the recorded one"
        return f"{self.where}: recorded {self.recorded}, mock {self.mock}"

    def to_json(self) -> dict[str, str]:
        """JSON form for ``--json`` reports."""
        return {
            "where": self.where,
            "kind": self.kind,
            "recorded": self.recorded,
            "mock": self.mock,
        }


def json_type(value: Any) -> str:
    """The JSON type name of a parsed value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def merged(items: list[Any]) -> Any:
    """One value standing for every item of a list: objects unite their keys."""
    objects = [i for i in items if isinstance(i, dict)]
    if objects and len(objects) == len([i for i in items if i is not None]):
        keys: dict[str, list[Any]] = {}
        for item in objects:
            for key, value in item.items():
                keys.setdefault(key, []).append(value)
        return {key: _representative(values) for key, values in keys.items()}
    present = [i for i in items if i is not None]
    return present[0] if present else None


def _representative(values: list[Any]) -> Any:
    if any(isinstance(v, list) for v in values):
        return [item for v in values if isinstance(v, list) for item in v]
    if any(isinstance(v, dict) for v in values):
        return merged(values)
    return next((v for v in values if v is not None), None)


def body_drift(recorded: Any, mock: Any, where: str = "body") -> list[Drift]:
    """Every difference of shape between two parsed bodies, depth first."""
    left, right = json_type(recorded), json_type(mock)
    if "null" in (left, right):
        return []
    if left != right:
        return [Drift(where, "type", left, right)]
    if left == "object":
        drifts: list[Drift] = []
        for key in list(recorded) + [k for k in mock if k not in recorded]:
            child = f"{where}.{key}"
            if key not in mock:
                drifts.append(Drift(child, "missing", json_type(recorded[key]), ""))
            elif key not in recorded:
                drifts.append(Drift(child, "extra", "", json_type(mock[key])))
            else:
                drifts += body_drift(recorded[key], mock[key], child)
        return drifts
    if left == "array" and recorded and mock:
        return body_drift(merged(recorded), merged(mock), f"{where}[]")
    return []


def _api_headers(headers: dict[str, str]) -> set[str]:
    names = {name.lower() for name in headers}
    return {n for n in names if n not in TRANSPORT_HEADERS and not n.startswith(TRANSPORT_PREFIXES)}


def header_drift(recorded: dict[str, str], mock: dict[str, str]) -> list[Drift]:
    """Header names only one of the two answers carries (transport headers left out)."""
    ours, theirs = _api_headers(recorded), _api_headers(mock)
    drifts = [Drift(f"header {n}", "missing", "present", "") for n in sorted(ours - theirs)]
    drifts += [Drift(f"header {n}", "extra", "", "present") for n in sorted(theirs - ours)]
    return drifts


def answer_drift(
    recorded_status: int,
    recorded_body: Any,
    recorded_headers: dict[str, str],
    mock_status: int,
    mock_body: Any,
    mock_headers: dict[str, str],
) -> list[Drift]:
    """Status, then body shape, then header names."""
    drifts = []
    if recorded_status != mock_status:
        drifts.append(Drift("status", "status", str(recorded_status), str(mock_status)))
    drifts += body_drift(recorded_body, mock_body)
    drifts += header_drift(recorded_headers, mock_headers)
    return drifts
