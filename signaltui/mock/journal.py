"""The request journal: every request a mock received, as received, with its answer.

It lives only in the mock's memory and is served by ``GET /__mock/requests``. Entries
keep credentials exactly as sent (the journal exists to show what went on the wire), so
nothing here is ever written to a log.
"""

from __future__ import annotations

import copy
import json
import threading
from typing import Any
from urllib.parse import parse_qsl

from signaltui.mock.ids import iso_millis_z


def parse_body(raw: bytes, content_type: str) -> Any:
    """The body as JSON, a form dict, text, or ``None`` when empty."""
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    if "application/x-www-form-urlencoded" in content_type:
        return dict(parse_qsl(text, keep_blank_values=True))
    try:
        return json.loads(text)
    except ValueError:
        return text


class Journal:
    """Thread-safe list of request records (uvicorn's thread writes, tests read)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []

    def add(
        self,
        *,
        crm: str | None,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: Any,
        now: float,
    ) -> dict[str, Any]:
        """Record a request on arrival; the caller fills in ``status`` when answering."""
        with self._lock:
            entry: dict[str, Any] = {
                "seq": len(self._entries) + 1,
                "crm": crm,
                "method": method,
                "path": path,
                "query": query,
                "headers": headers,
                "body": body,
                "received_at": iso_millis_z(now),
                "status": None,
                "fault": None,
            }
            self._entries.append(entry)
            return entry

    def answer(self, entry: dict[str, Any], status: int | None, fault: str | None) -> None:
        """Note how ``entry`` was answered (``status`` is ``None`` for a dropped connection)."""
        with self._lock:
            entry["status"] = status
            entry["fault"] = fault

    def entries(self, crm: str | None = None, *, last: int | None = None) -> list[dict[str, Any]]:
        """A copy of the records, optionally only those of one CRM, or only the ``last`` N.

        Only what is returned is copied, so a caller polling the newest few (the TUI, every
        second) does not copy a long journal each time.
        """
        with self._lock:
            chosen = [e for e in self._entries if crm is None or e["crm"] == crm]
            if last is not None:
                chosen = chosen[max(0, len(chosen) - last) :]
            return copy.deepcopy(chosen)

    def entry(self, seq: int) -> dict[str, Any] | None:
        """A copy of the record numbered ``seq``, or ``None`` (e.g. after a reset)."""
        with self._lock:
            # Records are numbered from 1 in arrival order and only ever cleared together.
            if 1 <= seq <= len(self._entries):
                return copy.deepcopy(self._entries[seq - 1])
            return None

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._entries.clear()
