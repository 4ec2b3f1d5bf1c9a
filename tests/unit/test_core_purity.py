"""The core must not pull in UI, HTTP or SQLite: checked in a fresh interpreter."""

import json
import subprocess
import sys


def test_importing_core_loads_no_textual_httpx_or_sqlite():
    code = (
        "import json, sys\n"
        "import signaltui.core.plan, signaltui.core.events, signaltui.core.normalize\n"
        "import signaltui.core.consent, signaltui.core.blueprints\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'httpx', 'sqlite3', '_sqlite3', 'sqlite_utils', 'rich'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
