"""The TUI's UI-free helpers: form <-> event, curl, settings edits, replay rows."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from signaltui.config import Settings, default_config_path
from signaltui.errors import ConfigError, InputError
from signaltui.replay import Difference, ExchangeResult
from signaltui.tui.compose_model import (
    KNOWN_EVENTS,
    event_to_form,
    form_to_event,
    parse_editor_text,
)
from signaltui.tui.curl import to_curl
from signaltui.tui.mocks import MockServer, mask_secrets
from signaltui.tui.replay_model import (
    parse_paths,
    result_detail,
    result_row,
    short_source,
    source_folders,
)
from signaltui.tui.samples import BUILTIN_SAMPLE, event_choices, load_event_file, sample_event
from signaltui.tui.settings_model import (
    apply_edits,
    config_file,
    credential_status,
    parse_categories,
    shown_path,
)

ROOT = Path(__file__).resolve().parents[2]


def test_known_events_are_the_union_of_the_crms_mapped_events() -> None:
    assert "Demo Requested" in KNOWN_EVENTS
    assert "Lead Generated" in KNOWN_EVENTS  # Apollo only
    assert "Form Submitted" in KNOWN_EVENTS  # Outreach only
    assert list(KNOWN_EVENTS) == sorted(set(KNOWN_EVENTS))


def test_form_round_trip_leaves_the_event_unchanged() -> None:
    event = {
        "type": "track",
        "event": "Signed Up",
        "traits": {"first_name": "Ada", "company": {"name": "Engines", "id": 7}, "age": 36},
        "properties": {"signupMethod": "google", "plan": "pro"},
        "context": {"consent": {"marketing": "yes"}, "ip": "127.0.0.1"},
        "extra": [1, 2],
    }
    form = event_to_form(event)
    assert form["trait.firstName"] == "Ada"
    assert form["trait.company"] == "Engines"
    assert form["prop.signup_method"] == "google"
    assert form["consent.marketing"] is False  # only true grants
    assert form_to_event(form, event) == event


def test_form_edits_keep_spelling_and_remove_cleared_fields() -> None:
    event = {
        "type": "track",
        "event": "Signed Up",
        "traits": {"first_name": "Ada", "email": "a@x.io", "company": {"name": "E"}},
    }
    form = event_to_form(event)
    form["trait.firstName"] = "Augusta"
    form["trait.email"] = ""
    form["trait.company"] = "Engines Ltd"
    form["consent.marketing"] = True
    form["page_url"] = "https://x.io/p"
    updated = form_to_event(form, event)
    assert updated["traits"] == {"first_name": "Augusta", "company": {"name": "Engines Ltd"}}
    assert updated["context"] == {"consent": {"marketing": True}, "page": {"url": "https://x.io/p"}}
    # unticking a granted consent records the refusal rather than deleting it
    form["consent.marketing"] = False
    assert form_to_event(form, updated)["context"]["consent"]["marketing"] is False


def test_identify_without_event_name_has_no_event_key() -> None:
    form = event_to_form({"type": "identify", "traits": {}})
    assert "event" not in form_to_event(form, {"type": "identify", "traits": {}})


def test_editor_text_errors_say_where() -> None:
    with pytest.raises(InputError, match="line 2"):
        parse_editor_text('{\n  "type": }')
    with pytest.raises(InputError, match="event"):
        parse_editor_text('{"type": "track"}')
    data, event = parse_editor_text('{"type": "identify"}')
    assert data == {"type": "identify"} and event.type == "identify"


def test_editor_text_with_unusable_values_is_an_input_error_not_a_crash() -> None:
    huge = '{"type": "identify", "traits": {"n": ' + "9" * 5000 + "}}"
    with pytest.raises(InputError, match="unusable JSON value"):
        parse_editor_text(huge)
    with pytest.raises(InputError, match="surrogate"):
        parse_editor_text('{"type": "track", "event": "Signed Up\\ud800"}')
    with pytest.raises(InputError, match="nested too deeply"):
        parse_editor_text("[" * 100_000)


def test_curl_is_shell_quoted_and_keeps_the_mask() -> None:
    command = to_curl(
        {
            "method": "POST",
            "url": "https://api.close.com/api/v1/lead/",
            "headers": {"Authorization": "Basic ***"},
            "body": {"name": "O'Brien Ltd"},
        }
    )
    words = shlex.split(command.replace("\\\n", " "))
    assert words[:4] == ["curl", "-X", "POST", "https://api.close.com/api/v1/lead/"]
    assert words[4:6] == ["-H", "Authorization: Basic ***"]
    assert words[6:] == ["--data-raw", '{"name": "O\'Brien Ltd"}']


def test_samples_prefer_fixtures_and_merge_streams(tmp_path: Path) -> None:
    assert sample_event(None) == BUILTIN_SAMPLE
    assert sample_event(tmp_path) == BUILTIN_SAMPLE
    assert sample_event(ROOT / "fixtures")["traits"]["city"] == "London"
    loaded = load_event_file(ROOT / "fixtures/events/close-lead-submitted.jsonl")
    assert loaded["event"] == "Lead Submitted"
    assert loaded["traits"]["email"] == "jane.doe@acme.com"  # from the identify


def test_settings_edits_apply_and_validate(settings: Settings) -> None:
    assert credential_status(settings) == [("apollo", False), ("outreach", False), ("close", False)]
    assert parse_categories(" marketing, ,sales ") == ["marketing", "sales"]
    updated = apply_edits(
        settings,
        default_region="gb",
        apollo_dedupe=False,
        close_lead_status_id="stat_1",
        consent={"apollo": "marketing", "outreach": "", "close": "marketing, sales"},
    )
    mapping = updated.mapping_config
    assert (mapping.default_region, mapping.apollo_dedupe) == ("GB", False)
    assert mapping.close_lead_status_id == "stat_1"
    assert mapping.consent_categories("close") == ["marketing", "sales"]
    assert settings.mapping_config.default_region == "US"  # the original is untouched
    with pytest.raises(ConfigError, match="default_region"):
        apply_edits(
            settings, default_region="XYZ", apollo_dedupe=True, close_lead_status_id="", consent={}
        )


def test_replay_rows_show_sources_relative_to_the_replayed_folders(tmp_path: Path) -> None:
    (tmp_path / "deep" / "recordings").mkdir(parents=True)
    one_file = tmp_path / "elsewhere" / "failed.jsonl"
    one_file.parent.mkdir()
    one_file.touch()
    folders = source_folders([tmp_path / "deep" / "recordings", one_file])
    assert folders == [tmp_path / "deep" / "recordings", tmp_path / "elsewhere"]
    assert short_source(f"{tmp_path}/deep/recordings/sub/apollo.jsonl:12", folders) == (
        "sub/apollo.jsonl:12"
    )
    assert short_source(f"{one_file}:3", folders) == "failed.jsonl:3"
    # Not under any of them, or not file:line: as it came.
    assert short_source("/other/close.jsonl:1", folders) == "/other/close.jsonl:1"
    assert short_source("stdin", folders) == "stdin"
    result = ExchangeResult("ex-2", "close", "Lead Submitted", "pass", f"{one_file}:3")
    assert result_row(result, folders)[-1] == "failed.jsonl:3"
    assert f"from {one_file}:3" in result_detail(result)  # the detail keeps the full path


def test_replay_rows_and_details(tmp_path: Path) -> None:
    result = ExchangeResult(
        "ex-1",
        "apollo",
        "Demo Requested",
        "fail",
        "r.jsonl:1",
        differences=[Difference("body.title", "Old", "New")],
    )
    assert result_row(result) == (
        "✗ fail",
        "apollo",
        "Demo Requested",
        "1 difference(s)",
        "r.jsonl:1",
    )
    assert "body.title" in result_detail(result)
    with pytest.raises(InputError, match="not found"):
        parse_paths(str(tmp_path / "missing"))
    with pytest.raises(InputError):
        parse_paths("  ")


def test_mask_secrets_masks_credential_fields_and_configured_values() -> None:
    entry = {
        "path": "/oauth/token",
        "body": {
            "grant_type": "refresh_token",
            "client_id": "cid-1",
            "client_secret": "shh-2",
            "refresh_token": "rt-3",
            "note": ["sent with key-4 inside"],
        },
        "query": "x=key-4",
        "empty": {"client_secret": ""},
    }
    shown = mask_secrets(entry, ["key-4", ""])
    assert shown["body"] == {
        "grant_type": "refresh_token",
        "client_id": "***",
        "client_secret": "***",
        "refresh_token": "***",
        "note": ["sent with *** inside"],
    }
    assert shown["query"] == "x=***"
    assert shown["empty"] == {"client_secret": ""}  # nothing to hide: shown as sent
    assert entry["body"]["client_secret"] == "shh-2"  # the journal itself is untouched


def test_config_file_follows_the_loaders_order(tmp_path: Path) -> None:
    given = tmp_path / "given.toml"
    env = {"SIGNALTUI_CONFIG": str(tmp_path / "env.toml")}
    assert config_file(given, env) == given
    assert config_file(None, env) == tmp_path / "env.toml"
    assert config_file(None, {}) == default_config_path()


def test_shown_paths_shorten_the_home_folder(tmp_path: Path) -> None:
    assert shown_path(tmp_path / "a" / "t.db", home=tmp_path) == "~/a/t.db"
    assert shown_path(Path("/elsewhere/t.db"), home=tmp_path) == "/elsewhere/t.db"


def test_event_choices_offer_every_event_of_a_stream_with_merged_traits() -> None:
    choices, default = event_choices(ROOT / "fixtures/events/apollo-demo-requested.jsonl")
    assert [c.label.split(" · ")[0] for c in choices] == ["1. identify", "2. track Demo Requested"]
    assert default == 1  # the last track, as before the picker
    assert choices[1].event["traits"]["firstName"] == "Tim"  # the identify's, merged in


def test_a_stopped_mock_server_keeps_its_own_profile(settings: Settings) -> None:
    server = MockServer(settings.credentials)
    server.set_profile("flaky")
    assert server.profile == "flaky" and not server.running
    with pytest.raises(InputError, match="unknown fault profile"):
        server.set_profile("nonsense")
    assert server.profile == "flaky"
