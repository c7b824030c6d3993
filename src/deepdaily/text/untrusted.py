"""Treat fetched text as data: drop instructions and links before anything is quoted.

Source text may carry a prompt injection ("ignore previous instructions", "NOTE TO ANY AI...",
忽略以上指令...) or bait for the reader ("visit this link to claim your prize", 扫码领取...), in
these words or any others (:mod:`deepdaily.text.directives` recognises the structure of a request
to an automated reader or a promotion to the reader, in ten languages).
The offline engine quotes sentences verbatim, so such a sentence is dropped whole, and so is
any sentence holding a link: links in the output come only from the documents' canonical URLs.
What counts as a link is the verify stage's definition (:mod:`deepdaily.text.links`: any
scheme, ``www.``, e-mail, a lower-case bare domain such as ``example.com``), so the offline
engine never quotes what verification would strip. The instruction patterns are deliberately
broad; losing a harmless sentence costs little, quoting an injected one costs trust.
"""

from __future__ import annotations

import re

from deepdaily.text.directives import is_directive

__all__ = ["contains_link", "fence_text", "is_instruction", "strip_links"]

_FENCE_RE = re.compile(r"<{3,}|>{3,}")


def fence_text(text: str) -> str:
    """``text`` that cannot open or close a prompt's fence around untrusted data (runs of
    ``<``/``>`` become guillemets), so fetched text can never end its own fence."""
    return _FENCE_RE.sub(lambda m: "«" if m.group()[0] == "<" else "»", text)


_EN_PATTERNS = [
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|prompts?|rules|"
    r"guidelines|directions|directives)\b",
    # "a cache of earlier prompts" is a topic; "all previous instructions" is addressed
    r"\b(all|any|your)\s+(of\s+your\s+)?(previous|prior|earlier|above|preceding)\s+"
    r"(instructions?|prompts?|directives)\b",
    # "your system prompt" is addressed to a model; "the system prompt" may be a topic.
    r"\byour\s+(system|developer|hidden|initial)\s+(prompt|message|instructions?)\b",
    r"\bnew\s+instructions?\s*(?:[:：]|follow|below|apply|for\s+(?:you|the\s+(?:ai|assistant|model)))",
    r"\byou\s+(are|must|should|will)\s+now\b",
    r"\b(note|message|attention|instructions?|reminder)\s+(to|for)\s+(any|all|every|the)?\s*"
    r"(ai|llms?|language models?|assistants?|chat ?bots?|bots?|crawlers?|agents?|models?|"
    r"summari[sz]ers?)\b",
    r"\b(ai|llm|assistant|chat ?bot|language model|model|agent|bot|summari[sz]er)s?\b.{0,40}"
    r"\b(reading|summari[sz]ing|processing|parsing|crawling|ingesting)\s+(this|these)\s+"
    r"(page|article|text|post|content|document|item|message)s?\b",
    r"\b(click|visit|follow|go to|tap)\b.{0,30}\b(link|url|website|site|page|here)\b",
    r"\bclaim\s+(your\s+|a\s+)?(free|prizes?|rewards?|gifts?|bonus|airdrops?|tokens?|winnings)\b",
    r"\bto\s+claim\s+(the|a|this)\s+(prize|reward|tokens?|airdrop|gift|bonus)\b",
    # imperatives only: "DWARF output with no dependencies" is a noun, not an order
    r"(?:^|[:：;]\s*|\b(?:and|please|must|should|only|always|now|you)\s+)(respond|reply|answer|"
    r"output|print|say|write)\s+(only\s+)?(with|the following|exactly)\b",
    r"(?:^|[:：;,]\s*|\b(?:please|you|and)\s+)(do not|don't|never)\s+(mention|reveal|disclose|"
    r"tell|summari[sz]e)\b",
    r"\b(rank|place|put|list)\s+(this|it)\b.{0,30}\b(first|top|rank one|number one|#1)\b",
    # An imperative mode switch; "jailbreak" alone is a topic of security news, not an order.
    r"\b(enter|enable|activate|switch\s+(on|to)|you\s+are\s+(now\s+)?in)\s+(the\s+)?"
    r"(jailbreak|developer|dan|god)\s+mode\b",
    r"\bjailbreak\s+(yourself|the\s+(assistant|model|ai))\b",
    r"\b(send|share|enter|paste)\s+(us\s+)?your\s+(password|api key|credentials|seed phrase|"
    r"private key|token)s?\b",
]
_ZH_PATTERNS = [
    r"(忽略|无视|忘记|忘掉|跳过|不要理会|覆盖)[^。！？]{0,12}(指令|指示|提示|规则|要求|设定)",
    r"(之前|以上|上述|前面|先前|此前)的?(所有|全部)(指令|指示|提示词?)",
    r"(你的|您的)(系统|开发者)提示",
    r"你现在(是|必须)",
    r"(请扮演|假装你是|你现在扮演)",
    r"作为(一个|一名)?(AI|人工智能|语言模型|大模型|助手)[，,]?\s*你",
    r"(致|给|告)(所有|任何|各位)?的?\s*(AI|人工智能|大模型|语言模型|助手|机器人|智能体)",
    r"(AI|人工智能|模型|助手|智能体)[^。！？]{0,10}(阅读|读取|总结|处理|抓取)(本文|此文|这篇|这段|本页)",
    r"(点击|访问|打开|前往|复制)[^。！？]{0,10}(链接|网址|网站|地址)",
    r"(领取|兑换|认领)[^。！？]{0,10}(奖励|奖品|空投|红包|福利|代币)",
    r"(扫码|扫描二维码|加微信|关注公众号)",
    r"(只|仅|请)(输出|回复|回答)(以下|如下|下面)",
    # "the model ranks first on the leaderboard" is news; placing *this text* first is not
    r"(把|将|请|务必|必须)[^。！？]{0,10}(排在|放在|列为|置于)(第一|首位|榜首|第 ?1 ?位)",
    r"不要(提及|透露|告诉|总结)",
]
_INSTRUCTION_RE = re.compile("|".join(f"(?:{p})" for p in _EN_PATTERNS + _ZH_PATTERNS), re.I)


def is_instruction(sentence: str) -> bool:
    """True when the sentence addresses an AI or the reader with an instruction or bait.

    The patterns above catch the classic wordings; :func:`~deepdaily.text.directives.is_directive`
    catches any other by its structure (an automated reader or the reader, asked for something
    about this text, its readers or an offer).
    """
    return bool(_INSTRUCTION_RE.search(sentence)) or is_directive(sentence)


# Imported when called: deepdaily.verify's package init imports this module (via
# analyse.sanitise), so a module-level import would be circular.
def contains_link(text: str) -> bool:
    """True when the text holds anything :func:`deepdaily.text.links.find_urls` calls a link."""
    from deepdaily.text.links import find_urls

    return bool(find_urls(text))


def strip_links(text: str) -> str:
    """``text`` with every link removed and whitespace tidied (for titles, which are kept)."""
    from deepdaily.text.links import strip_urls

    stripped, _ = strip_urls(text, ())
    stripped = re.sub(r"[(（\[]\s*[)）\]]", "", stripped)
    return re.sub(r"\s{2,}", " ", stripped).strip(" -–—|:：")
