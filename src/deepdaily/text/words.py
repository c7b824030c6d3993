"""Which words are ordinary: English function words, common English words, Chinese segmentation.

- :data:`FUNCTION_WORDS`: English articles, pronouns, prepositions, auxiliaries, conjunctions
  and the adverbs that carry no fact; they are never names and never the word a negation or a
  modal verb is about.
- :func:`is_common`: whether an English word is common vocabulary (a function word, or a
  Zipf frequency of at least 4.0 in :mod:`wordfreq`'s English list: "researchers", "bank",
  "apple"); :func:`is_rare`: whether it is hardly a word at all (under 3.0), so that only
  such a word opening a sentence is taken for a name ("Anthropic says", not "Reproduce the
  results").
- :func:`segment`: Chinese text cut into words with their part of speech by :mod:`jieba`
  (``nr`` person, ``ns`` place, ``nt`` organisation, ``nz`` other proper noun, ``m`` numeral,
  ``eng`` Latin...), the gazetteer's Chinese names added as organisations.

Both libraries load on first use, never at import time (start-up stays cheap); their
dictionaries load once per process. Nothing here reads settings.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

__all__ = ["FUNCTION_WORDS", "is_common", "is_rare", "segment"]

FUNCTION_WORDS = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "it's", "they", "them",
    "their", "theirs", "he", "him", "his", "she", "her", "hers", "we", "us", "our", "ours",
    "you", "your", "yours", "i", "me", "my", "mine", "who", "whom", "whose", "which", "what",
    "where", "when", "why", "how", "there", "here", "of", "in", "on", "at", "by", "for", "with",
    "without", "from", "to", "into", "onto", "over", "under", "about", "above", "below",
    "between", "among", "through", "during", "before", "after", "since", "until", "till",
    "across", "along", "around", "against", "toward", "towards", "upon", "within", "via", "per",
    "as", "than", "then", "so", "and", "or", "nor", "but", "if", "unless", "because", "while",
    "whereas", "although", "though", "yet", "also", "too", "very", "just", "only", "even",
    "still", "already", "now", "soon", "currently", "again", "further", "once", "both", "each",
    "either", "neither", "all", "any", "some", "many", "much", "more", "most", "few", "several",
    "such", "other", "another", "same", "own", "be", "is", "am", "are", "was", "were", "been",
    "being", "have", "has", "had", "having", "do", "does", "did", "done", "doing", "will",
    "would", "shall", "should", "can", "could", "may", "might", "must", "ought", "not",
    "no", "yes", "said", "says", "say", "according", "reportedly", "reported", "reports",
    "report", "however", "meanwhile", "today", "yesterday", "tomorrow", "earlier", "later",
    "last", "next", "first", "finally", "instead", "overall", "separately", "additionally",
    "furthermore", "moreover", "thus", "therefore", "hence", "indeed", "notably", "recently",
    "previously"
})  # fmt: skip

_ZIPF_COMMON = 4.0
_ZIPF_RARE = 3.0
_lock = threading.Lock()


@lru_cache(maxsize=32768)
def is_common(word: str) -> bool:
    """Whether ``word`` (any case) is a function word or a common English word."""
    lower = word.casefold()
    if lower in FUNCTION_WORDS:
        return True
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - a declared dependency
        return False
    return bool(zipf_frequency(lower, "en") >= _ZIPF_COMMON)


@lru_cache(maxsize=32768)
def is_rare(word: str) -> bool:
    """Whether ``word`` is hardly an English word at all (a Zipf frequency under 3.0:
    "Anthropic", "Cerebras", "Zappi"; not "reproduce", "bloomberg" or "pin")."""
    lower = word.casefold()
    if lower in FUNCTION_WORDS:
        return False
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - a declared dependency
        return True
    return bool(zipf_frequency(lower, "en") < _ZIPF_RARE)


def _jieba_ready() -> object:
    """The :mod:`jieba.posseg` module, its dictionary loaded and the gazetteer's Chinese
    names added as organisations (``nt``)."""
    with _lock:
        import jieba
        import jieba.posseg

        if not getattr(_jieba_ready, "done", False):
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            from deepdaily.text.entities import GAZETTEER

            for entity in GAZETTEER:
                for alias in entity.aliases:
                    if alias.isalpha() and not alias.isascii():
                        jieba.add_word(alias, tag="nt")
            _jieba_ready.done = True  # type: ignore[attr-defined]
        return jieba.posseg


@lru_cache(maxsize=4096)
def segment(text: str) -> tuple[tuple[str, str, int], ...]:
    """``(word, part of speech, start)`` for each word of ``text``, as :mod:`jieba` cuts it."""
    posseg = _jieba_ready()
    out: list[tuple[str, str, int]] = []
    at = 0
    for pair in posseg.cut(text):  # type: ignore[attr-defined]
        word, flag = pair.word, pair.flag
        start = text.find(word, at)
        if start < 0:
            start = at
        out.append((word, flag, start))
        at = start + len(word)
    return tuple(out)
