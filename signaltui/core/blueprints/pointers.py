"""RFC 6901 JSON Pointers into a request body: their segments and trace labels.

The code that writes a body at a pointer is generated (see ``route.py``).
"""

from __future__ import annotations


def segments(pointer: str) -> tuple[str, ...]:
    """``/contacts/0/a~1b`` -> ``("contacts", "0", "a/b")`` (``~1`` is ``/``, ``~0`` ``~``)."""
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:])


def is_index(segment: str) -> bool:
    """Whether ``segment`` addresses a list item (a number, or ``-`` to append)."""
    return segment == "-" or segment.isdigit()


def dotted(pointer: str) -> str:
    """The trace form of a pointer: ``/contacts/0/emails/0/email`` is
    ``contacts[0].emails[0].email``, ``/label_names/-`` is ``label_names[]``."""
    text = ""
    for part in segments(pointer):
        if part == "-":
            text += "[]"
        elif part.isdigit():
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text
