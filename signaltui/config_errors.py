"""Wording a settings value pydantic refused: which setting, and where it came from.

:func:`invalid_setting` names the setting by its dotted path, and the place to fix it:
the ``SIGNALTUI_*`` variable that set it (a whole-path variable, a table variable whose
JSON holds the key, or one below the path), else the config file. A value passed in by
the command line is never blamed on a variable.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from signaltui.errors import ConfigError


def invalid_setting(exc: ValidationError, given: dict[str, Any], path: Path) -> ConfigError:
    """The error for ``exc``'s first problem; ``given`` holds the values passed in (flags),
    ``path`` is the config file read."""
    first = exc.errors()[0]
    parts = [str(part) for part in first["loc"]] or ["settings"]
    location = ".".join(parts)
    variable = "SIGNALTUI_" + "__".join(parts).upper()
    from_env = None if _passed_in(given, parts) else _variable_for(parts)
    return ConfigError(
        f"invalid setting {location}: {first['msg']}",
        where=f"environment ({from_env})" if from_env else _where(path),
        hint=f"fix {location} in the config file or the {variable} variable",
    )


def _passed_in(given: dict[str, Any], parts: list[str]) -> bool:
    """Whether the value at ``parts`` came from ``load_settings``' own arguments (e.g. ``--db``)."""
    value: Any = given
    for part in parts:
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return True


def _variable_for(parts: list[str]) -> str | None:
    """The ``SIGNALTUI_*`` variable that set the value at ``parts``, if one did.

    That is the variable named after the whole path (``SIGNALTUI_DELIVERY__TIMEOUT``), one
    for a table holding the key in its JSON (``SIGNALTUI_DELIVERY='{"timeout": 2}'``), or
    one below the path. A variable for another key of the same table does not count, so a
    typo in the file's ``[delivery]`` table is not blamed on ``SIGNALTUI_DELIVERY__TIMEOUT``.
    """
    names = {name.upper(): name for name in os.environ}
    for depth in range(len(parts), 0, -1):
        name = names.get("SIGNALTUI_" + "__".join(parts[:depth]).upper())
        if name is not None and _holds(os.environ[name], parts[depth:]):
            return name
    below = "SIGNALTUI_" + "__".join(parts).upper() + "__"
    return next((names[n] for n in sorted(names) if n.startswith(below)), None)


def _holds(value: str, parts: list[str]) -> bool:
    """Whether the JSON ``value`` of a table variable has an entry at ``parts``."""
    if not parts:
        return True
    try:
        data: Any = json.loads(value)
    except ValueError:
        return True  # not JSON: the variable itself is what is wrong
    for part in parts:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return False
    return True


def _where(path: Path) -> str:
    return str(path) if path.exists() else "settings"
