"""Drop reasons, consent gating, fallbacks and per-CRM rules of the blueprints."""

import pytest

from signaltui.core.config import MappingConfig
from tests.helpers import decide, decide_stream, track


@pytest.mark.parametrize("destination", ["apollo", "outreach", "close"])
def test_unmapped_event_is_dropped(destination):
    decision = decide(track("Page Viewed"), destination)
    assert (decision.action, decision.reason, decision.request) == (
        "drop",
        "event_not_mapped",
        None,
    )
    assert "Page Viewed" in (decision.detail or "")


@pytest.mark.parametrize(
    ("destination", "events"),
    [
        ("apollo", ["Lead Generated", "Demo Requested", "Signed Up"]),
        ("outreach", ["Lead Submitted", "Form Submitted", "Signed Up", "Demo Requested"]),
        ("close", ["Lead Submitted", "Demo Requested", "Signed Up"]),
    ],
)
def test_each_mapped_event_delivers(destination, events):
    assert [decide(track(name), destination).action for name in events] == ["deliver"] * len(events)


@pytest.mark.parametrize("destination", ["apollo", "outreach", "close"])
@pytest.mark.parametrize("consent", [None, {}, {"marketing": False}, {"marketing": "yes"}])
def test_marketing_consent_absent_or_denied_drops(destination, consent):
    context = {} if consent is None else {"consent": consent}
    decision = decide(track(context=context), destination)
    assert (decision.action, decision.reason) == ("drop", "consent_not_granted")


def test_every_gating_category_must_be_granted():
    config = MappingConfig(consent={"close": ["marketing", "sales"]})
    partial = decide(track(context={"consent": {"marketing": True}}), "close", config)
    assert partial.reason == "consent_not_granted" and "sales" in (partial.detail or "")
    both = decide(track(context={"consent": {"marketing": True, "sales": True}}), "close", config)
    assert both.action == "deliver"


def test_no_gating_categories_means_no_consent_gate():
    config = MappingConfig(consent={"outreach": []})
    assert decide(track(context={}), "outreach", config).action == "deliver"


@pytest.mark.parametrize("destination", ["outreach", "close"])
@pytest.mark.parametrize("email", [None, "", "   ", "not-an-email"])
def test_outreach_and_close_drop_without_usable_email(destination, email):
    event = track()
    if email is None:
        del event["traits"]["email"]
    else:
        event["traits"]["email"] = email
    decision = decide(event, destination)
    assert (decision.action, decision.reason) == ("drop", "missing_email")


def test_apollo_without_email_still_plans_with_warning():
    event = track()
    del event["traits"]["email"]
    decision = decide(event, "apollo")
    assert decision.action == "deliver"
    assert "email" not in decision.request.body
    assert any("deduplicate" in w for w in decision.warnings)


@pytest.mark.parametrize("missing", ["firstName", "lastName"])
def test_apollo_missing_name_is_planned_with_warning(missing):
    event = track()
    del event["traits"][missing]
    decision = decide(event, "apollo")
    assert decision.action == "deliver"
    assert any("Apollo rejects" in w for w in decision.warnings)


def test_apollo_labels_and_dedupe_setting():
    event = track(properties={"lead_source": "Webinar", "signup_method": "Google"})
    body = decide(event, "apollo").request.body
    assert body["label_names"] == ["Signal - Marketing Opt-in", "Webinar", "Google"]
    assert body["run_dedupe"] is True
    off = decide(event, "apollo", MappingConfig(apollo_dedupe=False))
    assert "run_dedupe" not in off.request.body
    assert any(e.field == "run_dedupe" and e.omitted for e in off.trace)


def test_apollo_without_marketing_gate_has_no_opt_in_label():
    config = MappingConfig(consent={"apollo": ["analytics"]})
    event = track(context={"consent": {"analytics": True}}, properties={"lead_source": "Ads"})
    assert decide(event, "apollo", config).request.body["label_names"] == ["Ads"]


@pytest.mark.parametrize(
    ("event_name", "tag"),
    [
        ("Lead Submitted", "lead"),
        ("Form Submitted", "form"),
        ("Signed Up", "signup"),
        ("Demo Requested", "demo-request"),
    ],
)
def test_outreach_tags_per_event(event_name, tag):
    attributes = decide(track(event_name), "outreach").request.body["data"]["attributes"]
    assert attributes["tags"] == ["Signal", tag]


def test_outreach_address_from_traits_or_address_object():
    flat = track()
    flat["traits"].update(city="London", state="England", country="GB")
    attributes = decide(flat, "outreach").request.body["data"]["attributes"]
    assert (
        attributes["addressCity"],
        attributes["addressState"],
        attributes["addressCountry"],
    ) == (
        "London",
        "England",
        "GB",
    )
    nested = track()
    nested["traits"]["address"] = {"city": "Paris", "country": "FR"}
    attributes = decide(nested, "outreach").request.body["data"]["attributes"]
    assert attributes["addressCity"] == "Paris" and "addressState" not in attributes


def test_outreach_name_prefers_full_name_trait():
    event = track()
    event["traits"]["name"] = "Dr Jane Doe"
    assert decide(event, "outreach").request.body["data"]["attributes"]["name"] == "Dr Jane Doe"


@pytest.mark.parametrize(
    ("remove", "expected_name"),
    [((), "Acme Inc"), (("company",), "Doe"), (("company", "lastName"), "jane.doe@acme.com")],
)
def test_close_lead_name_falls_back(remove, expected_name):
    event = track()
    for trait in remove:
        del event["traits"][trait]
    decision = decide(event, "close")
    assert decision.request.body["name"] == expected_name
    assert next(e for e in decision.trace if e.field == "name").rule.startswith("lead name")


def test_close_optional_status_url_description_and_custom_fields():
    config = MappingConfig(
        close_lead_status_id="stat_abc",
        close_custom_fields={"cf_source": "properties.lead_source", "cf_city": "traits.city"},
    )
    event = track(properties={"lead_type": "Pricing enquiry", "lead_source": "Ads"})
    decision = decide(event, "close", config)
    body = decision.request.body
    assert body["status_id"] == "stat_abc"
    assert body["url"] == "https://example.com/c"
    assert body["description"] == "Pricing enquiry"
    assert body["custom.cf_source"] == "Ads"
    assert "custom.cf_city" not in body
    assert any(e.field == "custom.cf_city" and e.omitted for e in decision.trace)
    plain = decide(track(context={"consent": {"marketing": True}}), "close").request.body
    assert "status_id" not in plain and "url" not in plain and "description" not in plain


def test_identify_events_are_never_delivered():
    decisions = decide_stream([{"type": "identify", "userId": "u", "traits": {}}], "close")
    assert decisions[0].reason == "identify_only"
