"""The three example payloads of the specs, produced from the example calls beside them."""

import json

import pytest

from signaltui.core.config import MappingConfig
from tests.helpers import FIXTURES, fixture_decisions

CASES = [
    ("apollo", "apollo-demo-requested.jsonl", MappingConfig()),
    ("outreach", "outreach-demo-requested.jsonl", MappingConfig()),
    (
        "close",
        "close-lead-submitted.jsonl",
        MappingConfig(close_lead_status_id="stat_xxxxxxxxxxxxxxxxxxxxxxxx"),
    ),
]


@pytest.mark.parametrize(("destination", "fixture", "config"), CASES)
def test_spec_example_payload_comes_out_exactly(destination, fixture, config):
    expected = json.loads((FIXTURES / "expected" / f"{destination}.json").read_text())
    identify, track = fixture_decisions(fixture, destination, config)

    assert identify.action == "drop" and identify.reason == "identify_only"
    assert track.action == "deliver", track.detail
    assert track.request is not None
    assert track.request.body == expected
    # Same fields in the same order as the spec shows them.
    assert json.dumps(track.request.body) == json.dumps(expected)
    assert track.warnings == []


@pytest.mark.parametrize(
    ("destination", "method", "url", "content_type", "auth"),
    [
        (
            "apollo",
            "POST",
            "https://api.apollo.io/api/v1/contacts",
            "application/json",
            "X-Api-Key",
        ),
        (
            "outreach",
            "POST",
            "https://api.outreach.io/api/v2/prospects",
            "application/vnd.api+json",
            "Authorization",
        ),
        (
            "close",
            "POST",
            "https://api.close.com/api/v1/lead/",
            "application/json",
            "Authorization",
        ),
    ],
)
def test_endpoint_headers_and_masked_auth(destination, method, url, content_type, auth):
    fixture = {d: f for d, f, _ in CASES}[destination]
    decision = fixture_decisions(fixture, destination)[-1]
    contract = decision.request_contract()
    assert contract is not None
    assert (contract["method"], contract["url"]) == (method, url)
    assert contract["headers"]["Content-Type"] == content_type
    assert contract["headers"][auth].endswith("***")
