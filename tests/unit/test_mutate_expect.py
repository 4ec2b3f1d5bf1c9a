"""The mutation table: complete, consistent, and pure data."""

from __future__ import annotations

import ast
from pathlib import Path

from signaltui.replay import mutate_expect
from signaltui.replay.mutate_expect import CRMS, EXPECTED, KIND_NAMES, KINDS, Expected, rows_for


def test_every_kind_has_a_row_for_every_crm_but_the_one_close_cannot_give():
    missing = {(kind, crm) for kind in KIND_NAMES for crm in CRMS} - set(EXPECTED)
    # Close's rate windows are seconds long: it never names an hourly reset.
    assert missing == {("429-hourly-window", "close")}
    assert set(EXPECTED) <= {(kind, crm) for kind in KIND_NAMES for crm in CRMS}
    assert len(set(KIND_NAMES)) == len(KINDS)


def test_rows_never_allow_a_duplicate_and_store_only_what_was_delivered():
    for key, row in EXPECTED.items():
        assert row.leads == (1 if row.outcome == "delivered" else 0), key
        assert row.sends >= 1, key


def test_only_maintenance_persists():
    assert [kind.name for kind in KINDS if kind.persists] == ["503-maintenance"]


def test_how_names_the_outcomes_the_issue_lists():
    assert Expected("delivered", 2, 0, 1).how == "retried, then delivered"
    assert Expected("delivered", 1, 1, 1).how == "recovered by look-up"
    assert Expected("dead_lettered", 3, 0, 0).how == "dead-lettered"
    assert Expected("delivered", 1, 1, 1).describe() == (
        "recovered by look-up (1 send, 1 look-up, 1 lead)"
    )
    assert [kind.name for kind, _ in rows_for("close")] == [
        name for name in KIND_NAMES if name != "429-hourly-window"
    ]


def test_the_table_imports_nothing_but_the_standard_library():
    tree = ast.parse(Path(mutate_expect.__file__).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported == {"__future__", "dataclasses"}


def test_the_docs_table_says_what_the_code_table_says():
    from tests.helpers import ROOT

    page = (ROOT / "docs" / "mutation-runs.md").read_text()
    documented: dict[tuple[str, str], str] = {}
    for line in page.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`") and cells[0].strip("`") in KIND_NAMES:
            for crm, how in zip(("apollo", "outreach", "close"), cells[2:], strict=True):
                if how != "—":
                    documented[(cells[0].strip("`"), crm)] = how
    assert documented == {key: row.how for key, row in EXPECTED.items()}
