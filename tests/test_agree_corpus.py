"""The fact matcher on the real day 2026-02-12: no honest claim rejected, every planted lie caught.

Regression guard for issue 8: on this day the old verifier published a model's lies (a
reversed "from 355B to 744B", an invented "Bank of America", "100%" for "100 倍", "11
February" for "11 名工程师") and rejected honest claims ("NeurIPS" against "NeurIPS 2025").
Claims are derived from the passages by rule (``tests/agree_support.py``), so the cases are not
picked by hand: honest claims copy a sentence or a clause of it; each lie changes one fact.

Three sets: English claims against the English synopses of
``eval/data/corpus/day-2026-02-12.jsonl``; our Chinese renderings of some of those sentences
against the English originals (what a Chinese digest does); Chinese claims against Chinese
passages of our own. Run with ``-s`` to see the tallies.
"""

from __future__ import annotations

from collections import Counter

from agree_support import (
    ZH_OF_CORPUS,
    ZH_PASSAGES,
    corpus_sentences,
    honest_claims,
    planted_lies,
)
from deepdaily.text.agree import disagreements

# Lies the issue names: "swap a number's unit, flip direction, add a name, change a number"
# (plus a date's day as a count and a reversed from-to). Every one must be caught, in every
# set. Negation and modality lies are caught in full within one language; across languages,
# a clause without a name or number cannot be told from the others (see the report below).
MUST_CATCH = (
    "number changed",
    "unit swapped",
    "day as a count",
    "direction flipped",
    "name added",
    "order reversed",
)


def _run(
    pairs: list[tuple[str, str, bool]], label: str
) -> tuple[int, int, Counter[str], Counter[str]]:
    honest = rejected = 0
    planted: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    for claim_source, passage, chinese in pairs:
        for claim in honest_claims(claim_source, chinese):
            honest += 1
            if disagreements(claim, passage):
                rejected += 1
        for kind, lie in planted_lies(claim_source, passage, chinese):
            planted[kind] += 1
            caught[kind] += bool(disagreements(lie, passage))
    print(f"\n{label}: honest claims {honest}, wrongly rejected {rejected}")
    for kind in sorted(planted):
        print(f"  {kind:18} caught {caught[kind]:4} of {planted[kind]:4}")
    return honest, rejected, planted, caught


def test_english_claims_on_the_real_day() -> None:
    pairs = [(s, s, False) for sentences in corpus_sentences().values() for s in sentences]
    assert len(pairs) > 300
    honest, rejected, planted, caught = _run(pairs, "English claims, English passages")
    assert honest > 2000
    assert rejected == 0
    assert set(MUST_CATCH) <= set(planted)
    assert sum(planted.values()) > 1500
    assert caught == planted  # every planted lie, negation and modality included


def test_chinese_claims_citing_the_real_english_passages() -> None:
    sentences = corpus_sentences()
    pairs = [(zh, sentences[cid][index], True) for cid, index, zh in ZH_OF_CORPUS]
    honest, rejected, planted, caught = _run(pairs, "Chinese claims, English passages")
    assert honest >= 90
    assert rejected == 0
    for kind in MUST_CATCH:
        assert caught[kind] == planted[kind] > 0, kind
    others = [k for k in planted if k not in MUST_CATCH]
    assert sum(caught[k] for k in others) >= 0.75 * sum(planted[k] for k in others)


def test_chinese_claims_citing_chinese_passages() -> None:
    pairs = [(s, s, True) for s in ZH_PASSAGES]
    honest, rejected, planted, caught = _run(pairs, "Chinese claims, Chinese passages")
    assert honest >= 50
    assert rejected == 0
    for kind in MUST_CATCH:
        assert caught[kind] == planted[kind] > 0, kind
    assert caught == planted
