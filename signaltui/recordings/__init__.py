"""Recorded traffic: the JSONL format of docs/recordings.md, its upgrades, reading and writing.

Lines are read one at a time (:func:`iter_exchanges`), upgraded from older format
versions step by step (:func:`upgrade`), and written redacted (:class:`RecordingWriter`).
"""

from signaltui.recordings.model import (
    CURRENT_VERSION,
    FORMAT,
    Exchange,
    RecordedDecision,
    exchange_from_result,
    exchange_key,
    new_exchange_id,
)
from signaltui.recordings.reader import count_lines, iter_exchanges, iter_paths, parse_line
from signaltui.recordings.redact import SECRET_KEYS, redact_exchange, scrub
from signaltui.recordings.upgrade import UPGRADES, detect_version, supported_versions, upgrade
from signaltui.recordings.writer import RecordingWriter

__all__ = [
    "CURRENT_VERSION",
    "FORMAT",
    "SECRET_KEYS",
    "UPGRADES",
    "Exchange",
    "RecordedDecision",
    "RecordingWriter",
    "count_lines",
    "detect_version",
    "exchange_from_result",
    "exchange_key",
    "iter_exchanges",
    "iter_paths",
    "new_exchange_id",
    "parse_line",
    "redact_exchange",
    "scrub",
    "supported_versions",
    "upgrade",
]
