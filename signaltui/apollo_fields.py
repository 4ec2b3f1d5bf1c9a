"""The request fields of Apollo's create-contact API (``POST /api/v1/contacts``).

The fields Apollo's OpenAPI documents for the create, shared by the Apollo mock (which
stores exactly these on the contact) and ``blueprints check`` (which warns of a rule
writing any other top-level field: it would reach no contact). Pure data, no I/O.
"""

from __future__ import annotations

#: Phone fields -> the ``type`` of the number Apollo keeps from each.
PHONE_TYPES = {
    "direct_phone": "work_direct",
    "corporate_phone": "work_hq",
    "mobile_phone": "mobile",
    "home_phone": "home",
    "other_phone": "other",
}
#: Fields the contact takes as sent.
PLAIN_FIELDS = (
    "first_name",
    "last_name",
    "organization_name",
    "title",
    "email",
    "website_url",
    "present_raw_address",
    "account_id",
    "contact_stage_id",
)
#: Every documented top-level field of the create's body.
DOCUMENTED = frozenset(
    {*PLAIN_FIELDS, *PHONE_TYPES, "label_names", "typed_custom_fields", "run_dedupe"}
)
