"""Step-by-step upgrades of recorded lines to the current format version.

As in mitmproxy's ``io/compat.py``, each step turns one version into the next and the
reader chains them: a version-0 line goes 0 → 1 → … → :data:`CURRENT_VERSION`. Adding a
version means adding one step to :data:`UPGRADES` and bumping ``CURRENT_VERSION``; old
steps never change.

Version 0 (before format version 1) was the flat delivery log of early prototypes::

    {"id": "…"?, "ts": "2026-01-02T10:00:00Z", "dest": "close", "target": "mock"?,
     "event": {…}, "action": "deliver", "reason": null, "warnings": […]?,
     "request": {"method": …, "url": …, "headers": {…}, "body": {…}} | null,
     "response_status": 200 | null, "response_headers": {…}?, "response_body": …?,
     "status": "sent" | "skipped" | "error" | <a version-1 outcome>, "tries": 1?}

It has no ``format`` key and ``version`` is absent or ``0``. Keys marked ``?`` were
optional: a missing ``id`` becomes a deterministic id derived from the line's content (so
resume keys stay stable across reads), a missing ``target`` was always the mock, and a
missing ``tries`` means one attempt when a request was sent, none otherwise. Legacy
statuses map to outcomes: ``sent`` → ``delivered``, ``skipped`` → ``dropped``,
``error`` → ``failed``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from signaltui.errors import RecordingError
from signaltui.recordings.model import CURRENT_VERSION, FORMAT

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]

_LEGACY_STATUS = {"sent": "delivered", "skipped": "dropped", "error": "failed"}


def _v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (flat prototype log) → version 1 (docs/recordings.md)."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    status = data.get("status")
    request = data.get("request")
    response = None
    if data.get("response_status") is not None:
        response = {
            "status": data["response_status"],
            "headers": data.get("response_headers") or {},
            "body": data.get("response_body"),
        }
    decision: dict[str, Any] = {"action": data.get("action"), "reason": data.get("reason")}
    if "warnings" in data:
        decision["warnings"] = data["warnings"]
    upgraded: dict[str, Any] = {
        "format": FORMAT,
        "version": 1,
        "id": data.get("id") or f"v0-{digest[:32]}",
        "recorded_at": data.get("ts"),
        "destination": data.get("dest"),
        "target": data.get("target") or "mock",
        "event": data.get("event"),
        "decision": decision,
        "request": request,
        "response": response,
        "outcome": _LEGACY_STATUS.get(status, status) if isinstance(status, str) else status,
        "attempts": data.get("tries", 1 if request is not None else 0),
    }
    return upgraded


#: ``{from_version: step}``; each step returns a dict of version ``from_version + 1``.
UPGRADES: dict[int, Upgrade] = {0: _v0_to_v1}


def supported_versions(
    registry: Mapping[int, Upgrade] | None = None, target: int | None = None
) -> list[int]:
    """Every version a reader accepts: the upgradable ones plus the current one."""
    steps = UPGRADES if registry is None else registry
    current = CURRENT_VERSION if target is None else target
    return sorted({*(v for v in steps if v < current), current})


def detect_version(data: Mapping[str, Any], *, where: str = "") -> int:
    """The format version of one parsed line (0 for the pre-contract shape)."""
    fmt = data.get("format")
    version = data.get("version", 0 if fmt is None else None)
    if fmt is not None and fmt != FORMAT:
        raise RecordingError(
            f"not a signaltui recording line (format {fmt!r}, expected {FORMAT!r})",
            where=where or None,
            hint="pass only files written by signaltui (e.g. `signaltui recordings export`)",
        )
    if isinstance(version, bool) or not isinstance(version, int):
        raise RecordingError(
            f"the recording version must be an integer, got {version!r}",
            where=where or None,
            hint=f"supported versions: {_listing(supported_versions())}",
        )
    return version


def upgrade(
    data: dict[str, Any],
    *,
    where: str = "",
    registry: Mapping[int, Upgrade] | None = None,
    target: int | None = None,
) -> dict[str, Any]:
    """``data`` upgraded step by step to ``target`` (default :data:`CURRENT_VERSION`).

    ``registry`` defaults to :data:`UPGRADES`; tests pass their own to prove chaining.
    Raises :class:`RecordingError` (with ``where``) for an unknown or newer version, or a
    step that cannot make sense of the line.
    """
    steps = UPGRADES if registry is None else registry
    current = CURRENT_VERSION if target is None else target
    version = detect_version(data, where=where)
    if version != current and version not in steps:
        newer = version > current
        raise RecordingError(
            f"unknown recording version {version}; supported versions: "
            f"{_listing(supported_versions(steps, current))}",
            where=where or None,
            hint=(
                "it was written by a newer signaltui; upgrade signaltui to read it"
                if newer
                else "re-export it with a current signaltui"
            ),
        )
    while version < current:
        try:
            data = steps[version](data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RecordingError(
                f"cannot upgrade this line from version {version}: {exc}",
                where=where or None,
                hint="the line does not have the documented shape of its version",
            ) from exc
        next_version = data.get("version")
        # A step must move forward by exactly one, or the chain could loop or skip.
        if next_version != version + 1:
            raise RuntimeError(f"upgrade step from {version} returned version {next_version!r}")
        version = next_version
    return data


def _listing(versions: list[int]) -> str:
    return ", ".join(str(v) for v in versions)
