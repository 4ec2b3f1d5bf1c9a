"""The request journal: every request a mock received, as received, with its answer.

It lives only in the mock's memory and is served by ``GET /__mock/requests``. Entries
keep credentials exactly as sent (the journal exists to show what went on the wire), so
nothing here is ever written to a log.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import deque
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


#: How many records the journal keeps by default; older ones are dropped first.
JOURNAL_SIZE = 10_000


class Journal:
    """Thread-safe ring of the newest request records (uvicorn's thread writes, tests read).

    It keeps at most ``size`` records (:data:`JOURNAL_SIZE` by default) so a long run
    does not grow the mock without bound. Records are numbered from 1 in arrival order;
    numbers are never reused until :meth:`clear`, so a reader can poll with ``since``.
    """

    def __init__(self, size: int = JOURNAL_SIZE) -> None:
        self._lock = threading.Lock()
        self.size = max(1, size)
        self._entries: deque[dict[str, Any]] = deque(maxlen=self.size)
        self._next_seq = 1
        #: Records received in total since the last clear (including dropped ones).
        self.total = 0

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
                "seq": self._next_seq,
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
            self._next_seq += 1
            self.total += 1
            self._entries.append(entry)
            return entry

    def answer(self, entry: dict[str, Any], status: int | None, fault: str | None) -> None:
        """Note how ``entry`` was answered (``status`` is ``None`` for a dropped connection)."""
        with self._lock:
            entry["status"] = status
            entry["fault"] = fault

    def entries(
        self,
        crm: str | None = None,
        *,
        last: int | None = None,
        since: int = 0,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """A copy of the kept records, oldest first.

        ``crm``: only that CRM's; ``since``: only those numbered above it; ``limit``: at
        most that many from the start of the selection; ``last``: only the newest N of
        it. Only what is returned is copied, so a caller polling the newest few (the
        TUI, every second) does not copy a long journal each time.
        """
        with self._lock:
            chosen = [
                e for e in self._entries if e["seq"] > since and (crm is None or e["crm"] == crm)
            ]
            if limit is not None:
                chosen = chosen[: max(0, limit)]
            if last is not None:
                chosen = chosen[max(0, len(chosen) - last) :]
            return copy.deepcopy(chosen)

    def entry(self, seq: int) -> dict[str, Any] | None:
        """A copy of the record numbered ``seq``, or ``None`` (dropped, or after a reset)."""
        with self._lock:
            if not self._entries:
                return None
            # Numbers are consecutive within the ring, so the position is an offset.
            offset = seq - self._entries[0]["seq"]
            if 0 <= offset < len(self._entries):
                return copy.deepcopy(self._entries[offset])
            return None

    def bounds(self) -> dict[str, int]:
        """Ring facts for readers: capacity, records kept, first/last kept number, total."""
        with self._lock:
            first = self._entries[0]["seq"] if self._entries else self._next_seq
            return {
                "capacity": self.size,
                "kept": len(self._entries),
                "first_seq": first,
                "last_seq": self._next_seq - 1,
                "total": self.total,
            }

    def clear(self) -> None:
        """Forget every record; numbering starts again at 1."""
        with self._lock:
            self._entries.clear()
            self._next_seq = 1
            self.total = 0
