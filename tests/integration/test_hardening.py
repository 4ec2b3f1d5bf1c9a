"""The hardening run at small size: generated events and hostile files, no tracebacks.

The full run (5,000 events, fault profiles, concurrent replays, the echoed-secret scan)
is ``benchmarks/bench_hardening.py``; this keeps its fuzz and hostile-file parts in the
suite, with the same generators.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from _hardening import HOSTILE_CONTENT, run_fuzz, run_hostile  # noqa: E402


def test_generated_events_never_end_in_a_traceback(tmp_path):
    tally = run_fuzz(300, tmp_path, seed=3, chunk=150)
    assert tally.notes == []
    assert tally.tracebacks == 0 and tally.tried == 300
    assert tally.refused > 0  # the generator really produced ill-typed events
    assert sum(tally.exits.values()) == 4  # two chunks, preview and send each


def test_every_hostile_file_exits_cleanly(tmp_path):
    tally = run_hostile(tmp_path)
    assert tally.notes == []
    paths = len(HOSTILE_CONTENT) + 5  # + FIFO, /dev/zero, folder, missing, symlink loop
    assert tally.tried == paths * 3 and sum(tally.exits.values()) == tally.tried
    assert set(tally.exits) <= {0, 1, 2}
