"""Which organisation an event is about, found without a model.

A small built-in gazetteer maps well-known organisations, their products and their domains to
one display name (``Claude`` and ``anthropic.com`` both mean ``Anthropic``). A title that leads
with ``Name: ...`` usually names a product (``Tandem: speculative decoding...``,
``Agents SDK 0.15: ...``), not its maker, so for an event's lead document the organisation is,
in this order:

1. the gazetteer entity named first in the title (a known organisation), unless the title
   names only products (``Gemini``) and the document's domain has a known owner
   (``deepmind.google``): then that owner;
2. a proper name the title leads with when an announcement verb follows it with an object
   (``Acme Labs launches ...``, ``星河智能发布 Orion-7``, ``Lumenforge 开源 Lumen-3 Flash``) or
   when it owns what follows (``Lumenforge's Lumen-3 Flash ...``); a name with digits
   (``澜川-R2 正式发布``) is a product, and so is a name the verb ends on (``X released:``);
3. the organisation of the source (:func:`source_organisation`: ``Fernwork changelog`` is
   ``Fernwork``, ``澜川智能博客`` is ``澜川智能``), written as the title writes it when the
   title starts with it (``Lumen Labs: ...`` from ``lumen-blog``; ``Kestrel at ...`` from
   ``Kestrel AI Research`` gives ``Kestrel``, so a heading never says the name twice);
4. a gazetteer entity named in the source's configured name;
5. the gazetteer owner of the document's domain;
6. the source's name itself.

A configured source name that names nobody (:func:`is_placeholder_source`: ``127.0.0.1:8765``,
an IP address, a URL or file name, a generic word such as ``corpus`` or ``feed``) is never a
heading's organisation; after steps 1 and 2 come the gazetteer owner of the domain, then a name
acting in the ``context`` texts (the lead's first sentence, the other documents' titles:
``Quillstone released Quill-7 Turbo ...``), then the domain itself (``cnbc.com``), else nothing,
and the heading is the title alone.

For a news outlet, a preprint server or an aggregator, steps 1 and 2 find an organisation the
title names; without one the outlet is named (``OpenPrint cs.LG`` gives ``OpenPrint``). It
never guesses beyond that: an unknown source is named as configured.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = [
    "GAZETTEER",
    "Entity",
    "entities_in",
    "find_organisation",
    "is_placeholder_source",
    "mentions",
    "site_domain",
    "source_organisation",
    "split_title_prefix",
]


@dataclass(frozen=True)
class Entity:
    name: str
    aliases: tuple[str, ...]  # regular expressions, matched case-sensitively on word edges
    domains: tuple[str, ...] = ()

    def pattern(self) -> re.Pattern[str]:
        alternatives = "|".join((re.escape(self.name), *self.aliases))
        return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![a-z])")


GAZETTEER: tuple[Entity, ...] = (
    Entity(
        "OpenAI", (r"ChatGPT", r"Codex", r"GPT-\d[\w.-]*", r"Sora"), ("openai.com", "chatgpt.com")
    ),
    Entity("Anthropic", (r"Claude",), ("anthropic.com", "claude.ai", "claude.com")),
    Entity("DeepMind", (r"Google DeepMind",), ("deepmind.google", "deepmind.com")),
    Entity(
        "Google", (r"Gemini", r"Gemma", r"谷歌"), ("google.com", "blog.google", "research.google")
    ),
    Entity("Meta", (r"Llama", r"Meta AI"), ("meta.com", "ai.meta.com", "about.fb.com")),
    Entity("Microsoft", (r"微软", r"Azure"), ("microsoft.com", "azure.com")),
    Entity("NVIDIA", (r"Nvidia", r"英伟达"), ("nvidia.com",)),
    Entity("Hugging Face", (r"HuggingFace",), ("huggingface.co",)),
    Entity("Mistral AI", (r"Mistral",), ("mistral.ai",)),
    Entity("DeepSeek", (r"深度求索",), ("deepseek.com",)),
    Entity(
        "Alibaba", (r"阿里巴巴", r"阿里云", r"Qwen", r"通义"), ("alibabacloud.com", "aliyun.com")
    ),
    Entity("Moonshot AI", (r"Moonshot", r"Kimi", r"月之暗面"), ("moonshot.cn", "kimi.com")),
    Entity(
        "Zhipu AI", (r"Zhipu", r"智谱", r"GLM-\d[\w.-]*"), ("zhipuai.cn", "bigmodel.cn", "z.ai")
    ),
    Entity("Baidu", (r"百度", r"文心", r"ERNIE"), ("baidu.com",)),
    Entity("Tencent", (r"腾讯", r"混元", r"Hunyuan"), ("tencent.com",)),
    Entity("ByteDance", (r"字节跳动", r"豆包", r"Doubao"), ("bytedance.com",)),
    Entity("MiniMax", (), ("minimax.io", "minimaxi.com")),
    Entity("xAI", (r"Grok",), ("x.ai",)),
    Entity("Apple", (r"苹果公司",), ("apple.com",)),
    Entity("Amazon", (r"AWS", r"Amazon Bedrock"), ("amazon.com", "aws.amazon.com")),
    Entity("IBM", (), ("ibm.com",)),
    Entity("Intel", (r"英特尔",), ("intel.com",)),
    Entity("AMD", (r"ROCm",), ("amd.com",)),
    Entity("GitHub", (r"Github",), ("github.com", "github.blog")),
    Entity("Cloudflare", (), ("cloudflare.com",)),
    Entity("Databricks", (), ("databricks.com",)),
    Entity("Cohere", (), ("cohere.com",)),
    Entity("Perplexity", (), ("perplexity.ai",)),
    Entity("Stability AI", (r"Stable Diffusion",), ("stability.ai",)),
    Entity("PyTorch", (), ("pytorch.org",)),
    Entity("vLLM", (), ("vllm.ai",)),
    Entity("LangChain", (r"LangGraph",), ("langchain.com",)),
    Entity("Ollama", (), ("ollama.com",)),
)
_PATTERNS = tuple((entity, entity.pattern()) for entity in GAZETTEER)

_NOT_NAMES = frozenset(
    {
        "show hn",
        "ask hn",
        "tell hn",
        "launch hn",
        "breaking",
        "update",
        "news",
        "opinion",
        "review",
        "exclusive",
        "analysis",
        "tutorial",
        "guide",
        "how to",
        "explainer",
        "podcast",
        "video",
        "watch",
        "live",
        "interview",
        "report",
        "ai",
        # words that start a headline ("What's new", "This week ships") without naming anyone
        "what",
        "here",
        "there",
        "that",
        "this",
        "it",
        "who",
        "why",
        "how",
        "where",
        "when",
        "today",
        "tomorrow",
        "yesterday",
        "everyone",
        "everything",
        "nobody",
        "nothing",
        "let",
        "one",
        "this week",
        "next week",
        "the",
        "a",
        "an",
    }
)
_PREFIX_RE = re.compile(r"^(?P<name>[^:：|｜]{2,40}?)\s*[:：]\s*(?P<rest>\S.*)$")
# Verbs after which the title's leading name is the organisation that acts.
_EN_VERBS = (
    r"announces|launches|releases|introduces|unveils|open-sources|ships|debuts|publishes|"
    r"rolls out|adds|patches|fixes|updates|expands|acquires|raises|opens|deprecates|"
    r"announced|launched|released|introduced|unveiled|open-sourced|shipped|debuted|published|"
    r"rolled out|added|patched|fixed|updated|expanded|acquired|raised|opened|deprecated|"
    r"discloses|disclosed"
)
_VERB_RE = re.compile(
    r"^(?P<name>(?:[A-Z][\w.&'-]*\s){0,2}[A-Z][\w.&'-]*)\s+(?:" + _EN_VERBS + r")\b(?P<rest>.*)$"
)
_POSSESSIVE_RE = re.compile(r"^(?P<name>(?:[A-Z][\w.&-]*\s){0,2}[A-Z][\w.&-]*)['’]s\s+\S")
_ZH_VERB_RE = re.compile(
    r"^(?P<name>[\u4e00-\u9fffA-Za-z0-9][\u4e00-\u9fffA-Za-z0-9.\- ]{1,11}?)\s*(?:正式)?"
    r"(?:发布|推出|开源|上线|宣布)(?P<rest>.*)$"
)
# A Chinese "name" holding one of these is a phrase ("澜川-R2 正式发布"), not a name.
_ZH_NOT_NAME_RE = re.compile(r"发布|推出|开源|上线|宣布|正式|如何|为什么|怎么|我们|今天|解读|实测")
# After the verb: nothing, or the end of a clause: the name was what got released.
_PASSIVE_RE = re.compile(r"^\s*(?:$|[:：,，。.!！?？;；、|｜\-–—(（])")
_SOURCE_SUFFIX_RE = re.compile(r"\s*(?:[:：|｜]|\s[-–—]\s).*$")
# Words that name a part of a site rather than its owner: "Fernwork changelog", "澜川智能博客".
_SITE_WORDS_RE = re.compile(
    r"(?:[\s_-]+(?:official\s+)?(?:blog|news|newsroom|press|press room|changelog|release notes|"
    r"releases|engineering|engineering blog|community|forum|forums|docs|documentation|updates|"
    r"newsletter|podcast|feed|rss|site|website|homepage)|"
    r"(?:[a-z]{2,8}\.[A-Z]{2,4}|\[[^\]]*\]))$"  # "cs.LG": a preprint server's category
    r"|(?:官方)?(?:博客|新闻中心|新闻|官网|社区|论坛|频道|动态|公众号|更新日志)$",
    re.IGNORECASE,
)
# Words that follow the distinctive part of an organisation's name.
_ORG_WORDS = frozenset(
    {
        "ai",
        "labs",
        "lab",
        "research",
        "inc",
        "inc.",
        "ltd",
        "llc",
        "technologies",
        "technology",
        "systems",
        "compute",
        "computing",
        "corp",
        "corporation",
        "company",
        "co",
        "co.",
        "group",
        "studio",
        "studios",
        "foundation",
        "institute",
    }
)
_ZH_ORG_SUFFIX_RE = re.compile(r"(?:智能|科技|实验室|公司|集团|研究院|技术|人工智能)+$")
_WORD_RE = re.compile(r"[A-Za-z0-9]+|[\u4e00-\u9fff]+")
# Words a source is named with when nobody named it: a file stem, a default, a channel kind.
_PLACEHOLDER_WORDS = frozenset(
    {
        "corpus",
        "feed",
        "feeds",
        "rss",
        "atom",
        "xml",
        "json",
        "jsonl",
        "data",
        "dataset",
        "day",
        "source",
        "sources",
        "default",
        "test",
        "tests",
        "sample",
        "samples",
        "fixture",
        "fixtures",
        "item",
        "items",
        "entries",
        "export",
        "index",
        "latest",
        "input",
        "candidates",
        "file",
        "files",
        "local",
        "localhost",
        "mirror",
        "site",
        "web",
        "page",
        "pages",
        "links",
        "list",
        "unknown",
        "misc",
        "other",
        "news",
        "blog",
        "www",
        "http",
        "https",
    }
)
_HOST_PORT_RE = re.compile(r"^\[?[\w.:-]+\]?:\d{1,5}$")
_IPV4_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_FILE_NAME_RE = re.compile(r"\.(?:jsonl|json|xml|rss|atom|opml|html?|txt|csv)$", re.IGNORECASE)


def mentions(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, organisation)`` of every gazetteer match in ``text``, in order.

    Overlapping aliases (``GPT-5.3-Codex`` is both ``GPT-…`` and ``Codex``) count once, the
    longest match winning.
    """
    found: list[tuple[int, int, str]] = []
    for entity, pattern in _PATTERNS:
        found.extend((m.start(), m.end(), entity.name) for m in pattern.finditer(text))
    kept: list[tuple[int, int, str]] = []
    for start, stop, name in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, stop, name))
    return kept


def entities_in(text: str) -> list[tuple[int, str]]:
    """``(position, organisation)`` for every gazetteer match in ``text``, in order."""
    return [(start, name) for start, _, name in mentions(text)]


def _proper_name(name: str) -> bool:
    name = name.strip()
    if not name or name.lower() in _NOT_NAMES:
        return False
    if re.search(r"[\u4e00-\u9fff]", name):
        return len(name) <= 12 and not _ZH_NOT_NAME_RE.search(name)
    words = name.split()
    return 1 <= len(words) <= 4 and all(w[0].isupper() or w[0].isdigit() for w in words)


def _acting_name(title: str) -> str:
    """The proper name a title leads with when it acts (announces, releases, owns) rather than
    being what is released; ``""`` otherwise."""
    for regex in (_VERB_RE, _ZH_VERB_RE, _POSSESSIVE_RE):
        match = regex.match(title)
        if not match or not _proper_name(match.group("name")):
            continue
        name = match.group("name").strip()
        if any(c.isdigit() for c in name):
            continue  # "Lumen-3 Flash launches", "澜川-R2 正式发布": a product
        if "rest" in match.groupdict() and _PASSIVE_RE.match(match.group("rest")):
            continue  # "X released: ...": X is what was released
        return name
    return ""


def source_organisation(source: str) -> str:
    """The organisation behind a source's configured name: without a subtitle, a section word
    or a preprint category (``Fernwork changelog`` -> ``Fernwork``, ``OpenPrint cs.LG`` ->
    ``OpenPrint``, ``澜川智能博客`` -> ``澜川智能``). A name that would be left without a
    capital (``my`` of ``my-blog``) is kept as configured."""
    name = _SOURCE_SUFFIX_RE.sub("", source).strip() or source.strip()
    while True:
        cut = _SITE_WORDS_RE.sub("", name).strip(" -_")
        if cut == name or not cut:
            break
        name = cut
    if not any(c.isupper() or "\u4e00" <= c <= "\u9fff" for c in name):
        return source.strip()  # "my" of "my-blog" is no name
    return name


def _core_names(organisation: str) -> list[str]:
    """The ways a title may start with ``organisation``: in full, then without the words that
    follow a distinctive name (``Kestrel AI Research`` -> ``Kestrel``, ``澜川智能`` -> ``澜川``)."""
    names = [organisation]
    words = organisation.split()
    while len(words) > 1 and words[-1].casefold() in _ORG_WORDS:
        words.pop()
        names.append(" ".join(words))
    if re.fullmatch(r"[\u4e00-\u9fff]+", organisation):
        core = _ZH_ORG_SUFFIX_RE.sub("", organisation)
        if 2 <= len(core) < len(organisation):
            names.append(core)
    return names


def _starts_with(title: str, name: str) -> bool:
    if not title.casefold().startswith(name.casefold()):
        return False
    after = title[len(name) : len(name) + 1]
    return not after or not (after.isascii() and after.isalnum()) or not name[-1:].isascii()


def _title_names_source(title: str, source: str, organisation: str) -> str:
    """How the title names the source's organisation when it starts with it, else ``""``:
    a ``Name:`` prefix whose first word is the source's (``Lumen Labs: ...`` from
    ``lumen-blog``), or the organisation or its distinctive part (``Kestrel at ...``)."""
    match = _PREFIX_RE.match(title)
    if match and _proper_name(match.group("name")):
        prefix = match.group("name").strip()
        first = _WORD_RE.findall(prefix.casefold())[:1]
        source_words = set(_WORD_RE.findall(source.casefold()))
        if first and first[0] in source_words and not any(c.isdigit() for c in prefix):
            return prefix
    for name in _core_names(organisation):
        if name and _starts_with(title, name):
            return title[: len(name)]
    return ""


def is_placeholder_source(name: str) -> bool:
    """Whether a configured source name names nobody a reader knows: empty, ``host:port``, an
    IP address, ``localhost``, a URL or a path, a file name, or only generic words and digits
    (``corpus``, ``feed``, ``day-2026-02-12``)."""
    name = name.strip()
    if not name or "://" in name or name.startswith(("/", "~", "./", "../")):
        return True
    if _HOST_PORT_RE.match(name) or _IPV4_RE.match(name) or _FILE_NAME_RE.search(name):
        return True
    return all(w in _PLACEHOLDER_WORDS for w in re.findall(r"[^\W\d_]+", name.casefold()))


def site_domain(url: str) -> str:
    """The registrable-looking host of ``url`` as an outlet name (``cnbc.com``), or ``""``
    for a loopback or private address, an IP address or a host without a dot."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if not host or "." not in host or _IPV4_RE.match(host) or ":" in host:
        return ""
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return ""
    return host


def _domain_owner(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    for entity in GAZETTEER:
        if any(host == d or host.endswith("." + d) for d in entity.domains):
            return entity.name
    return ""


def _named_in(text: str) -> str:
    """The organisation a text leads with or that acts in it (steps 1 and 2), else ``""``."""
    named = entities_in(text)
    if named and named[0][0] == 0:
        return named[0][1]
    return _acting_name(text)


def find_organisation(title: str, source: str, url: str, context: Sequence[str] = ()) -> str:
    """The organisation of a document, by the rules in the module docstring; ``context`` is
    read only when ``source`` is a placeholder."""
    owner = _domain_owner(url)
    brands = mentions(title)
    if owner and brands and all(title[a:b] != name for a, b, name in brands):
        return owner  # "Gemini Deep Think" on deepmind.google: the publisher, not the brand's
    named = entities_in(title)
    if named and named[0][0] == 0:
        return named[0][1]  # the title leads with a known organisation
    acting = _acting_name(title)
    if acting:
        return acting
    if named:
        return named[0][1]
    if is_placeholder_source(source):
        found = owner or next((n for t in context if (n := _named_in(t))), "")
        return found or site_domain(url)
    own = source_organisation(source)
    in_title = _title_names_source(title, source, own)
    if in_title:
        return in_title
    return (
        next((name for _, name in entities_in(source)), "") or _domain_owner(url) or own or source
    )


def split_title_prefix(title: str, organisation: str) -> str:
    """The title without a leading ``Organisation:`` that would repeat the heading's name."""
    match = _PREFIX_RE.match(title)
    if not match:
        return title
    name = match.group("name").strip()
    named = entities_in(name)
    if name.casefold() == organisation.casefold() or (
        _proper_name(name) and named and {n for _, n in named} == {organisation}
    ):
        return match.group("rest").strip()
    return title
