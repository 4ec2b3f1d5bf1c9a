"""signaltui: a terminal sandbox and replay tester for server-side CRM lead delivery."""

__version__ = "0.1.0"
