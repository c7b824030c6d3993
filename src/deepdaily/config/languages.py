"""The words a profile takes from its language unless the user writes their own.

A profile that does not set ``title`` or ``tagline`` gets its language's defaults from here, so
``language = "en"`` (or ``deepdaily run --language en``) yields an English title and tagline
above the English labels; a title or tagline set in ``deepdaily.toml`` is kept as written. The
section labels and the renderer's fixed notes live in :mod:`deepdaily.analyse.labels`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["LANGUAGES", "Language", "LanguageDefaults", "language_defaults"]

Language = Literal["zh", "en"]
#: The languages a profile may be written in, the first being the packaged default.
LANGUAGES: tuple[str, ...] = get_args(Language)


@dataclass(frozen=True)
class LanguageDefaults:
    """A profile's default wording in one language."""

    title: str  # a title template, see deepdaily.config.patterns.TITLE_PLACEHOLDERS
    tagline: str


_DEFAULTS = {
    "zh": LanguageDefaults(
        title="AI 技术深度日报｜{date}",
        tagline="面向工程与研究读者：只选关键更新，给出可落地的技术判断与下一步建议。",
    ),
    "en": LanguageDefaults(
        title="AI Engineering Deep-Dive | {date}",
        tagline=(
            "For engineers and researchers: only the updates that matter, each with a "
            "technical judgement you can act on and a concrete next step."
        ),
    ),
}


def language_defaults(language: str) -> LanguageDefaults:
    """The defaults of ``language``; any ``zh*`` code is Chinese, anything else English."""
    return _DEFAULTS["zh" if language.lower().startswith("zh") else "en"]
