"""Hints read from a refusal's body (delivery/answers.py), on the bodies the CRMs send."""

from __future__ import annotations

import pytest

from signaltui.delivery.answers import answer_hint
from tests.unit.test_delivery_lookups import DUPLICATE  # Outreach's duplicate 422 body

EXCLUDED = {"errors": [{"id": "validationError", "source": {"pointer": "/data"},
            "detail": "Contacts contact is using an excluded email address."}]}  # fmt: skip
ATTRIBUTE = {"errors": [{"id": "validationError", "title": "Validation Error",
             "detail": "Title is too long (maximum is 255 characters).",
             "source": {"pointer": "/data/attributes/title"}}]}  # fmt: skip


def test_outreach_422_bodies_say_what_kind_of_refusal_it_is():
    assert "already exists in Outreach" in (answer_hint("outreach", 422, DUPLICATE) or "")
    assert "Sending again gets the same answer" in (answer_hint("outreach", 422, DUPLICATE) or "")
    assert "excludes this email" in (answer_hint("outreach", 422, EXCLUDED) or "")
    assert answer_hint("outreach", 422, ATTRIBUTE) == (
        "Outreach refused /data/attributes/title: Title is too long (maximum is 255 "
        "characters). Fix the blueprint rule for /data/attributes/title (the preview's "
        "trace names its file and line), then send again."
    )


def test_close_400_names_each_refused_field():
    one = {"errors": [], "field-errors": {"status": "Not a valid choice."}}
    assert (answer_hint("close", 400, one) or "").startswith(
        "Close refused the field status: Not a valid choice. Fix the blueprint rule for /status "
    )
    two = {"errors": [], "field-errors": {"status": "x", "name": ["too", "long"]}}
    assert "the fields status: x; name: too long" in (answer_hint("close", 400, two) or "")
    # Close names a nested place with dots; the hint gives the blueprint's JSON Pointer.
    nested = {"field-errors": {"contacts.0.phones.0.phone": "Invalid phone number.",
                               "custom.cf_abc": "Not a number."}}  # fmt: skip
    assert "rule for /contacts/0/phones/0/phone, /custom.cf_abc (the" in (
        answer_hint("close", 400, nested) or ""
    )


@pytest.mark.parametrize(
    ("destination", "status", "body"),
    [
        ("outreach", 422, {"errors": []}),
        ("outreach", 422, "not json"),
        ("outreach", 422, {"errors": [{"detail": "x", "source": {"pointer": "/data"}}]}),
        ("outreach", 400, DUPLICATE),  # the body only counts with its own status
        ("close", 400, {"errors": ["Expected a JSON object."], "field-errors": {}}),
        ("apollo", 422, {"error": "Parameters misconfigured."}),
    ],
)
def test_bodies_that_add_nothing_keep_the_status_hint(destination, status, body):
    assert answer_hint(destination, status, body) is None


def test_a_long_message_is_cut():
    long = {"errors": [], "field-errors": {"name": "x" * 500}}
    hint = answer_hint("close", 400, long) or ""
    assert "x" * 199 + "…" in hint and "x" * 200 not in hint
