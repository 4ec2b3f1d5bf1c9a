"""YAML text to plain values, remembering the line of every key and value.

PyYAML's composer keeps a mark (line, column) on every node; this walks the node tree
into dicts, lists and scalars and records, per path of keys, the line it starts on, so
a validation error can point at ``file:line``. Plain scalars that YAML 1.1 would read
as booleans (``yes``, ``no``, ``on``, ``off``) stay text: only ``true`` and ``false``
are booleans, as in JSON and YAML 1.2.
"""

from __future__ import annotations

from typing import Any

import yaml

from signaltui.errors import InputError

Path = tuple[str | int, ...]

_BOOL_TAG = "tag:yaml.org,2002:bool"
#: libyaml's parser when PyYAML was built with it (about ten times faster), else Python's.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BlueprintError(InputError):
    """A blueprint file that cannot be used: where (file:line), what, and what to do."""


class Marked:
    """A document's values with the line (1-based) of each path in it."""

    def __init__(self, data: Any, lines: dict[Path, int]) -> None:
        self.data = data
        self.lines = lines

    def line(self, path: Path) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def load_marked(text: str, where: str) -> Marked:
    """Parse one YAML document; a syntax error names ``where`` and the line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path, int] = {}
        data = _value(loader, node, (), lines) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise BlueprintError(
            f"not valid YAML: {exc.problem or exc}",
            where=f"{where}{line}",
            hint="fix the YAML syntax (indentation, quotes, a ':' after each key)",
        ) from exc
    except yaml.YAMLError as exc:
        raise BlueprintError(
            f"not valid YAML: {exc}", where=where, hint="fix the YAML syntax"
        ) from exc
    finally:
        loader.dispose()
    return Marked(data, lines)


def _value(loader: Any, node: yaml.Node, path: Path, lines: dict[Path, int]) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves "<<" merge keys
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _value(loader, key_node, (*path, "<key>"), {})
            if not isinstance(key, str | int | float | bool) or key is None:
                raise yaml.MarkedYAMLError(
                    problem="a key must be plain text", problem_mark=key_node.start_mark
                )
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                raise yaml.MarkedYAMLError(
                    problem=f"the key {key!r} appears twice", problem_mark=key_node.start_mark
                )
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _value(loader, value_node, (*path, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_value(loader, item, (*path, i), lines) for i, item in enumerate(node.value)]
    if node.tag == _BOOL_TAG and node.value.lower() not in ("true", "false"):
        return node.value
    return loader.construct_object(node, deep=True)
