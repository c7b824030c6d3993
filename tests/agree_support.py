"""Claims for the claim-passage agreement tests, built from the real day 2026-02-12.

``corpus_sentences()`` reads the English synopses of ``eval/data/corpus/day-2026-02-12.jsonl``
(the day the issue's findings were measured on) and splits them into sentences: each is a
passage. ``ZH_OF_CORPUS`` holds our own Chinese renderings of some of those sentences, with the
same facts, as a Chinese digest would state them (a Chinese claim citing an English passage),
and ``ZH_PASSAGES`` Chinese sentences of our own that serve as Chinese passages (both from
``fixtures/agree/day-2026-02-12-zh.json``).

``honest_claims`` and ``planted_lies`` derive claims from a passage by rules, so the tests do
not pick their examples: honest claims copy the sentence or a clause of it (optionally after a
neutral lead-in); each planted lie changes exactly one fact of a clause (a number, a unit, a
direction, a negation, a plan into a deed, a from-to order, a name added, a date's day as a
count).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from deepdaily.text.match import supports
from deepdaily.text.normal import clauses
from deepdaily.text.sentences import split_sentences
from deepdaily.text.typed import read

CORPUS = (
    Path(__file__).resolve().parent.parent / "eval" / "data" / "corpus" / "day-2026-02-12.jsonl"
)

_ZH = json.loads(
    (Path(__file__).parent / "fixtures" / "agree" / "day-2026-02-12-zh.json").read_text("utf-8")
)
# (corpus id, index of the sentence in its synopsis, our Chinese rendering of it)
ZH_OF_CORPUS: tuple[tuple[str, int, str], ...] = tuple(
    (row["id"], row["sentence"], row["zh"]) for row in _ZH["of_corpus"]
)
# Chinese passages of our own (facts of the same day), for Chinese claims against Chinese text.
ZH_PASSAGES: tuple[str, ...] = tuple(_ZH["passages"])

FAKE_NAMES = ("Bank of America", "Goldman Sachs", "Morgan Stanley", "Kestrel Analytics")


def corpus_sentences() -> dict[str, list[str]]:
    """The English sentences of each synopsis of the day, by corpus id."""
    out: dict[str, list[str]] = {}
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("language") == "en":
            out[record["id"]] = split_sentences(record["synopsis"])
    return out


def claim_clauses(sentence: str) -> list[str]:
    """The clauses of a sentence long enough to be a claim (four words or more)."""
    found = []
    for start, end in clauses(sentence):
        part = sentence[start:end].strip(" ,;，；")
        if (
            len(re.findall(r"[A-Za-z0-9]+", part)) + len(re.findall(r"[\u4e00-\u9fff]", part)) // 2
            >= 4
        ):
            found.append(part)
    return found


def honest_claims(sentence: str, chinese: bool = False) -> Iterator[str]:
    """The sentence, each clause, and each clause after a neutral lead-in."""
    yield sentence
    for part in claim_clauses(sentence):
        yield part
        yield ("据报道，" if chinese else "According to the source, ") + part


_FLIPS = {
    "raising": "lowering", "raised": "lowered", "rose": "fell", "rises": "falls",
    "grew": "shrank", "grows": "shrinks", "growth": "decline", "increases": "decreases",
    "increase": "decrease", "increased": "decreased", "higher": "lower", "faster": "slower",
    "more": "fewer", "lift": "cut", "doubling": "halving", "doubled": "halved",
    "lower": "higher", "reduced": "increased", "less": "more", "fewer": "more", "cut": "raise",
    "cuts": "raises", "falls": "rises", "slower": "faster", "shrink": "grow", "boost": "cut",
    "上调": "下调", "下调": "上调", "增长": "下降", "下降": "增长", "提升": "降低", "降低": "提升",
    "增加": "减少", "减少": "增加", "扩大": "缩小", "上涨": "下跌", "下跌": "上涨",
}  # fmt: skip
_AUXILIARY = re.compile(r"\b(is|are|was|were|will|would|can|could|has|have|had|does|did)\s")
_ZH_VERB = re.compile(r"(发布|推出|开放|宣布|上调|下调|包含|修复|投放|完成|解决|开始)")


def _change_number(part: str, passage: str) -> str | None:
    """The first number of ``part`` (not a year) with its last digit raised until the value
    is one the passage does not have."""
    have = read(passage).quantities
    for q in read(part).quantities:
        match = re.search(r"\d+(?:[.,]\d+)*", q.text)
        if q.kind == "year" or not match:
            continue
        digits = match.group()
        for step in range(1, 10):
            changed = digits[:-1] + str((int(digits[-1]) + step) % 10)
            if not changed.replace(",", "").replace(".", "").strip("0"):
                continue
            lie = part.replace(q.text, q.text.replace(digits, changed, 1), 1)
            planted = [x for x in read(lie).quantities if x.start == q.start]
            if planted and not any(supports(p, planted[0]) for p in have):
                return lie
    return None


def _swap_unit(part: str) -> str | None:
    for q in read(part).quantities:
        match = re.search(r"\d+(?:[.,]\d+)*", q.text)
        if not match or q.kind == "year":
            continue
        number = match.group()
        unit = {"percent": "x", "multiple": "%"}.get(q.kind, "%")
        return part.replace(q.text, number + unit, 1)
    return None


def _day_as_count(part: str, chinese: bool) -> str | None:
    for date in read(part).dates:
        if date.key[2] is not None:
            return part.replace(
                date.text, f"{date.key[2]} 名工程师" if chinese else f"{date.key[2]} engineers", 1
            )
    return None


def _flip_direction(part: str) -> str | None:
    for cue in read(part).cues:
        if cue.kind in ("up", "down") and cue.text.lower() in _FLIPS:
            return part[: cue.start] + _FLIPS[cue.text.lower()] + part[cue.end :]
    return None


def _has(text: str, kind: str) -> bool:
    return any(c.kind == kind for c in read(text).cues)


def _add_negation(part: str, chinese: bool) -> str | None:
    if _has(part, "not"):
        return None
    if chinese:
        match = _ZH_VERB.search(part)
        if not match:
            return None
        before = part[: match.start()]
        return (before[:-1] + "尚未" if before.endswith("已") else before + "未") + part[
            match.start() :
        ]
    match = _AUXILIARY.search(part)
    return part[: match.end()] + "not " + part[match.end() :] if match else None


def _drop_negation(part: str) -> str | None:
    """``part`` without its negations (``without`` becomes ``with``)."""
    found = [c for c in read(part).cues if c.kind == "not"]
    if not found:
        return None
    for cue in reversed(found):
        replacement = "with" if cue.text.lower() == "without" else ""
        if cue.text.lower() == "n't":
            replacement = ""
        part = part[: cue.start] + replacement + part[cue.end :]
    return re.sub(r"  +", " ", part)


def _plan_as_done(part: str, chinese: bool) -> str | None:
    """``part`` with its plan and possibility words taken out (Chinese: replaced by 已)."""
    found = [c for c in read(part).cues if c.kind == "plan"]
    if not found:
        return None
    for cue in reversed(found):
        part = part[: cue.start] + ("已" if chinese else "") + part[cue.end :]
    part = re.sub(r"  +", " ", part)
    return None if _has(part, "plan") else part


def _swap_order(part: str) -> str | None:
    for first, second in read(part).pairs:
        a, b = sorted((first, second), key=lambda q: q.start)
        return part[: a.start] + b.text + part[a.end : b.start] + a.text + part[b.end :]
    return None


def _add_name(part: str, passage: str, chinese: bool) -> str:
    name = next(n for n in FAKE_NAMES if n.split()[0].lower() not in passage.lower())
    return f"据 {name} 的分析师评估，{part}" if chinese else f"According to {name} analysts, {part}"


def planted_lies(
    sentence: str, passage: str | None = None, chinese: bool = False
) -> Iterator[tuple[str, str]]:
    """``(kind, claim)`` for each lie that can be planted in a clause of ``sentence``, a claim
    that cites ``passage`` (the sentence itself by default)."""
    passage = sentence if passage is None else passage
    for part in claim_clauses(sentence) or [sentence]:
        makers = {
            "number changed": lambda p=part: _change_number(p, passage),
            "unit swapped": lambda p=part: _swap_unit(p),
            "day as a count": lambda p=part: _day_as_count(p, chinese),
            "direction flipped": lambda p=part: _flip_direction(p),
            "negation added": lambda p=part: _add_negation(p, chinese),
            "negation dropped": lambda p=part: _drop_negation(p),
            "plan made a deed": lambda p=part: _plan_as_done(p, chinese),
            "order reversed": lambda p=part: _swap_order(p),
            "name added": lambda p=part: _add_name(p, passage, chinese),
        }
        for kind, make in makers.items():
            lie = make()
            if lie and lie != part:
                yield kind, lie
