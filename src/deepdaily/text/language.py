"""Which language a whole text is written in, by script and by common words, without a model.

:func:`dominant_language` reads the letters of a text: Han characters mean Chinese, kana
Japanese, Hangul Korean, Cyrillic Russian, Arabic and Hebrew their languages; a text in Latin
letters is English unless the commonest short words of French, German, Spanish, Portuguese or
Italian clearly outnumber the English ones. A Chinese text may carry Latin names and numbers
(``Flint 2.0 发布``): it is Chinese as long as a fair share (15%) of its letters are Han.
:func:`language_mismatch` says, in a few words, that a text is clearly not in the expected
language ("answered in English, expected Chinese"; strict: an answer expected in Chinese with
5% of Han letters passes), which the LLM chain uses to pass a request to the next provider.
Short texts (under 40 letters) are never judged.

This judges a whole answer, not a sentence; a single sentence in another language is the
verifier's business. Nothing here is configurable.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["LANGUAGE_NAMES", "dominant_language", "language_mismatch"]

LANGUAGE_NAMES = {
    "zh": "Chinese",
    "en": "English",
    "ja": "Japanese",
    "ko": "Korean",
    "ru": "Russian",
    "ar": "Arabic",
    "he": "Hebrew",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
}

MIN_LETTERS = 40
"""Below this many letters a text is not judged."""

HAN_SHARE = 0.15
"""A text whose letters are at least this share Han characters (and no kana) is Chinese."""

HAN_FLOOR = 0.05
"""An answer expected in Chinese is in another language only when under this share of its
letters are Han."""

_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("zh", re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("latin", re.compile(r"[A-Za-z\u00c0-\u024f]")),
)
_WORD = re.compile(r"[a-zà-öø-ÿ]+", re.IGNORECASE)
_COMMON_WORDS = {
    "en": {"the", "and", "of", "to", "is", "in", "that", "for", "with", "it", "are", "this"},
    "fr": {"le", "la", "les", "des", "est", "et", "une", "du", "que", "pour", "dans", "sur"},
    "de": {"der", "die", "das", "und", "ist", "nicht", "mit", "ein", "eine", "den", "für", "auf"},
    "es": {"el", "los", "las", "es", "y", "una", "del", "que", "por", "para", "con", "se"},
    "pt": {"os", "as", "é", "e", "uma", "do", "da", "que", "para", "com", "não", "em"},
    "it": {"il", "gli", "è", "e", "una", "del", "della", "che", "per", "con", "non", "sono"},
}


def _letter_counts(text: str) -> dict[str, int]:
    return {name: len(pattern.findall(text)) for name, pattern in _SCRIPTS}


def _latin_language(text: str) -> str:
    words = [w.lower() for w in _WORD.findall(text)]
    votes = {lang: sum(w in common for w in words) for lang, common in _COMMON_WORDS.items()}
    best = max(votes, key=lambda lang: votes[lang])
    if best != "en" and votes[best] >= 3 and votes[best] > 2 * votes["en"]:
        return best
    return "en"


def dominant_language(text: str) -> str | None:
    """The language code of ``text`` (see :data:`LANGUAGE_NAMES`), or ``None`` when it is too
    short to tell."""
    text = unicodedata.normalize("NFKC", text)
    counts = _letter_counts(text)
    letters = sum(counts.values())
    if letters < MIN_LETTERS:
        return None
    if counts["ja"] >= max(3, 0.05 * letters):
        return "ja"
    if counts["zh"] >= HAN_SHARE * letters:
        return "zh"
    script = max(counts, key=lambda name: counts[name])
    return _latin_language(text) if script == "latin" else script


def language_mismatch(text: str, expected: str) -> str:
    """``"answered in X, expected Y"`` when ``text`` is clearly not in ``expected`` (a code
    such as ``zh``, ``zh-CN`` or ``en``), else ``""``.

    "Clearly" is deliberately strict, since a mixed answer is the verifier's to trim sentence
    by sentence: Chinese is expected and under :data:`HAN_FLOOR` of the letters are Han (an
    English answer with a stray Chinese word), or kana or Hangul outnumber them; or a
    Latin-script language is expected and
    under half of the letters are Latin, or its common words are outnumbered by another
    language's (:func:`dominant_language`).
    """
    want = expected.lower().split("-")[0].split("_")[0]
    if want not in LANGUAGE_NAMES:
        return ""
    folded = unicodedata.normalize("NFKC", text)
    counts = _letter_counts(folded)
    letters = sum(counts.values())
    if letters < MIN_LETTERS:
        return ""
    if want == "zh":
        han = counts["zh"]
        wrong = han < HAN_FLOOR * letters or max(counts["ja"], counts["ko"]) > han
    elif want in _COMMON_WORDS:
        wrong = counts["latin"] < 0.5 * letters or _latin_language(folded) != want
    else:
        wrong = dominant_language(folded) not in (want, None)
    if not wrong:
        return ""
    found = dominant_language(folded) or want
    if found == want:
        return ""
    return f"answered in {LANGUAGE_NAMES[found]}, expected {LANGUAGE_NAMES[want]}"
