"""The bundle's PII hashing: stable within a salt, shaped so the mapping accepts it, and
consistent between an event and the request mapped from it."""

from __future__ import annotations

import json

import phonenumbers
import pytest

from signaltui.bundle.check import request_constants
from signaltui.bundle.hashing import PiiHasher
from signaltui.bundle.leaks import find_leaks
from signaltui.bundle.places import hash_json
from signaltui.core.config import MappingConfig
from signaltui.core.normalize import normalize_email, phone_to_e164
from tests.helpers import decide, track


def learned(event: dict, salt: bytes = b"salt-1", region: str = "US") -> PiiHasher:
    hasher = PiiHasher(salt, region)
    hasher.learn_event(event)
    return hasher


def test_an_email_hashes_to_one_valid_email_whatever_its_case_or_encoding() -> None:
    hasher = learned(track())
    token = hasher.email("jane.doe@acme.com")
    assert normalize_email(token) == token and token.endswith("@example.invalid")
    text = "Jane.Doe@ACME.com / filter[emails]=jane.doe%40acme.com / jane.doe@acme.com"
    assert hasher.apply_text(text) == (
        f"{token} / filter[emails]={token.replace('@', '%40')} / {token}"
    )
    assert learned(track(), b"salt-2").email("jane.doe@acme.com") != token


@pytest.mark.parametrize(
    ("raw", "region"),
    [("+44 7700 900123", "US"), ("(415) 555-2671", "US"), ("030 123456", "DE"),
     ("+15553031234", "US"), ("+33 6 12 34 56 78", "US")],
)  # fmt: skip
def test_a_phone_becomes_another_number_of_its_country_in_every_format(raw, region) -> None:
    hasher = learned(track(traits={"phone": raw}), region=region)
    e164, error = phone_to_e164(" ".join(raw.split()), region)
    assert error is None and e164
    fake = hasher.apply_text(raw)
    original, replaced = phonenumbers.parse(e164, None), phonenumbers.parse(fake, region)
    assert fake != raw and replaced.country_code == original.country_code
    assert phonenumbers.is_possible_number(replaced)
    assert hasher.apply_text(e164) == phonenumbers.format_number(
        replaced, phonenumbers.PhoneNumberFormat.E164
    )


def test_an_unusable_phone_stays_unusable() -> None:
    hasher = learned(track(traits={"phone": "call me"}))
    token = hasher.apply_text("call me")
    assert token.startswith("unusable-") and phone_to_e164(token, "US")[1] is not None


def test_names_hash_word_by_word_so_joins_and_lowercase_agree() -> None:
    hasher = learned(track())
    first, last = hasher.apply_text("Jane"), hasher.apply_text("Doe")
    assert hasher.apply_text("Jane Doe") == f"{first} {last}" == hasher.apply_text("jane doe")
    assert first == first.lower() and first.startswith("n-")
    # Whole words only: a short name does not change other words or paths.
    short = learned(track(traits={"lastName": "Al"}))
    assert short.apply_text("Sales at /api/v1/lead/ for Al") == (
        f"Sales at /api/v1/lead/ for {short.apply_text('Al')}"
    )


def test_free_text_and_its_cut_prefix_hash_to_one_token() -> None:
    message = "Please call me back about pricing for the whole team"
    hasher = learned(track(properties={"message": message}))
    token = hasher.apply_text(message)
    assert token.startswith("t-") and hasher.apply_text(message[:20]) == token


@pytest.mark.parametrize(
    "traits",
    [{}, {"company": "Apollo Close", "lastName": "Demo", "firstName": "Requested"}],
    ids=["plain", "names-that-are-also-signaltui-words"],
)
def test_the_hashed_event_maps_to_the_hashed_request(traits) -> None:
    event = track("Demo Requested", properties={"lead_type": "Pricing"})
    event["traits"].update(traits)
    hasher = learned(event, region="GB")
    config = MappingConfig(default_region="GB")
    for destination in ("apollo", "outreach", "close"):
        original = decide(event, destination, config)
        hashed_event = hash_json(hasher, event)
        hashed = decide(hashed_event, destination, config)
        if original.request is None:
            continue
        assert hashed.request is not None
        keep = request_constants(event, hashed_event, destination, config)
        recorded = hash_json(hasher, {"method": "POST", "body": original.request.body}, keep=keep)
        assert hashed.request.body == recorded["body"], destination
        assert hashed.action == original.action == "deliver"
        # The structural parts are the CRM's own, whatever the lead is called.
        request = hash_json(
            hasher, {"url": original.request.url, "headers": dict(original.request.headers)}
        )
        assert request["url"] == original.request.url and request["headers"]["Content-Type"]


def test_the_leak_check_finds_what_hashing_left_and_skips_tokens() -> None:
    hasher = learned(track(traits={"company": "Example Org", "email": "ana@example.org"}))
    clean = {"a.json": hasher.apply_text("Example Org <ana@example.org>").encode()}
    assert "example" in clean["a.json"].decode()  # inside the token's domain
    assert find_leaks(clean, hasher.originals(), hasher.tokens(), []) == {}
    dirty = {"b.json": b"raw Example here", "c.json": b"key S3cr3t! echoed"}
    assert find_leaks(dirty, hasher.originals(), hasher.tokens(), ["S3cr3t!"]) == {
        "b.json": 1,
        "c.json": 1,
    }


def test_a_percent_escape_is_a_word_boundary_for_hashing_and_for_the_leak_check() -> None:
    hasher = learned(track())
    url = "/api/v1/lead/?query=email%3A%22jane.doe%40acme.com%22&name=%22Jane%20Doe%22"
    hashed = hasher.apply_text(url)
    assert "jane" not in hashed.lower() and "doe" not in hashed.lower(), hashed
    assert hasher.email("jane.doe@acme.com").replace("@", "%40") in hashed
    assert find_leaks({"u.txt": url.encode()}, hasher.originals(), hasher.tokens(), [])


def test_the_leak_check_reads_json_strings_decoded() -> None:
    # In the encoded text, "\nJane" reads as "nJane": no word boundary before the name.
    data = json.dumps({"note": "line one\nJane called"}).encode()
    assert find_leaks({"a.json": data}, ["Jane"], [], []) == {"a.json": 1}


def test_a_user_id_that_is_an_email_gets_the_email_token() -> None:
    event = track(userId="Jane.Doe@acme.com")
    hasher = learned(event)
    token = hasher.email("jane.doe@acme.com")
    hashed = hash_json(hasher, event)
    assert hashed["userId"] == token == hashed["traits"]["email"]
    assert learned(track()).apply_text("user-1").startswith("u-")
