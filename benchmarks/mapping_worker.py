"""One timed pass of ``bench_mapping.py`` in a fresh process (run by it, not by hand).

``python mapping_worker.py core SRC EVENTS`` times signaltui's core from the source
folder SRC (the working tree, or the pre-blueprint code extracted from git), and
``... bare - EVENTS`` the hand-written mapper. Both do the same work per line: parse
it, merge, normalise, gate, build and encode the three bodies. Prints one JSON line:
CPU seconds of the timed pass, requests, and a digest of every encoded body.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path


def _core(src: str, lines: list[str]) -> tuple[int, str]:
    sys.path.insert(0, src)
    from signaltui.core.config import MappingConfig
    from signaltui.core.events import Event, resolve_stream
    from signaltui.core.plan import plan
    from signaltui.core.request import DESTINATIONS

    assert Path(sys.modules["signaltui"].__file__ or "").is_relative_to(src)
    config = MappingConfig()
    digest = hashlib.sha256()
    requests = 0
    loads, dumps, validate = json.loads, json.dumps, Event.model_validate
    for resolved in resolve_stream(validate(loads(line)) for line in lines):
        for destination in DESTINATIONS:
            request = plan(resolved, destination, config).request
            if request is not None:
                digest.update(dumps(request.body).encode())
                requests += 1
    return requests, digest.hexdigest()


def main() -> None:
    kind, src, events = sys.argv[1:4]
    lines = Path(events).read_text(encoding="utf-8").splitlines()
    if kind == "core":

        def run() -> tuple[int, str]:
            return _core(src, lines)
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        from mapping_bare import map_lines

        def run() -> tuple[int, str]:
            requests, size = map_lines(lines)
            return requests, str(size)

    run()  # warm-up: imports, compiled blueprints
    normalize = sys.modules.get("signaltui.core.normalize")
    if normalize is not None:
        normalize.phone_to_e164.cache_clear()  # the timed pass parses every phone afresh
    start = time.process_time()
    requests, digest = run()
    seconds = time.process_time() - start
    print(json.dumps({"seconds": seconds, "requests": requests, "digest": digest}))


if __name__ == "__main__":
    main()
