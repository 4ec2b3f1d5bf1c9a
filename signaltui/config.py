"""Settings for the front ends: credentials, store path, delivery tuning, mapping options.

Values come, strongest first, from command-line flags (e.g. ``--db``), then ``SIGNALTUI_*``
environment variables, then the TOML config file (``--config``, ``SIGNALTUI_CONFIG`` or
``<user config dir>/config.toml``), then the defaults below. Credentials are
:class:`~pydantic.SecretStr` so they never print.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir, user_data_dir
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
)

from signaltui.config_errors import invalid_setting
from signaltui.config_sections import DeliverySettings, ReplaySettings, no_items
from signaltui.core.config import MappingConfig
from signaltui.core.request import Destination
from signaltui.errors import ConfigError, InputError
from signaltui.limit_policy import parse_limits

APP_NAME = "signaltui"

#: Placeholder credentials the mocks accept when none are configured (docs/mock-crms.md).
MOCK_PLACEHOLDERS = {
    "apollo_api_key": "mock-apollo-key",
    "outreach_client_id": "mock-client-id",
    "outreach_client_secret": "mock-client-secret",
    "outreach_refresh_token": "mock-refresh-token",
    "close_api_key": "api_mock_close_key",
}


def default_data_dir() -> Path:
    """Where the store and the Outreach token cache live by default."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    """The config file read when neither ``--config`` nor ``SIGNALTUI_CONFIG`` is given."""
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


class Credentials(BaseModel):
    """The secrets of the three CRMs. Never stored, recorded, logged or rendered."""

    apollo_api_key: SecretStr | None = None
    outreach_client_id: SecretStr | None = None
    outreach_client_secret: SecretStr | None = None
    outreach_refresh_token: SecretStr | None = None
    close_api_key: SecretStr | None = None

    def get(self, name: str) -> str | None:
        """The plain value of credential ``name``, or ``None`` when unset or blank."""
        value: SecretStr | None = getattr(self, name)
        plain = value.get_secret_value().strip() if value is not None else ""
        return plain or None

    def configured_for(self, destination: Destination) -> bool:
        """Whether every credential ``destination`` needs is present."""
        return all(self.get(name) for name in CREDENTIAL_NAMES[destination])

    def with_mock_placeholders(self) -> Credentials:
        """These credentials, with each unset one replaced by its mock placeholder."""
        filled = {
            name: SecretStr(self.get(name) or placeholder)
            for name, placeholder in MOCK_PLACEHOLDERS.items()
        }
        return Credentials(**filled)

    def secret_values(self) -> list[str]:
        """Every configured secret value, for redaction checks."""
        return [v for name in MOCK_PLACEHOLDERS if (v := self.get(name))]


CREDENTIAL_NAMES: dict[Destination, tuple[str, ...]] = {
    "apollo": ("apollo_api_key",),
    "outreach": ("outreach_client_id", "outreach_client_secret", "outreach_refresh_token"),
    "close": ("close_api_key",),
}


class Settings(BaseModel):
    """All settings of one signaltui run. Build it with :func:`load_settings`.

    A plain model: :func:`load_settings` fills it from the config file and the simple
    ``SIGNALTUI_*`` variables itself (scalars, top-level or one table down, such as
    ``SIGNALTUI_DELIVERY__TIMEOUT``), and hands any other variable (a whole table, a list)
    to pydantic-settings (:mod:`signaltui.config_environment`), which costs about 40 ms
    of start-up to import.
    """

    # What pydantic-settings' BaseSettings sets, so both ways of building validate alike.
    model_config = ConfigDict(extra="forbid", validate_default=True, arbitrary_types_allowed=True)

    db: Path = Field(
        default_factory=lambda: default_data_dir() / "signaltui.db",
        description="The SQLite store (also --db).",
    )
    token_file: Path = Field(
        default_factory=lambda: default_data_dir() / "outreach-token.json",
        description="Where the rotated Outreach refresh token and access token are cached.",
    )

    @field_validator("db", "token_file", mode="before")
    @classmethod
    def _path_is_text(cls, value: Any) -> Any:
        # pydantic would turn `db = 5` into the file "5": a path must be written as text.
        if isinstance(value, Path):
            return value
        if not isinstance(value, str):
            raise ValueError(f"a file path must be a string, got {type(value).__name__}")
        if not value.strip():
            raise ValueError("a file path must not be empty")
        return value

    apollo_api_key: SecretStr | None = Field(None, description="Apollo key (Create a Contact).")
    outreach_client_id: SecretStr | None = Field(None, description="Outreach OAuth client id.")
    outreach_client_secret: SecretStr | None = Field(None, description="Outreach client secret.")
    outreach_refresh_token: SecretStr | None = Field(None, description="Outreach refresh token.")
    close_api_key: SecretStr | None = Field(None, description="Close API key (api_…).")
    mapping: MappingConfig = Field(default_factory=MappingConfig, description="Mapping options.")
    delivery: DeliverySettings = Field(default_factory=DeliverySettings, description="Retries.")
    replay: ReplaySettings = Field(default_factory=ReplaySettings, description="Replay compares.")
    # Flat aliases for the most used mapping options, so SIGNALTUI_DEFAULT_REGION works.
    default_region: str | None = Field(None, description="Shortcut for mapping.default_region.")
    apollo_dedupe: bool | None = Field(None, description="Shortcut for mapping.apollo_dedupe.")
    close_lead_status_id: str | None = Field(None, description="Shortcut for Close lead status.")
    # pydantic-settings must not JSON-decode SIGNALTUI_BLUEPRINTS (config_environment.py).
    blueprints: list[Path] = Field(
        default_factory=no_items,
        description="Blueprint overlays applied after the presets, in order: YAML files or "
        "folders of *.yaml (also --blueprints; in SIGNALTUI_BLUEPRINTS separate several "
        "with the path separator, ':' on Linux and macOS).",
    )
    mock_limits: str = Field(
        "on",
        description="Rate-limit enforcement of the in-process mock CRMs (--target mock and "
        "the terminal app): on (each CRM's real windows), off, or scale:F (every window F "
        "times shorter). `signaltui mock serve --limits` sets it for a served mock. Env "
        "SIGNALTUI_MOCK_LIMITS.",
    )
    #: (inputs, planned config) of the last mapping_config: compiling is done once.
    _mapping_cache: tuple[tuple[Any, ...], MappingConfig] | None = PrivateAttr(None)

    @field_validator("mock_limits")
    @classmethod
    def _limits_known(cls, value: str) -> str:
        try:
            parse_limits(value)
        except InputError as exc:
            raise ValueError(f"{exc.message}; {exc.hint}") from exc
        return value

    @field_validator("blueprints", mode="before")
    @classmethod
    def _split_paths(cls, value: Any) -> Any:
        if isinstance(value, str | Path):
            return [part for part in str(value).split(os.pathsep) if part.strip()]
        return value

    @property
    def credentials(self) -> Credentials:
        """The configured credentials (possibly none)."""
        return Credentials(
            apollo_api_key=self.apollo_api_key,
            outreach_client_id=self.outreach_client_id,
            outreach_client_secret=self.outreach_client_secret,
            outreach_refresh_token=self.outreach_refresh_token,
            close_api_key=self.close_api_key,
        )

    @property
    def mapping_config(self) -> MappingConfig:
        """The mapping options with the flat shortcuts applied, planning with the
        blueprints in force (presets, these settings, then the ``blueprints`` files).

        Raises :class:`~signaltui.blueprints.BlueprintError` for a bad blueprint file.
        """
        inputs = (
            self.mapping,
            self.default_region,
            self.apollo_dedupe,
            self.close_lead_status_id,
            tuple(self.blueprints),
        )
        cached = self._mapping_cache
        if cached is not None and cached[0][0] is inputs[0] and cached[0][1:] == inputs[1:]:
            return cached[1]
        config = self._mapping_options()
        if self.blueprints:
            from signaltui.blueprints import compile_set, load_overlays
            from signaltui.core.blueprints.registry import with_blueprints

            config = with_blueprints(config, compile_set(config, load_overlays(self.blueprints)))
        self._mapping_cache = (inputs, config)
        return config

    def _mapping_options(self) -> MappingConfig:
        overrides: dict[str, Any] = {}
        if self.default_region is not None:
            overrides["default_region"] = self.default_region
        if self.apollo_dedupe is not None:
            overrides["apollo_dedupe"] = self.apollo_dedupe
        if self.close_lead_status_id is not None:
            overrides["close_lead_status_id"] = self.close_lead_status_id
        if not overrides:
            return self.mapping
        return MappingConfig.model_validate({**self.mapping.model_dump(), **overrides})


def _read_config_file(path: Path, explicit: bool) -> dict[str, Any]:
    if not path.exists():
        if explicit:
            raise ConfigError(
                "config file not found", where=str(path), hint="check the --config path"
            )
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"cannot read config file: {exc}", where=str(path), hint="fix the TOML syntax"
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"the config file is not UTF-8 text ({exc.reason} at byte {exc.start})",
            where=str(path),
            hint="save it as UTF-8 TOML, or point --config / SIGNALTUI_CONFIG elsewhere",
        ) from exc


def load_settings(config_path: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the environment, the config file and ``overrides`` (e.g. ``db=``).

    Raises :class:`ConfigError` naming the offending setting when a value is invalid.
    """
    env_path = os.environ.get("SIGNALTUI_CONFIG")
    explicit = config_path is not None or bool(env_path)
    path = config_path or (Path(env_path) if env_path else default_config_path())
    values = _read_config_file(path, explicit)
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        simple = simple_environment()
        if simple is None:
            from signaltui.config_environment import settings_from_sources

            settings = settings_from_sources(values, given)
        else:
            # Weakest first: the file, then the environment, then the flags, merged table
            # by table as pydantic-settings merges its sources.
            settings = Settings.model_validate(_deep_merge(values, simple, given))
        settings._mapping_options()  # validates the shortcuts too
    except ValidationError as exc:
        raise invalid_setting(exc, given, path) from exc
    return settings


#: Settings pydantic-settings passes on from a variable exactly as written (not tables,
#: not JSON: ``blueprints`` is split on the path separator by its own validator).
SIMPLE_VARIABLES = frozenset(
    {
        "db",
        "token_file",
        *MOCK_PLACEHOLDERS,
        "default_region",
        "apollo_dedupe",
        "close_lead_status_id",
        "blueprints",
        "mock_limits",
    }
)


#: ``SIGNALTUI_*`` variables that are not settings: the config file's path (read by
#: load_settings) and the preset cache's folder (signaltui.blueprints.preset_cache).
NOT_SETTINGS = frozenset({"config", "cache_dir"})

#: Keys of the settings' tables that a nested variable (``SIGNALTUI_DELIVERY__TIMEOUT``)
#: sets as written: the scalar ones (pydantic-settings JSON-decodes a list or a table).
SIMPLE_NESTED_VARIABLES: dict[str, frozenset[str]] = {
    "mapping": frozenset({"default_region", "apollo_dedupe", "close_lead_status_id"}),
    "delivery": frozenset(
        {
            "max_attempts",
            "backoff_base",
            "backoff_max",
            "max_wait",
            "timeout",
            "rate_limit_per_second",
            "rate_limit_burst",
        }
    ),
}


def simple_environment() -> dict[str, Any] | None:
    """The ``SIGNALTUI_*`` settings variables as field values (a nested one as a table:
    ``{"delivery": {"timeout": "4"}}``), or ``None`` when any of them needs
    pydantic-settings (a whole table such as ``SIGNALTUI_DELIVERY``, a nested key that is
    a list or a table, a name it does not know, or one name set twice in different
    cases). Names match in any case, as pydantic-settings matches them."""
    found: dict[str, Any] = {}
    seen: set[str] = set()
    for name, value in os.environ.items():
        lowered = name.lower()
        if not lowered.startswith("signaltui_"):
            continue
        key = lowered[len("signaltui_") :]
        if key in NOT_SETTINGS:
            continue
        if key in seen:
            return None
        seen.add(key)
        table, _, inner = key.partition("__")
        if not inner and key in SIMPLE_VARIABLES:
            found[key] = value
        elif inner in SIMPLE_NESTED_VARIABLES.get(table, ()):
            found.setdefault(table, {})[inner] = value
        else:
            return None
    return found


def _deep_merge(*layers: dict[str, Any]) -> dict[str, Any]:
    """``layers`` merged, each over the ones before it, a table key by key (a value that
    is not a table on either side is replaced whole), as pydantic-settings merges."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            below = merged.get(key)
            if isinstance(below, dict) and isinstance(value, dict):
                merged[key] = _deep_merge(below, value)
            else:
                merged[key] = value
    return merged
