"""The Textual front end: compose, preview, send, browse history, replay, run mocks.

Only :mod:`signaltui.tui.launch` is imported by the CLI, and only when the app opens,
so the headless commands never pay for importing Textual.
"""
