"""What a repro bundle holds: its format marker, version and files (docs/bundles.md)."""

from __future__ import annotations

from typing import Final

#: The ``format`` of every bundle's manifest.
FORMAT: Final = "signaltui.bundle"
#: The bundle format this code writes and the newest it reads.
VERSION: Final = 1
MANIFEST: Final = "manifest.json"
RECORDING: Final = "recording.jsonl"
CONFIG: Final = "config.json"
BLUEPRINTS_DIR: Final = "blueprints/"

#: Each file of a bundle and what it is (written into the manifest too).
FILES: Final[dict[str, str]] = {
    MANIFEST: "this list, the format version, when and by which signaltui it was made, "
    "and how PII was hashed",
    "event.json": "the event as mapped (identify traits merged in), PII hashed",
    "event-raw.json": "the event as it was received, PII hashed",
    "decision.json": "the core's decision then: action, reason, warnings, field trace",
    "request.json": "the request that went out (secret headers masked), or null if dropped",
    "response.json": "the final response, or null (dropped, or no answer)",
    "attempts.json": "every attempt in order: request, response or transport error, wait, "
    "kind (send or look-up) and note",
    "journal.json": "the mock journal slice: what the mock CRM received for this delivery, "
    "one entry per attempt, in the shape of GET /__mock/requests (empty for live targets)",
    "verdict.json": "how the delivery ended: outcome, reason, hint, retry_at, attempt count",
    CONFIG: "the settings in force (mapping, delivery, replay); secrets left out",
    BLUEPRINTS_DIR: "the blueprint overlay files in force, as they were (none: presets only)",
    RECORDING: "the delivery as one recording line (format version 1), what "
    "`signaltui replay BUNDLE.zip` verifies and re-sends",
}

#: What the manifest says the salt is for (its value is never written anywhere).
SALT_PURPOSE: Final = (
    "PII is replaced by HMAC-SHA256 tokens keyed with a random salt made for this bundle "
    "alone and then forgotten: the same email, phone or name word gives the same token "
    "throughout this bundle (so dedupe replays as it happened), and different tokens in "
    "any other bundle (so bundles cannot be joined on them)."
)

#: The PII the hasher replaces, as the manifest lists it.
HASHED_FIELDS: Final = (
    "emails (traits.email and any email-shaped text anywhere) -> h-<hex>@example.invalid",
    "phones (any trait whose name contains 'phone') -> a valid number of the same country",
    "names and companies (first/last/full name, company) -> one n-<hex> token per word",
    "free text (message, description, notes, comment) and addresses -> t-<hex>",
    "websites (website, domain) -> https://w-<hex>.example.invalid/",
    "userId, anonymousId -> u-<hex>",
)

#: Credential settings: never in a bundle, only whether each was set.
SECRET_SETTINGS: Final = (
    "apollo_api_key",
    "outreach_client_id",
    "outreach_client_secret",
    "outreach_refresh_token",
    "close_api_key",
)
#: The marker that stands in for a configured secret.
SECRET_MARKER: Final = "<set; left out of the bundle>"
