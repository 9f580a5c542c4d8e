"""Typed settings. Default values live in ``pipeline/resources/config/<section>.toml``.

A user's TOML file (``--config``) overrides any key of any section::

    [quality]
    min_words = 80

Unknown sections or keys are an error, so a typo never passes silently.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class ConfigError(ValueError):
    """The configuration file is missing, malformed or has unknown keys."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IngestSettings(_Section):
    max_file_bytes: int = Field(gt=0)
    min_chars: int = Field(ge=0)
    max_chars: int = Field(gt=0)
    follow_symlinks: bool
    max_depth: int = Field(gt=0)
    recurring_line_min_articles: int = Field(ge=2)
    recurring_line_min_share: float = Field(ge=0, le=1)
    language_min_chars: int = Field(ge=0)
    analysed_languages: list[str]
    trafilatura_fast: bool


class QualitySettings(_Section):
    model_config = ConfigDict(extra="allow")


class SpinSettings(_Section):
    model_config = ConfigDict(extra="allow")


class AllianceSettings(_Section):
    model_config = ConfigDict(extra="allow")


class DedupSettings(_Section):
    model_config = ConfigDict(extra="allow")


class AuditSettings(_Section):
    model_config = ConfigDict(extra="allow")


class RunSettings(_Section):
    batch_size: int = Field(gt=0)
    workers: int = Field(ge=0)
    cache: bool
    cache_dir: str
    vocab_max_strings: int = Field(default=200_000, ge=0)


class Settings(_Section):
    """All settings of a run; ``digest()`` keys the cache and is written to the outputs."""

    ingest: IngestSettings
    quality: QualitySettings
    spin: SpinSettings
    alliance: AllianceSettings
    dedup: DedupSettings
    audit: AuditSettings
    run: RunSettings

    def digest(self) -> str:
        """Hash of every setting that can change an article's results (not [run])."""
        blob = json.dumps(self.model_dump(mode="json", exclude={"run"}), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


SECTIONS = tuple(Settings.model_fields)


def default_values() -> dict[str, dict[str, Any]]:
    """The shipped defaults, one TOML file per section."""
    base = resources.files("pipeline") / "resources" / "config"
    out: dict[str, dict[str, Any]] = {}
    for name in SECTIONS:
        out[name] = tomllib.loads((base / f"{name}.toml").read_text(encoding="utf-8"))
    return out


def load_settings(path: str | Path | None = None, **overrides: dict[str, Any]) -> Settings:
    """Defaults, then the user's TOML file, then keyword overrides per section."""
    values = default_values()
    layers: list[dict[str, Any]] = []
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"configuration file not found: {p}")
        try:
            layers.append(tomllib.loads(p.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"configuration file {p} is not valid TOML: {exc}") from exc
    layers.append({k: v for k, v in overrides.items() if v})
    for layer in layers:
        for section, body in layer.items():
            if section not in values:
                raise ConfigError(
                    f"unknown configuration section [{section}]; known: {', '.join(SECTIONS)}"
                )
            if not isinstance(body, dict):
                raise ConfigError(f"[{section}] must be a table of keys")
            for key, value in body.items():
                if key not in values[section]:
                    raise ConfigError(f"unknown key '{key}' in [{section}]")
                values[section][key] = value
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration: {exc}") from exc
