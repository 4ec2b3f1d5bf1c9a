"""Hints read from a refusal's body, where the status alone says too little.

A 422 from Outreach may be a duplicate, an excluded address or one bad attribute; a 400
from Close names the fields it refused. The body says which, so the hint can name the
field to fix in the blueprint or say that nothing can be fixed by a retry. Bodies are
the shapes docs/mock-crms.md traces to each CRM's docs; anything else gets no hint here
and keeps the status's own (:func:`~signaltui.delivery.outcomes.classify`).
"""

from __future__ import annotations

from typing import Any

#: Outreach 422 details (lower case) for a prospect that cannot be created as sent.
_OUTREACH_DUPLICATE = "email hash has already been taken"
_OUTREACH_EXCLUDED = "excluded email address"

#: How much of a CRM's own message a hint quotes.
_QUOTED = 200


def answer_hint(destination: str, status: int, body: Any) -> str | None:
    """A hint for refusal ``status`` with ``body`` (parsed JSON) of ``destination``, or
    ``None`` when the body adds nothing to the status's hint."""
    if destination == "outreach" and status == 422:
        return _outreach_422(body)
    if destination == "close" and status == 400:
        return _close_400(body)
    return None


def _outreach_422(body: Any) -> str | None:
    errors = body.get("errors") if isinstance(body, dict) else None
    first = errors[0] if isinstance(errors, list) and errors else None
    if not isinstance(first, dict):
        return None
    detail = _text(first.get("detail"))
    if _OUTREACH_DUPLICATE in detail.lower():
        return (
            "A prospect with this email already exists in Outreach, which refuses a second "
            "one: nothing was created. Sending again gets the same answer; find the "
            "prospect by email in Outreach instead."
        )
    if _OUTREACH_EXCLUDED in detail.lower():
        return (
            "Outreach excludes this email address (often the org's own domain): nothing "
            "was created, and this lead cannot reach Outreach with that email."
        )
    source = first.get("source")
    pointer = _text(source.get("pointer")) if isinstance(source, dict) else ""
    if pointer.startswith("/data/attributes/") and detail:
        return (
            f"Outreach refused {pointer}: {_sentence(detail)} Fix the blueprint rule for {pointer} "
            "(the preview's trace names its file and line), then send again."
        )
    return None


def _close_400(body: Any) -> str | None:
    errors = body.get("field-errors") if isinstance(body, dict) else None
    if not isinstance(errors, dict) or not errors:
        return None
    named = _sentence("; ".join(f"{field}: {_text(message)}" for field, message in errors.items()))
    fields = "field" if len(errors) == 1 else "fields"
    pointers = ", ".join(_close_pointer(str(field)) for field in errors)
    return (
        f"Close refused the {fields} {named} Fix the blueprint rule for {pointers} (the "
        "preview's trace names its file and line), then send again."
    )


def _close_pointer(field: str) -> str:
    """Close's dotted name of a body place (``contacts.0.phones.0.phone``) as the JSON
    Pointer a blueprint rule is written under; a custom field's key keeps its dot."""
    if field.startswith("custom."):
        return "/" + field
    return "/" + "/".join(field.split("."))


def _sentence(text: str) -> str:
    """``text`` ending as a sentence does, so the hint's own sentence can follow."""
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _text(value: Any) -> str:
    """A CRM's message as one short line (a list of messages joined)."""
    if isinstance(value, list):
        value = " ".join(str(item) for item in value)
    text = " ".join(str(value or "").split())
    return text if len(text) <= _QUOTED else text[: _QUOTED - 1] + "…"
