"""A profile: what one digest looks like and whom it serves (``[profile]``, ``[profiles.NAME]``).

A profile's ``name`` is its identity in the store (digests, selections, watch topics) and in
messages; left unset it is the language code (``zh``, ``en``), so an English profile is never
called ``zh``. ``title`` and ``tagline`` left unset follow the language
(:mod:`deepdaily.config.languages`); set, they are kept as written. The title template is
checked when the settings load (:func:`deepdaily.config.patterns.check_title`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from deepdaily.config.base import StrictModel
from deepdaily.config.languages import LANGUAGES, Language, language_defaults
from deepdaily.config.patterns import check_post_path, check_title, fill, placeholder_values

__all__ = ["WEIGHT_KEYS", "Profile"]

#: The score components a profile may weight (``Profile.weights``; see ``rank/score.py``).
WEIGHT_KEYS = ("authority", "coverage", "relevance", "recency", "novelty")
_NAME_RE = re.compile(r"^\w[\w.-]*$")


class Profile(StrictModel):
    """What one digest looks like and whom it serves."""

    name: str = ""  # empty: the language code
    language: Language = "zh"
    title: str | None = None  # None: the language's default title
    tagline: str | None = None  # None: the language's default; "" for none
    timezone: str = "Asia/Shanghai"
    publish_hour: int = Field(default=8, ge=0, le=23)
    window_hours: int = Field(default=24, ge=1, le=24 * 14)
    items: int = Field(default=8, ge=1, le=50)
    min_score: float = Field(default=0.3, ge=0.0, le=1.0)
    # Events less related than this to the interests are never picked, however authoritative.
    min_relevance: float = Field(default=0.3, ge=0.0, le=1.0)
    tags: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    interests: list[str] = Field(default_factory=list)  # terms and names, matched in text
    audience: str = ""  # who the digest is for, in a phrase (used by the LLM prompt)
    source_tags: list[str] = Field(default_factory=list)  # only sources with one of these tags
    post_path: str = ""  # overrides Settings.post_path for this profile
    # Score weights by component (WEIGHT_KEYS); a missing key keeps rank/score.py's default.
    weights: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _named_after_language(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("name"):
            language = data.get("language")
            return {**data, "name": language if language in LANGUAGES else LANGUAGES[0]}
        return data

    @field_validator("name")
    @classmethod
    def _usable_name(cls, value: str) -> str:
        if not _NAME_RE.match(value):
            raise ValueError(
                f"{value!r} is not a usable profile name: letters, digits, '_', '-' and '.', "
                "not starting with '-' or '.'"
            )
        return value

    @field_validator("weights")
    @classmethod
    def _known_weights(cls, value: dict[str, float]) -> dict[str, float]:
        for key, weight in value.items():
            if key not in WEIGHT_KEYS:
                known = ", ".join(WEIGHT_KEYS)
                raise ValueError(f"unknown weight {key!r}, expected one of {known}")
            if weight < 0:
                raise ValueError(f"weight {key!r} must be >= 0, got {weight:g}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r}, e.g. 'Asia/Shanghai'") from exc
        return value

    @field_validator("title")
    @classmethod
    def _usable_title(cls, value: str | None) -> str | None:
        return value if value is None else check_title(value)

    @field_validator("post_path")
    @classmethod
    def _usable_post_path(cls, value: str) -> str:
        return check_post_path(value) if value else value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def title_template(self) -> str:
        """The title as set, or the language's default."""
        if self.title is not None:
            return self.title
        return language_defaults(self.language).title

    @property
    def tagline_text(self) -> str:
        """The tagline as set (possibly empty), or the language's default."""
        if self.tagline is not None:
            return self.tagline
        return language_defaults(self.language).tagline

    def title_for(self, day: date) -> str:
        """The digest title of ``day``: ``AI 技术深度日报｜2026-02-12``."""
        return fill(self.title_template, placeholder_values(day, self.name, self.language))
