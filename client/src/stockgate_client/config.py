"""Where the stockgate-client command finds its server and credentials.

Each setting comes from the first place that has it: the command-line option, the environment
(STOCKGATE_URL, STOCKGATE_API_KEY, STOCKGATE_PASSWORD, STOCKGATE_FORMAT), then the config file
(``--config``, else ``$XDG_CONFIG_HOME/stockgate-client.toml``, else
``~/.config/stockgate-client.toml``) with the keys ``url``, ``api_key``, ``password``, ``format``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ConfigError", "Settings", "default_config_path", "load_settings"]

_KEYS = ("url", "api_key", "password", "format")


class ConfigError(Exception):
    """The settings are missing or the config file cannot be read."""


@dataclass(frozen=True)
class Settings:
    """What the command needs to open a Client."""

    url: str
    api_key: str
    password: str
    format: str = "json"


def default_config_path() -> Path:
    """The config file looked for when ``--config`` is not given."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "stockgate-client.toml"


def _read_file(path: Path, explicit: bool) -> dict[str, str]:
    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"config file {path} does not exist") from None
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    return {key: str(document[key]) for key in _KEYS if key in document}


def load_settings(given: dict[str, str | None], config: Path | None = None) -> Settings:
    """Merge options and environment (``given``, None where unset) with the config file."""
    from_file = _read_file(config or default_config_path(), explicit=config is not None)
    merged = {key: given.get(key) or from_file.get(key) for key in _KEYS}
    missing = [key for key in ("url", "api_key", "password") if not merged[key]]
    if missing:
        names = ", ".join(f"STOCKGATE_{key.upper()}" for key in missing)
        raise ConfigError(f"missing {', '.join(missing)}: set {names}, pass the option or use a config file")
    fmt = (merged["format"] or "json").lower()
    if fmt not in ("json", "xml"):
        raise ConfigError(f"format must be json or xml, not {fmt!r}")
    return Settings(
        url=str(merged["url"]), api_key=str(merged["api_key"]), password=str(merged["password"]), format=fmt
    )
