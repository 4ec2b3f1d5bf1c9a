"""The pure mapping/consent core: events in, decisions out.

Nothing in this package may import textual, httpx or sqlite3, read the clock or the
environment; ``tests/unit/test_core_purity.py`` checks it in a fresh interpreter.
"""
