"""The settings when a ``SIGNALTUI_*`` variable needs pydantic-settings to read it.

:func:`signaltui.config.load_settings` reads the config file and the simple variables
itself, nested scalars (``SIGNALTUI_DELIVERY__TIMEOUT``) included; a table variable
(``SIGNALTUI_DELIVERY='{"timeout": 2}'``), a nested list or table
(``SIGNALTUI_REPLAY__IGNORE``) or a name it does not know comes here, where
pydantic-settings merges all the sources. Kept apart because importing pydantic-settings
costs about 40 ms, which a one-event ``preview`` should not pay for nothing.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from signaltui.config import Settings
from signaltui.errors import ConfigError

#: The config file's values while :func:`settings_from_sources` builds the settings.
_config_file_values: ContextVar[dict[str, Any]] = ContextVar("config_file_values")


class ConfigFileSettingsSource(InitSettingsSource):
    """The already-read TOML config file, matched to fields exactly like init kwargs."""


class EnvironmentSettings(Settings, BaseSettings):
    """:class:`~signaltui.config.Settings`, read by pydantic-settings from the environment."""

    model_config = SettingsConfigDict(
        env_prefix="SIGNALTUI_", env_nested_delimiter="__", extra="forbid"
    )

    # The same field, marked so SIGNALTUI_BLUEPRINTS is split (by Settings' validator),
    # not decoded as JSON.
    blueprints: Annotated[list[Path], NoDecode] = Field(
        default_factory=list, description=Settings.model_fields["blueprints"].description
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Strongest first, as signaltui.config promises: the init kwargs (command-line
        # flags only), the environment, then the config file read by load_settings.
        config_file = ConfigFileSettingsSource(settings_cls, _config_file_values.get({}))
        return (init_settings, env_settings, config_file)


def settings_from_sources(file_values: dict[str, Any], given: dict[str, Any]) -> Settings:
    """The settings from ``given`` (flags), the environment and ``file_values``.

    Raises pydantic's ``ValidationError`` for a bad value (``load_settings`` words it),
    and :class:`ConfigError` for a table variable that is not JSON.
    """
    token = _config_file_values.set(file_values)
    try:
        return EnvironmentSettings(**given)
    except SettingsError as exc:
        # Raised before validation when a table's variable (SIGNALTUI_DELIVERY, …) is not
        # JSON; pydantic-settings names the field only in its message.
        found = re.search(r'field "([^"]+)"', str(exc))
        variable = f"SIGNALTUI_{found.group(1).upper()}" if found else "a SIGNALTUI_* variable"
        raise ConfigError(
            f"{variable} is not valid JSON",
            where=f"environment ({variable})" if found else "environment",
            hint=f"give it a JSON object, or set one key per variable ({variable}__KEY=value)",
        ) from exc
    finally:
        _config_file_values.reset(token)
