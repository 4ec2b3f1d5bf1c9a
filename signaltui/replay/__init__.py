"""Replay recorded traffic: verify today's mapping against it, or re-send it.

Used alike by ``signaltui replay`` and the TUI's Replay tab.
"""

from signaltui.replay.diff import Difference, diff_json
from signaltui.replay.results import ExchangeResult, ReplaySummary
from signaltui.replay.runner import ReplayOptions, run_send, run_verify
from signaltui.replay.select import Selection, shard_of

__all__ = [
    "Difference",
    "ExchangeResult",
    "ReplayOptions",
    "ReplaySummary",
    "Selection",
    "diff_json",
    "run_send",
    "run_verify",
    "shard_of",
]
