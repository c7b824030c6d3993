"""What a sentence says *about* its facts: direction, negation, denial, cancellation, plans.

:func:`cues` finds, in English or Chinese, each word that turns a statement around, as a
:class:`Cue` of one kind:

- ``up`` / ``down``: a change and its direction (raise, increase, grow, growth, more, faster,
  higher, "up from"; 提升, 增加, 增长, 上升, 扩大, 上调 / lower, cut, decrease, shrink, fewer,
  slower, "down from"; 下降, 减少, 降低, 缩小, 下调). "more than" and "less than" are bounds,
  not directions;
- ``not``: not, n't, never, no, no longer, without, none, cannot; 不, 没, 没有, 未, 尚未,
  不再, 无, 非, 无法 (Chinese words come from :func:`deepdaily.text.words.segment`, so 未来
  "future" and 不同 "different" are not negations; "not only" is not one either);
- ``deny``: deny, denied, refute; 否认, 驳斥, 辟谣;
- ``cancel``: cancel, withdraw, scrap, call off, halt, suspend; 取消, 撤回, 叫停, 放弃, 暂停;
- ``plan``: a plan, an expectation or a possibility rather than a done deed: will, would,
  may, might, could, plans to, expects, aims, intends, is set to, upcoming, soon; 计划, 将
  (not 将 as "把": ``将台湾…上调至``), 预计, 拟, 打算, 准备, 有望, 或将, 可能, 即将, 将会.

Each cue carries its *scope*: the content words that follow it in its clause (stemmed English
words or Chinese words, function words left out), the first being what it is about, so a
comparison can tell "did not raise prices" from a negation elsewhere in the sentence; and the
last content words before it (``subscribers do not``). :data:`NOUN_NEGATIONS` negate a thing
("without reward loss", "no new features"), the others a statement. Nothing
here reads settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from deepdaily.text.normal import clauses, stem
from deepdaily.text.words import FUNCTION_WORDS, segment

__all__ = ["NOUN_NEGATIONS", "Cue", "CueKind", "content_words", "cues"]

CueKind = Literal["up", "down", "not", "deny", "cancel", "plan"]

_EN_PATTERNS: tuple[tuple[CueKind, str], ...] = (
    ("up", r"\b(?:ris(?:e|es|ing)|rose|risen|increas(?:e|es|ed|ing)|grow(?:s|ing|n|th)?|grew|"
           r"rais(?:e|es|ed|ing)|boost(?:s|ed|ing)?|climb(?:s|ed|ing)?|jump(?:s|ed|ing)?|"
           r"surg(?:e|es|ed|ing)|soar(?:s|ed|ing)?|expand(?:s|ed|ing)?|expansion|"
           r"lift(?:s|ed|ing)?|hik(?:e|es|ed|ing)|gain(?:s|ed|ing)?|higher|faster|larger|"
           r"bigger|greater|longer|accelerat(?:e|es|ed|ing)|improv(?:e|es|ed|ing|ement)|"
           r"speed-?ups?|doubl(?:ed|es|ing)|tripl(?:ed|es|ing)|quadrupl(?:ed|es|ing)|"
           r"more(?!\s+than)|up(?=\s+(?:from|by|\d)))\b"),
    ("down", r"\b(?:fall(?:s|ing|en)?|fell|decreas(?:e|es|ed|ing)|declin(?:e|es|ed|ing)|"
             r"drop(?:s|ped|ping)?|cut(?:s|ting)?|lower(?:s|ed|ing)?|reduc(?:e|es|ed|ing|tion)|"
             r"shrink(?:s|ing)?|shrank|shrunk|slash(?:es|ed|ing)?|plung(?:e|es|ed|ing)|"
             r"slump(?:s|ed)?|slid(?:e|es|ing)?|slow(?:s|ed|er|ing|down)?|fewer|"
             r"less(?!\s+than)|smaller|shorter|cheaper|halv(?:e|ed|es|ing)|"
             r"decelerat(?:e|es|ed|ing)|sink(?:s|ing)?|sank|tumbl(?:e|es|ed|ing)|"
             r"dip(?:s|ped|ping)?|down(?=\s+(?:from|by|\d)))\b"),
    ("not", r"\b(?:not(?!\s+(?:only|just)\b)|never|no\s+longer|no(?![-.])|none|nobody|nothing|"
            r"neither|nor|without|cannot)\b|n['’]t\b"),
    ("deny", r"\b(?:den(?:y|ies|ied|ying|ial)|refut(?:e|es|ed|ing)|rebut(?:s|ted)?)\b"),
    ("cancel", r"\b(?:cancel(?:s|led|ed|ling|ing|lation)?|withdr(?:aw|aws|ew|awn|awing|awal)|"
               r"scrap(?:s|ped|ping)?|call(?:s|ed)?\s+off|abandon(?:s|ed|ing)?|"
               r"shelv(?:e|es|ed|ing)|halt(?:s|ed|ing)?|suspend(?:s|ed|ing)?|"
               r"revok(?:e|es|ed|ing)|retract(?:s|ed|ing)?|discontinu(?:e|es|ed|ing))\b"),
    ("plan", r"\b(?:will|would|may|might|could|shall|plans?(?=\s+to\b)|planned|planning|"
             r"expect(?:s|ed|ing)?|aim(?:s|ed|ing)?\s+to|intend(?:s|ing)?\s+to|"
             r"set\s+(?:out\s+)?to|going\s+to|upcoming|forthcoming|proposed|likely|soon|"
             r"(?<!\bto\s)(?:estimat(?:e|es|ed)|forecast(?:s|ed)?|predict(?:s|ed)?)|projected)\b|"
             r"['’]ll\b|\bwon['’]t\b"),
)  # fmt: skip
_EN_CUES = tuple((kind, re.compile(p, re.IGNORECASE)) for kind, p in _EN_PATTERNS)

NOUN_NEGATIONS = frozenset({"without", "no", "none", "nothing", "nobody", "无", "毫无"})

_ZH_UP = (
    "提升", "提高", "增加", "增长", "上升", "上涨", "扩大", "增至", "升至", "涨至", "加快",
    "加速", "更多", "更快", "更高", "更大", "更长", "上调", "攀升", "激增", "飙升", "暴涨",
    "扩张", "增多", "走高", "大涨", "涨幅", "增幅", "涨价", "抬高", "拉高", "翻番", "翻倍",
    "翻了一番", "翻一番", "提速", "扩容", "涨",
)  # fmt: skip
_ZH_DOWN = (
    "下降", "减少", "降低", "缩小", "降至", "减至", "跌至", "下跌", "下调", "削减", "缩减",
    "减半", "放缓", "更少", "更慢", "更低", "更小", "更短", "回落", "下滑", "骤降", "暴跌",
    "收缩", "减缓", "缩水", "走低", "大跌", "跌幅", "降幅", "降价", "压低", "减弱", "萎缩",
    "腰斩", "缩短", "下行", "跌",
)  # fmt: skip
_ZH_DIRECTION_RE = re.compile(
    "|".join(sorted((re.escape(w) for w in _ZH_UP + _ZH_DOWN), key=len, reverse=True))
)
_ZH_MARKERS: dict[CueKind, str] = {
    "not": "不 没 没有 未 尚未 并未 从未 不再 无 无法 未能 非 并非 不是 别 毫无 无需 不必 不得 "
    "绝非 未曾 从不 并不 决不 绝不 不可 不会 不能 不要",
    "deny": "否认 驳斥 辟谣 否定",
    "cancel": "取消 撤回 撤销 叫停 放弃 搁置 终止 暂停 停止 下架 撤下 中止",
    "plan": "将会 将要 预计 拟 打算 准备 有望 或将 可能 即将 有意 筹备 不会 也将 还将 将于 "
    "估计 预测 预估",
}
_ZH_WORDS: dict[str, tuple[CueKind, ...]] = {}
for _kind, _list in _ZH_MARKERS.items():
    for _word in _list.split():
        _ZH_WORDS[_word] = (*_ZH_WORDS.get(_word, ()), _kind)
_ZH_SKIP_FLAGS = ("x", "u", "p", "c", "r", "y", "e", "o", "w")
_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9.+-]*[A-Za-z0-9+]|[A-Za-z]|\d+(?:[.,]\d+)*")
_SCOPE_SIZE = 6


@dataclass(frozen=True)
class Cue:
    """A word that gives a statement a direction, a negation or a modality, and its scope."""

    kind: CueKind
    text: str
    start: int
    end: int
    scope_end: int  # the end of its clause
    scope: tuple[str, ...]  # the content words after it in its clause, in order (keys)
    scope_text: str = ""  # the words it governs, as written (for reasons)
    before: tuple[str, ...] = ()  # the last content words before it in its clause


def content_words(text: str, cjk: bool) -> list[tuple[str, int, int]]:
    """``(key, start, end)`` of each content word: stemmed English words, or Chinese words."""
    if cjk:
        return [
            (stem(word) if word.isascii() else word, start, start + len(word))
            for word, flag, start in segment(text)
            if word.strip()
            and not flag.startswith(_ZH_SKIP_FLAGS)
            and word.casefold() not in FUNCTION_WORDS
            and word not in _ZH_WORDS
            and word not in {"将", "会", "计划"}
        ]
    return [
        (stem(match.group()), match.start(), match.end())
        for match in _LATIN_WORD_RE.finditer(text)
        if match.group().casefold() not in FUNCTION_WORDS
        and not re.fullmatch(r"\w+n['’]t", match.group())
    ]


def _zh_cue_kinds(
    words: tuple[tuple[str, str, int], ...], index: int, text: str
) -> tuple[CueKind, ...]:
    """The cue kinds of ``words[index]``, read in context: 不 negates an action (不支持,
    不会), not a quality (不一致 "inconsistent", 不实 "untrue"); 计划 is a plan when something
    follows (计划发布, 计划在 3 月发布), not as a noun (该计划, 这一计划。); 将 marks the future
    (会 alone does not: "升级会让快照失效" states a consequence, only 将会 is a plan), but 将
    before an object and a later 至/到/为/成/于 is "把" (将台湾…上调至, 将解雇归因于)."""
    word = words[index][0]
    after = [w for w in words[index + 1 :] if w[0].strip()]
    following = after[0] if after else ("", "", len(text))
    if word == "不":
        verbish = following[1].startswith("v") or following[0] in {
            "能",
            "会",
            "是",
            "再",
            "可",
            "可以",
            "应",
            "该",
            "要",
        }
        return ("not",) if verbish else ()
    if word == "计划":
        before = words[index - 1][0] if index else ""
        noun = before in {"该", "这", "此", "这一", "那", "其", "一项", "新", "的"}
        return () if noun or not after or following[1] in {"x", "uj"} else ("plan",)
    if word == "会":  # "升级会让快照失效" is a consequence, not a plan: only 将会/将要 are
        return ()
    if word == "将":
        if not after:
            return ()
        rest = re.split(r"[，。；;,!?！？]", text[words[index][2] + 1 : words[index][2] + 40])[0]
        future = following[0] in {"在", "于", "会", "要", "可", "能", "不", "从", "向", "与"}
        return ("plan",) if future or not re.search(r"[至到为成给入于]", rest[1:]) else ()
    return _ZH_WORDS.get(word, ())


def _raw_cues(text: str, cjk: bool) -> list[tuple[CueKind, int, int]]:
    found: list[tuple[CueKind, int, int]] = []
    for kind, pattern in _EN_CUES:
        found.extend((kind, m.start(), m.end()) for m in pattern.finditer(text))
    if cjk:
        for match in _ZH_DIRECTION_RE.finditer(text):
            way: CueKind = "up" if match.group() in _ZH_UP else "down"
            found.append((way, match.start(), match.end()))
        words = segment(text)
        for index, (word, _flag, start) in enumerate(words):
            kinds = _zh_cue_kinds(words, index, text)
            found.extend((k, start, start + len(word)) for k in kinds)
    return sorted(found, key=lambda f: f[1])


def cues(text: str, cjk: bool) -> list[Cue]:
    """The cues of ``text`` in order; ``cjk`` reads it as Chinese (see the module docstring)."""
    spans = clauses(text)
    words = content_words(text, cjk)
    out: list[Cue] = []
    for kind, start, end in _raw_cues(text, cjk):
        clause_start, clause_end = next(
            ((a, b) for a, b in spans if a <= start < b), (0, len(text))
        )
        scope = tuple(key for key, at, _stop in words if end <= at < clause_end)[:_SCOPE_SIZE]
        ends = [stop for _key, at, stop in words if end <= at < clause_end][:3]
        shown = text[end : ends[-1]].strip() if ends else ""
        before = tuple(key for key, at, _stop in words if clause_start <= at < start)[-2:]
        out.append(Cue(kind, text[start:end], start, end, clause_end, scope, shown, before))
    return out
