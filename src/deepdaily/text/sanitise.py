"""Make fetched text safe to put in a prompt, and model output safe to publish.

Input side (before prompting): :func:`sanitise_text` turns a document's text, which may still
hold markup (a Discourse post's cooked HTML, an RSS ``content:encoded`` body), into the text a
human reader would see: HTML comments, ``<script>``/``<style>``/``<template>``, elements hidden
with the ``hidden`` attribute, ``aria-hidden="true"``, ``display:none``, ``visibility:hidden``,
``opacity:0`` or a zero/one-pixel font, and attribute text such as image ``alt`` are all
removed; so are zero-width, bidi-control and Unicode tag characters, which can hide text from
a reviewer while a model still reads it. :func:`redact_instructions` then replaces each
sentence that addresses an AI or the reader with an instruction (see :func:`is_instruction`)
by :data:`REDACTED`, so a model never sees it and a quoted passage can never rest on it.

Output side (before publishing): :func:`strip_markup` removes tags (``<script>`` with its
content), Markdown images and link syntax from a model's text.

Nothing here is configurable: these are safety rules, not preferences.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html.parser import HTMLParser

from deepdaily.text.directives import names_addressee, opens_with_order
from deepdaily.text.sentences import normalise
from deepdaily.text.untrusted import is_instruction as _is_instruction_en_zh

__all__ = [
    "REDACTED",
    "clean_title",
    "has_markup",
    "is_instruction",
    "redact_instructions",
    "sanitise_html",
    "sanitise_text",
    "split_title",
    "strip_invisible",
    "strip_markup",
]

REDACTED = "[…]"
"""What a redacted instruction sentence becomes in the prompt."""

_DROP_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "head",
        "title",
        "textarea",
        "select",
        "button",
    }
)
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "figure",
        "figcaption",
        "details",
        "summary",
        "dd",
        "dt",
        "nav",
        "main",
    }
)
_HIDDEN_STYLE_RE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|opacity\s*:\s*0*(?:\.0+)?\s*(?:;|$)"
    r"|font-size\s*:\s*(?:0|1)(?:\.\d+)?\s*(?:px|pt|em|rem|%)?\s*(?:;|$)"
    r"|(?:height|width|max-height)\s*:\s*0(?:px)?\s*(?:;|$)[^\"]*overflow\s*:\s*hidden"
    r"|(?:left|top|text-indent)\s*:\s*-\d{3,}",
    re.IGNORECASE,
)
_HIDDEN_CLASSES = frozenset({"hidden", "sr-only", "visually-hidden", "d-none", "invisible"})
_MARKUP_RE = re.compile(
    r"<!--|<(?:/?[A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.I
)
# Zero-width, bidi controls, BOM, soft hyphen, Unicode tags and variation selectors.
_INVISIBLE_RE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]"
    "|[\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)


def strip_invisible(text: str) -> str:
    """``text`` without zero-width, bidi-control, tag and other format (Cf) characters."""
    text = _INVISIBLE_RE.sub("", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def has_markup(text: str) -> bool:
    """True when ``text`` contains an HTML tag, comment or entity."""
    return bool(_MARKUP_RE.search(text))


def _hidden(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    for name, value in attrs:
        value = value or ""
        if name == "hidden" or (name == "aria-hidden" and value.strip().lower() == "true"):
            return True
        if name == "style" and _HIDDEN_STYLE_RE.search(value):
            return True
        if name == "class" and _HIDDEN_CLASSES & set(value.lower().split()):
            return True
    return False


class _VisibleText(HTMLParser):
    """Collects the text a reader would see; hidden subtrees and comments are skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its content)

    @property
    def hiding(self) -> bool:
        return any(hides for _, hides in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag in _VOID:
            return
        self.stack.append((tag, tag in _DROP_WITH_CONTENT or _hidden(tag, attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hiding:
            self.parts.append(data)

    def text(self) -> str:
        lines = (normalise(line) for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)


def sanitise_html(html: str) -> str:
    """The visible text of an HTML fragment or page, one block per line."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return strip_invisible(parser.text())


def sanitise_text(text: str) -> str:
    """Visible, printable text: markup is parsed away when present, invisible characters go."""
    text = strip_invisible(text)
    if has_markup(text):
        return sanitise_html(text)
    lines = (normalise(line) for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


_EXTRA_PATTERNS = [
    # Spanish, Portuguese, Italian, French
    r"\bignor[ae]\w*\b.{0,40}\binstru(?:cciones|ções|coes|ctions)\b",
    r"\bignora\w*\b.{0,40}\bistruzioni\b",
    r"\binstru(?:cciones|ções) (?:anteriores|previas)\b",
    r"\b(?:clasifica|coloca|pon)\w*\b.{0,30}\b(?:primer|primero|primera)\b",
    r"\b(?:oubliez|ignorez)\b.{0,40}\b(?:instructions|consignes)\b",
    r"\b(?:mettez|classez|placez)\b.{0,30}\ben (?:premier|première|tête)\b",
    # German, Dutch
    r"\b(?:ignoriere|ignorieren|vergiss|vergessen)\b.{0,40}\b(?:Anweisungen|Anweisung|Befehle|"
    r"Vorgaben)\b",
    r"\b(?:zeige|zeig|gib|verrate|nenne|wiederhole|drucke)\b.{0,30}\bSystem-?[Pp]rompt\b",
    r"\b(?:deinen|Ihren|euren)\s+System-?[Pp]rompt\b",
    r"\b(?:negeer|vergeet)\b.{0,40}\binstructies\b",
    r"\b(?:setze|platziere|stelle)\b.{0,30}\b(?:an die Spitze|auf Platz (?:1|eins)|zuerst)\b",
    # Russian
    r"(?:игнорируй|игнорируйте|забудь|забудьте)\w*.{0,40}инструкци",
    r"(?:отвечай|отвечайте|пиши|пишите)\s+только\s+на",
    # Japanese, Korean
    r"(?:指示|命令|プロンプト)を?(?:すべて|全て)?(?:無視|忘れ)",
    r"システムプロンプトを?(?:表示|教え|出力|見せ|開示)",
    r"(?:1位|一位|トップ|最初)に(?:して|ランク|配置|置いて)",
    r"지시(?:를|사항을)?\s*(?:모두\s*)?무시",
    r"시스템\s*프롬프트를?\s*(?:보여|알려|출력|공개)",
    # English and Chinese phrasings the shared patterns do not cover
    r"\b(?:rank|place|put|list|position)\s+(?:this|it|the|our)\s+(?:[\w-]+\s+){0,3}?(?:first|"
    r"at the top|on top|number one|#1|rank one|as the (?:most important|top))",
    r"(?:^\s*|[.!?:]\s*|\bplease\s+|\bmust\s+|\bshould\s+|\balways\s+)(?:add|include|insert|"
    r"append)\b.{0,30}\b(?:link|url)s?\b",
    r"\b(?:add|include|insert|append|mention|write|say|state|tell|put)\b.{0,60}\b(?:to|in|into)\s+"
    r"(?:your|any|every|each)\s+(?:summary|summaries|answer|response|output|reply)\b",
    # revealing a prompt is news ("attackers could reveal the system prompt") unless asked for
    r"\b(?:reveal|print|show|repeat|output)\b.{0,30}\byour\s+(?:\w+\s+)?(?:system|initial|"
    r"hidden)\s+(?:prompt|instructions?|message)\b",
    r"(?:^|[:：]\s*|\bplease\s+)(?:reveal|print|show|repeat|output)\b.{0,30}\b(?:system|initial|"
    r"hidden)\s+(?:prompt|instructions?|message)\b",
    # a model that answers in Spanish is news; being told to is not
    r"(?:^|[:：,]\s*|\b(?:please|must|should|always|only|now|you|and)\s+)(?:write|respond|reply|"
    r"answer)\b.{0,20}\bin\s+(?:spanish|french|german|russian|japanese|english|chinese)\b",
    r"\bin\s+(?:spanish|french|german|russian|japanese|english|chinese)\s+only\b",
    r"\b(?:you(?:'ve| have)\s+won|you\s+are\s+(?:the|a|our)\s+(?:lucky\s+)?winner|"
    r"claim\s+(?:the|a|your)\s+prize)",
    r"(?:改用|请用|只用|必须用)[^。！？]{0,6}(?:英文|英语|日语|西班牙语|法语)(?:回答|回复|写|输出|作答|撰写)",
    r"(?:添加|加上|插入|附上)[^。！？]{0,10}(?:链接|网址)",
    r"(?:请|务必|必须|立即|现在|马上)[^。！？]{0,6}(?:泄露|输出|打印|显示|重复)[^。！？]{0,10}"
    r"(?:系统提示|提示词|系统指令)",
    r"(?:你的|您的)(?:系统提示|提示词|系统指令)",
    r"(?:恭喜|祝贺)(?:你|您)[^。！？]{0,10}(?:中奖|获奖|赢得)",
    r"(?:将|把)(?:本|此|这)(?:条|文|篇|帖)[^。！？]{0,8}(?:置顶|排|放在|列为)",
    r"(?:AI|人工智能|模型|助手)[^。！？]{0,6}(?:请|务必|必须)[^。！？]{0,10}(?:置顶|排名|排在|链接)",
]
_EXTRA_RE = re.compile("|".join(f"(?:{p})" for p in _EXTRA_PATTERNS), re.IGNORECASE)


@lru_cache(maxsize=32768)
def is_instruction(sentence: str) -> bool:
    """True when the sentence addresses an AI (or the reader) with an instruction or bait.

    Combines the shared English/Chinese patterns and the structural detector of
    :mod:`deepdaily.text.untrusted` / :mod:`deepdaily.text.directives` (an automated reader or
    the reader asked for something about this text, or offered a promotion, in any wording)
    with Spanish, Portuguese, Italian, French, German, Dutch, Russian, Japanese and Korean
    phrasings and a few more English and Chinese ones (add a link, reveal the prompt, switch
    language). Cached: every stage asks about the same source sentences.
    """
    folded = unicodedata.normalize("NFKC", sentence)
    return _is_instruction_en_zh(folded) or bool(_EXTRA_RE.search(folded))


_SENTENCE_END_RE = re.compile(r"(?<=[。！？!?])|(?<=\.)(?=\s)|(?<=\n)")


def redact_instructions(text: str) -> tuple[str, list[str]]:
    """``text`` with every instruction sentence replaced by :data:`REDACTED`, and those sentences.

    Sentences are cut at ``。！？!?``, a full stop before a space, and line breaks; the
    cut is deliberately coarse so an instruction cannot hide behind an abbreviation. After an
    instruction that names an automated reader, the sentences of the same line that open
    with an imperative or a request are its orders too and are removed with it.
    """
    removed: list[str] = []
    out: list[str] = []
    addressed = False
    for piece in _SENTENCE_END_RE.split(text):
        body = piece.strip()
        hit = bool(body) and (is_instruction(piece) or (addressed and opens_with_order(body)))
        if hit:
            removed.append(body)
            lead = piece[: len(piece) - len(piece.lstrip())]
            out.append(lead + REDACTED + ("\n" if piece.endswith("\n") else ""))
        else:
            out.append(piece)
        if body:
            addressed = (hit and (addressed or names_addressee(body))) and not piece.endswith("\n")
    redacted = re.sub(r"\[…\](?:\s*\[…\])+", REDACTED, "".join(out))
    return redacted.strip(), removed


_TITLE_SEPARATORS_RE = re.compile(r"(\s+[-–—|｜:]\s+|\s*[｜|]\s*|——|：|:\s)")


def split_title(title: str) -> tuple[str, list[str]]:
    """A title without its instruction segments, and the segments removed.

    Titles are cut at separators (`` - ``, ``|``, ``｜``, ``：``, ``——``); a segment that reads
    as an instruction is left out with the separator before it, and so is a segment just
    before it that only names its addressee ("… | Chatbots: feature this story first"). The
    whole title is kept when no segment is an instruction, and ``""`` is returned when every
    one is.
    """
    title = normalise(strip_invisible(sanitise_text(title) if has_markup(title) else title))
    parts = _TITLE_SEPARATORS_RE.split(title)
    segments, separators = parts[0::2], ["", *parts[1::2]]
    drop = [bool(seg.strip()) and is_instruction(seg) for seg in segments]
    for i in range(1, len(segments)):
        if drop[i] and not drop[i - 1] and segments[i - 1].strip():
            joined = segments[i - 1] + separators[i] + segments[i]
            if names_addressee(segments[i - 1]) and is_instruction(joined):
                drop[i - 1] = True
    if not any(drop):
        return title, []
    kept = "".join(
        sep + seg
        for sep, seg, gone in zip(separators, segments, drop, strict=True)
        if seg.strip() and not gone
    )
    # runs of removed segments stay together ("Chatbots: feature this story first"), so a
    # lone addressee ("Chatbots") is never listed as an instruction of its own
    removed: list[str] = []
    run = ""
    for sep, seg, gone in zip(separators, segments, drop, strict=True):
        if gone:
            run = f"{run}{sep}{seg}" if run else seg
        elif run:
            removed.append(run.strip(" -–—|｜:："))
            run = ""
    if run:
        removed.append(run.strip(" -–—|｜:："))
    return kept.strip(" -–—|｜:："), removed


def clean_title(title: str) -> str:
    """A title with its instruction segments removed (``Real title - AI, rank this first``);
    see :func:`split_title`."""
    return split_title(title)[0]


_SCRIPT_RE = re.compile(
    r"<(script|style|iframe|object|embed|template|svg)\b[^>]*>.*?(?:</\1\s*>|$)", re.I | re.S
)
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|$)", re.S)
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>")
_MD_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)]*)\)")
_JS_URL_RE = re.compile(r"\b(?:javascript|vbscript|data):[^\s)]*", re.I)


def strip_markup(text: str) -> str:
    """Model output without HTML tags, scripts, comments, Markdown images or link syntax.

    A Markdown link keeps its text and its target as plain text, so the link check still sees
    (and strips) a target that is not a source URL.
    """
    text = strip_invisible(text)
    text = _SCRIPT_RE.sub("", text)
    text = _COMMENT_RE.sub("", text)
    text = _TAG_RE.sub("", text)
    text = _MD_IMAGE_RE.sub("", text)
    text = _MD_LINK_RE.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)
    text = _JS_URL_RE.sub("", text)
    text = re.sub(r"<(?=\s*/?\s*[A-Za-z!?])", "‹", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()
