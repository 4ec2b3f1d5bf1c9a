"""For information in bench_replay_send: the CLI with the store's per-delivery work cut.

Not a product mode (signaltui stores every delivery before the next goes out); it
shows how much of the gap to the bare httpx loop is the store's. Each delivery's rows
are neither built (``Store.prepare_sent``: encoding and redaction) nor written
(``StoreWriter.write``: the inserts, the full-text index, the group commit);
everything else is the CLI's own path: start-up, opening the store and recording the
run, reading and re-planning the recording, auth, sending, retry and pacing
bookkeeping, the results.

A prelude for ``_common.signaltui_argv``: run just before the command, in its process.
"""

from __future__ import annotations

import itertools
from typing import Any

from signaltui.store.store import Store
from signaltui.store.writer import StoreWriter

_ids = itertools.count(1)


def _not_built(self: Store, *args: Any, **kwargs: Any) -> None:
    return None


async def _not_written(self: StoreWriter, prepared: Any) -> tuple[None, int]:
    return None, next(_ids)


Store.prepare_sent = _not_built  # type: ignore[assignment,method-assign]
StoreWriter.write = _not_written  # type: ignore[assignment,method-assign]
