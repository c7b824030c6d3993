"""The fixed words of a digest in each supported language.

Section labels, headings and the honest notes the offline engine and the renderer print (the
banner that says once what the offline engine does not write, the wording of its trends and
watch entries) live here, so the analysers and the templates agree on one wording per
language. A profile's ``language`` picks the set: ``zh`` for any ``zh*`` code, else ``en``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["EN", "ZH", "Labels", "labels_for"]


@dataclass(frozen=True)
class Labels:
    """Every fixed string of one language."""

    language: str
    colon: str  # between a bold label or organisation and the text
    source: str
    what: str
    why: str
    technical: str
    impact: str
    advice: str
    trends: str
    watch: str
    note: str
    unverified: str  # appended to a rendered claim that could not be checked
    offline_banner: str  # under the tagline: what the offline engine does not write
    offline_items_banner: str  # {items}: items_phrase() of the items written offline
    missing_section: str  # in place of a judgement section an LLM item lacks
    what_dropped: str
    no_extract: str  # "what" when no sentence of the sources can be quoted
    no_items: str
    no_trends: str
    no_watch: str
    shared_name: str  # a trend: {items} {verb} {name} {titles}
    shared_theme: str  # a trend: {items} {verb} {theme} {titles}
    watch_quote: str  # an offline watch entry: {items} {quote}
    item_one: str  # {n}
    item_many: str  # {n}
    list_sep: str
    last_sep: str
    title_sep: str
    end: str
    update: str  # label of the bullet that opens an update of an earlier digest's item
    update_text: str  # {date} of the earlier digest, {link}: update_link or nothing
    update_link: str  # {url}

    def items_phrase(self, numbers: Sequence[int]) -> str:
        """``第 1、3 条`` in Chinese, ``item 1`` or ``items 1, 3 and 4`` in English."""
        names = [str(n) for n in numbers]
        if len(names) > 1 and self.last_sep != self.list_sep:
            joined = self.list_sep.join(names[:-1]) + self.last_sep + names[-1]
        else:
            joined = self.list_sep.join(names)
        return (self.item_one if len(names) == 1 else self.item_many).format(n=joined)

    def shared(
        self, numbers: Sequence[int], lead: str, titles: Sequence[str], *, theme: bool = False
    ) -> str:
        """The text of an offline trend: which items share the name (or the theme) ``lead``,
        and their titles."""
        verb = ("both" if len(numbers) == 2 else "all") if self.language == "en" else "都"
        template = self.shared_theme if theme else self.shared_name
        text = template.format(
            items=self.items_phrase(numbers),
            verb=verb,
            name=lead,
            theme=lead,
            titles=self.title_sep.join(titles) + self.end,
        )
        return text[:1].upper() + text[1:]

    def quoted(self, numbers: Sequence[int], quote: str) -> str:
        """The text of an offline watch entry: the sentence of the items' sources it quotes."""
        text = self.watch_quote.format(items=self.items_phrase(numbers), quote=quote)
        return text[:1].upper() + text[1:]


ZH = Labels(
    language="zh",
    colon="：",
    source="来源",
    what="是什么",
    why="为什么重要",
    technical="技术要点",
    impact="可能影响",
    advice="落地建议",
    trends="今日趋势总结",
    watch="我接下来会关注什么",
    note="说明",
    unverified="（未核实）",
    offline_banner=(
        "本期由离线引擎生成（未使用 LLM）：各条只摘录来源原文，不写“为什么重要”“可能影响”"
        "“落地建议”（配置 LLM 后才有）；趋势只列多条共同涉及的名称或主题，关注项摘自来源提到的"
        "后续安排。"
    ),
    offline_items_banner=(
        "{items}由离线引擎生成（未使用 LLM）：只摘录来源原文，不写“为什么重要”“可能影响”"
        "“落地建议”。"
    ),
    missing_section="（本节未生成）",
    what_dropped="（摘录未通过核实，已略去）",
    no_extract="（来源正文中没有可摘录的句子）",
    no_items="今日没有达到入选标准的更新。",
    no_trends="今日入选条目之间没有共同的名称或主题，不做趋势归纳。",
    no_watch="今日来源中没有提到待跟进的后续安排。",
    shared_name="{items}{verb}与 {name} 有关：{titles}",
    shared_theme="{items}{verb}属于“{theme}”主题：{titles}",
    watch_quote="{items}的来源提到：{quote}",
    item_one="第 {n} 条",
    item_many="第 {n} 条",
    list_sep="、",
    last_sep="、",
    title_sep="；",
    end="。",
    update="更新",
    update_text="此事件已在 {date} 的日报中报道{link}，以下为新进展。",
    update_link="（[链接]({url})）",
)

EN = Labels(
    language="en",
    colon=": ",
    source="Source",
    what="What it is",
    why="Why it matters",
    technical="Technical points",
    impact="Likely impact",
    advice="What to do",
    trends="Today's trends",
    watch="What I'm watching next",
    note="Note",
    unverified=" (unverified)",
    offline_banner=(
        "Written by the offline engine (no LLM): each item quotes its sources and leaves out "
        "\u201cWhy it matters\u201d, \u201cLikely impact\u201d and \u201cWhat to do\u201d "
        "(they need an LLM); trends list only names or themes several items share, and the "
        "watch list quotes follow-ups the sources announce."
    ),
    offline_items_banner=(
        "Offline engine (no LLM) for {items}: quotes from the sources only, without "
        "\u201cWhy it matters\u201d, \u201cLikely impact\u201d or \u201cWhat to do\u201d."
    ),
    missing_section="(Not generated.)",
    what_dropped="(The extract failed verification and was left out.)",
    no_extract="(The sources have no sentence that can be quoted.)",
    no_items="No update met the bar today.",
    no_trends="No name or theme is shared by two or more items today, so no trend is drawn.",
    no_watch="The sources announce nothing to follow up today.",
    shared_name="{items} {verb} concern {name}: {titles}",
    shared_theme="{items} {verb} belong to the theme \u201c{theme}\u201d: {titles}",
    watch_quote="the sources of {items} say: {quote}",
    item_one="item {n}",
    item_many="items {n}",
    list_sep=", ",
    last_sep=" and ",
    title_sep="; ",
    end=".",
    update="Update",
    update_text="first covered in the {date} digest{link}; what is new follows.",
    update_link=" ([link]({url}))",
)


def labels_for(language: str) -> Labels:
    """The label set for a language code (``zh``, ``zh-CN``, ``en``...); English by default."""
    return ZH if language.lower().startswith("zh") else EN
