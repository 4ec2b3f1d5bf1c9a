"""Event parsing, trait aliases, the identify→track merge, and normalisation rules."""

import pytest

from signaltui.core.config import MappingConfig
from signaltui.core.events import Event, parse_event, resolve_stream
from signaltui.core.normalize import PhoneError, normalize_email, normalize_phone
from signaltui.errors import InputError
from tests.helpers import decide, decide_stream, track


def test_snake_and_camel_case_traits_map_the_same():
    snake = track()
    snake["traits"] = {"first_name": "Jane", "last_name": "Doe", "email": "j@acme.com"}
    camel = track()
    camel["traits"] = {"firstName": "Jane", "lastName": "Doe", "email": "j@acme.com"}
    assert decide(snake, "apollo").request.body == decide(camel, "apollo").request.body
    trace = {e.field: e.source for e in decide(snake, "apollo").trace}
    assert trace["first_name"] == "traits.first_name"


def test_camel_case_wins_when_both_spellings_given():
    event = track()
    event["traits"].update(first_name="Ignored", firstName="Jane")
    assert decide(event, "apollo").request.body["first_name"] == "Jane"


@pytest.mark.parametrize("company", ["Acme Inc", {"name": "Acme Inc", "industry": "x"}])
def test_company_as_string_or_object(company):
    event = track()
    event["traits"]["company"] = company
    assert decide(event, "apollo").request.body["organization_name"] == "Acme Inc"


def test_traits_from_context_traits_are_used():
    event = track(traits={})
    event["context"]["traits"] = {"email": "ctx@acme.com", "lastName": "Ctx"}
    assert decide(event, "close").request.body["contacts"][0]["emails"] == [
        {"email": "ctx@acme.com"}
    ]


def test_later_identify_overwrites_trait_by_trait():
    events = [
        {"type": "identify", "userId": "u1", "traits": {"email": "old@acme.com", "title": "CTO"}},
        {"type": "identify", "userId": "u1", "traits": {"email": "new@acme.com"}},
        track("Lead Submitted", userId="u1", traits={}),
    ]
    body = decide_stream(events, "close")[-1].request.body
    assert body["contacts"][0]["emails"] == [{"email": "new@acme.com"}]
    assert body["contacts"][0]["title"] == "CTO"


def test_identify_of_another_person_does_not_leak():
    events = [
        {"type": "identify", "userId": "someone-else", "traits": {"email": "x@acme.com"}},
        track("Lead Submitted", userId="u1", traits={}),
    ]
    assert decide_stream(events, "close")[-1].reason == "missing_email"


def test_anonymous_id_links_identify_and_track():
    events = [
        {"type": "identify", "anonymousId": "a1", "traits": {"email": "a@acme.com"}},
        track("Lead Submitted", userId=None, anonymousId="a1", traits={}),
    ]
    decisions = decide_stream(events, "close")
    assert decisions[-1].action == "deliver"
    assert decisions[-1].trace[0].source.startswith("identify")


def test_track_traits_win_over_identify_traits():
    events = [
        {"type": "identify", "userId": "u1", "traits": {"email": "old@acme.com"}},
        track("Lead Submitted", userId="u1", traits={"email": "Track@Acme.com"}),
    ]
    body = decide_stream(events, "close")[-1].request.body
    assert body["contacts"][0]["emails"] == [{"email": "track@acme.com"}]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("  Jane.Doe@ACME.com ", "jane.doe@acme.com"), ("x@y", None), ("@acme.com", None), (42, None)],
)
def test_email_normalisation(raw, expected):
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+44 7700 900123", "US", "+447700900123"),
        ("07700 900123", "GB", "+447700900123"),
        ("(555) 303-1234", "US", "+15553031234"),
        ("+1 555 303 1234", "GB", "+15553031234"),
    ],
)
def test_phone_to_e164_with_default_region(raw, region, expected):
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize("raw", ["call me", "12", "+999 1234"])
def test_unusable_phone_raises_phone_error(raw):
    with pytest.raises(PhoneError):
        normalize_phone(raw, "US")


def test_unparseable_phone_is_left_out_with_warning_not_dropped():
    event = track()
    event["traits"]["phone"] = "call me maybe"
    decision = decide(event, "close")
    assert decision.action == "deliver"
    assert "phones" not in decision.request.body["contacts"][0]
    assert any("call me maybe" in w for w in decision.warnings)
    assert any(e.omitted and e.field.endswith("phone") for e in decision.trace)


def test_default_region_from_config():
    event = track()
    event["traits"]["phone"] = "07700 900123"
    config = MappingConfig(default_region="gb")
    assert decide(event, "apollo", config).request.body["mobile_phone"] == "+447700900123"


def test_names_and_text_are_trimmed():
    event = track()
    event["traits"].update(firstName="  Jane ", title=" Head  of Growth ")
    body = decide(event, "apollo").request.body
    assert (body["first_name"], body["title"]) == ("Jane", "Head of Growth")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a JSON object"),
        ({"type": "page"}, "invalid event field 'type'"),
        ({"type": "track"}, "non-empty 'event' name"),
        ({"type": "track", "event": "X", "traits": "no"}, "invalid event field 'traits'"),
    ],
)
def test_bad_events_raise_input_error_naming_where(data, message):
    with pytest.raises(InputError) as info:
        parse_event(data, where="events.jsonl:3")
    assert message in str(info.value) and "events.jsonl:3" in str(info.value)


def test_resolved_event_json_carries_merged_traits():
    events = [
        Event.model_validate({"type": "identify", "userId": "u", "traits": {"first_name": "J"}}),
        Event.model_validate({"type": "track", "event": "Signed Up", "userId": "u"}),
    ]
    merged = list(resolve_stream(events))[-1].merged_json()
    assert merged["traits"] == {"firstName": "J"} and merged["event"] == "Signed Up"
