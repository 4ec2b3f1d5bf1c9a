"""Property tests: the core over arbitrary events, traits, consent shapes and configs.

What they prove, for any input hypothesis can build:
(a) raw JSON/dict → parse → merge → plan raises nothing but :class:`InputError`;
(b) a planned request satisfies its CRM's required shape (``crm_shapes``, from the specs),
    and only mapped, consented track events are delivered;
(c) a dropped decision carries a reason from ``DROP_REASONS`` and no request;
(d) ``signaltui preview --json`` output is valid JSON and never holds a credential.
"""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signaltui.cli import main
from signaltui.core.config import MappingConfig
from signaltui.core.decision import DROP_REASONS
from signaltui.core.events import Event, parse_event, resolve_stream
from signaltui.core.plan import plan
from signaltui.core.request import DESTINATIONS
from signaltui.errors import InputError
from signaltui.inputs import parse_events_text
from tests.helpers import decide
from tests.unit.crm_shapes import MAPPED_EVENTS, VALIDATORS

# Any code point, surrogates and control characters included: JSON escapes can carry them.
ANY_CHAR = st.characters(blacklist_categories=())
# Strings that have broken parsers, terminals or stores elsewhere, mixed in so that a short
# run still meets them: a lone surrogate, NUL, BOM, bidi override, emoji, combining marks.
NASTY = st.sampled_from(["\ud800", "\x00", "\ufeff", "\u202e", "😀", "e\u0301", "İ", " ", ""])
TEXT = st.text(ANY_CHAR, max_size=30) | NASTY | st.builds("{}{}".format, NASTY, st.text(max_size=5))
LONG_TEXT = st.builds(
    lambda s, n: s * n, st.text(ANY_CHAR, min_size=1, max_size=5), st.integers(2000, 20000)
)
SCALARS = st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats() | TEXT
JSON_VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
NAMES = [*sorted(set().union(*MAPPED_EVENTS.values())), "Page Viewed", " Signed Up ", "signed up"]
EMAILS = st.emails() | st.builds(
    lambda e, pad: f"{pad}{e.upper()}{pad}", st.emails(), st.sampled_from(["", " ", "\t", "\n "])
)
PHONES = (
    st.from_regex(r"\+?[0-9 ()\-.]{0,20}", fullmatch=True)
    | st.sampled_from(["+44 7700 900123", "(555) 303-1234", "+1 555 303 1234 ext. 9", "+800"])
    | st.integers(0, 10**16)
)
TRAIT_KEYS = [
    "firstName", "first_name", "lastName", "last_name", "name", "full_name", "email", "phone",
    "phone_number", "company", "company_name", "title", "job_title", "website", "city",
    "state", "country", "address",
]  # fmt: skip
TRAIT_VALUES = (
    JSON_VALUES | EMAILS | PHONES | LONG_TEXT | st.fixed_dictionaries({"name": JSON_VALUES})
)
TRAITS = st.dictionaries(st.sampled_from(TRAIT_KEYS) | TEXT, TRAIT_VALUES, max_size=8)
CONSENT = (
    st.dictionaries(st.sampled_from(["marketing", "analytics"]) | TEXT, JSON_VALUES, max_size=3)
    | st.just({"marketing": True})
    | JSON_VALUES
)
CONTEXT = st.fixed_dictionaries(
    {},
    optional={
        "consent": CONSENT,
        "traits": TRAITS | JSON_VALUES,
        "page": st.fixed_dictionaries({}, optional={"url": JSON_VALUES}) | JSON_VALUES,
    },
)
PROPERTIES = st.dictionaries(
    st.sampled_from(["lead_source", "leadSource", "signup_method", "lead_type", "score"]) | TEXT,
    JSON_VALUES | LONG_TEXT,
    max_size=4,
)
EVENTS = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["track", "track", "identify"]) | JSON_VALUES,
        "event": st.sampled_from(NAMES)
        | st.builds(str.__add__, st.sampled_from(NAMES), NASTY)
        | TEXT
        | JSON_VALUES,
        "userId": st.sampled_from(["u1", "u2"]) | JSON_VALUES,
        "anonymousId": st.sampled_from(["a1"]) | JSON_VALUES,
        "traits": TRAITS | JSON_VALUES,
        "properties": PROPERTIES | JSON_VALUES,
        "context": CONTEXT | JSON_VALUES,
        "messageId": TEXT,
        "timestamp": TEXT | JSON_VALUES,
    },
)
RAW = EVENTS | JSON_VALUES
#: Events that pass validation (type and name set), so a whole file reaches the output.
VALID_EVENTS = st.builds(
    lambda event, kind, name: {**event, "type": kind, "event": name},
    EVENTS,
    st.sampled_from(["track", "identify"]),
    st.sampled_from(NAMES) | st.builds(str.__add__, st.sampled_from(NAMES), NASTY),
)
CONFIGS = st.builds(
    MappingConfig,
    default_region=st.sampled_from(["US", "GB", "DE", "JP", "IN"]),
    apollo_dedupe=st.booleans(),
    close_lead_status_id=st.none() | st.just("stat_abc"),
    close_custom_fields=st.dictionaries(
        st.sampled_from(["cf_a", "cf_b"]),
        st.sampled_from(["properties.score", "traits.company.name", "context.page.url", "x.y"]),
    ),
    consent=st.dictionaries(
        st.sampled_from(DESTINATIONS), st.lists(st.sampled_from(["marketing", "analytics"]))
    ),
)
FAST = settings(max_examples=250, deadline=None, database=None)


def _parse_stream(raws: list[Any]) -> list[Event]:
    """Each raw value parsed as the front ends do; only InputError is an allowed failure."""
    events = []
    for index, raw in enumerate(raws):
        try:
            events.append(parse_event(raw, where=f"test:{index}"))
        except InputError as error:
            assert error.where == f"test:{index}" and error.message
    return events


def _check_decision(event: Event, decision: Any, config: MappingConfig) -> None:
    destination = decision.destination
    if decision.action == "drop":
        assert decision.reason in DROP_REASONS, decision.reason
        assert decision.request is None and decision.detail
        return
    assert decision.reason is None and decision.request is not None
    # Only mapped track events, with every gating consent category granted, are delivered.
    assert event.type == "track" and (event.event or "").strip() in MAPPED_EVENTS[destination]
    consent = event.context.get("consent")
    for category in config.consent_categories(destination):
        assert isinstance(consent, dict) and consent.get(category) is True
    request = decision.to_contract()["request"]
    problems = VALIDATORS[destination](request, decision.warnings)
    assert not problems, problems


@FAST
@given(raws=st.lists(RAW, min_size=1, max_size=4), config=CONFIGS)
def test_any_dict_stream_plans_or_fails_with_input_error(raws, config):
    events = _parse_stream(raws)
    for resolved in resolve_stream(events):
        for destination in DESTINATIONS:
            _check_decision(resolved.event, plan(resolved, destination, config), config)


@FAST
@given(
    raws=st.lists(RAW, min_size=1, max_size=3),
    layout=st.sampled_from(["lines", "array", "one"]),
    noise=st.sampled_from(["", "\n", "\n\n", "{", "}", "[", "x", "\x00", "\ufeff"]),
)
def test_any_json_text_parses_or_fails_with_input_error(raws, layout, noise):
    dump = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731
    body = {
        "lines": "\n".join(dump(r) for r in raws),
        "array": dump(raws),
        "one": dump(raws[0]),
    }[layout]
    for text in (body, body + noise, noise + body):
        try:
            events = parse_events_text(text, source="editor")
        except InputError as error:
            assert error.where is not None and error.where.startswith("editor")
            continue
        for resolved in resolve_stream(events):
            for destination in DESTINATIONS:
                plan(resolved, destination, MappingConfig())


FAKE_SECRETS = {
    "SIGNALTUI_APOLLO_API_KEY": "apollo-fake-secret-7781",
    "SIGNALTUI_CLOSE_API_KEY": "api_fake_close_secret_7782",
    "SIGNALTUI_OUTREACH_CLIENT_ID": "outreach-fake-client-7783",
    "SIGNALTUI_OUTREACH_CLIENT_SECRET": "outreach-fake-secret-7784",
    "SIGNALTUI_OUTREACH_REFRESH_TOKEN": "outreach-fake-refresh-7785",
}


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(raws=st.lists(VALID_EVENTS | EVENTS, min_size=1, max_size=3), as_json=st.booleans())
def test_preview_output_is_json_without_credentials(raws, as_json, tmp_path, monkeypatch):
    for name, value in FAKE_SECRETS.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "events.jsonl"
    # ensure_ascii: a file on disk is UTF-8, so lone surrogates can only come as \u escapes.
    path.write_text("\n".join(json.dumps(r) for r in raws) + "\n", encoding="utf-8")
    args = ["preview", str(path), *(["--json"] if as_json else [])]
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    for secret in FAKE_SECRETS.values():
        assert secret not in result.output
    if result.exit_code == 2:
        assert str(path) in result.stderr
    elif as_json:
        for line in result.stdout.splitlines():
            decision = json.loads(line, parse_constant=_reject_constant)
            assert decision["action"] in ("deliver", "drop")


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


# -- core bugs these properties found, pinned with the smallest input ----------------------


def _signed_up(title: object) -> dict[str, Any]:
    """The smallest consenting event that carries ``title`` to every CRM."""
    return {
        "type": "track",
        "event": "Signed Up",
        "traits": {"email": "a@b.co", "title": title},
        "context": {"consent": {"marketing": True}},
    }


def test_core_huge_integer_trait_is_not_a_crash():
    assert decide(_signed_up(10**5000), "close").action == "deliver"


def test_outreach_title_over_255_characters_is_flagged():
    decision = decide(_signed_up("x" * 256), "outreach")
    assert decision.request is not None
    # Cut to what Outreach accepts, and said so.
    assert decision.request.body["data"]["attributes"]["title"] == "x" * 255
    assert any("title" in w for w in decision.warnings), decision.warnings
