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


def test_the_core_plans_without_yaml_or_file_reads_of_its_own():
    """Importing and running the core pulls in no YAML parser: the loader hands it the
    compiled blueprints (installed as a provider by ``import signaltui``)."""
    code = (
        "import json, sys\n"
        "import signaltui.core.plan, signaltui.core.blueprints.engine\n"
        "import signaltui.core.blueprints.registry, signaltui.core.fields\n"
        "before = sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', '_yaml'))\n"
        "loader = sorted(m for m in sys.modules if m.startswith('signaltui.blueprints'))\n"
        "print(json.dumps([before, loader]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [[], []]


def test_no_core_module_imports_yaml_or_the_loader():
    import re
    from pathlib import Path

    import signaltui.core

    loader_import = re.compile(r"^\s*(from|import)\s+(signaltui\.blueprints|yaml)\b", re.M)
    core = Path(signaltui.core.__file__).parent
    for path in core.rglob("*.py"):
        text = path.read_text()
        assert not loader_import.search(text), path
        assert "open(" not in text and "read_text" not in text, path
