"""Which organisation an event is about, found without a model.

A small built-in gazetteer maps well-known organisations, their products and their domains to
one display name (``Claude`` and ``anthropic.com`` both mean ``Anthropic``). For an event's lead
document the organisation is, in this order:

1. the gazetteer entity named first in the title;
2. a proper name the title leads with, as in ``Acme Labs: ...`` or ``Acme Labs launches ...``
   or ``星河智能发布...``;
3. a gazetteer entity named in the source's configured name;
4. the gazetteer owner of the document's domain;
5. the source's name itself, up to a separator (``Orrery engineering: 38-second restores``
   gives ``Orrery engineering``).

It never guesses beyond that: an unknown source is named as configured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = [
    "GAZETTEER",
    "Entity",
    "entities_in",
    "find_organisation",
    "mentions",
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

_NOT_NAMES = frozenset({
    "show hn", "ask hn", "tell hn", "launch hn", "breaking", "update", "news", "opinion", "review",
    "exclusive", "analysis", "tutorial", "guide", "how to", "explainer", "podcast", "video",
    "watch", "live", "interview", "report", "ai",
})
_PREFIX_RE = re.compile(r"^(?P<name>[^:：|｜]{2,40}?)\s*[:：]\s*(?P<rest>\S.*)$")
_VERB_RE = re.compile(
    r"^(?P<name>(?:[A-Z][\w.&'-]*\s){0,2}[A-Z][\w.&'-]*)\s+(?:announces|launches|releases|"
    r"introduces|unveils|open-sources|ships|debuts|publishes|unveiled|launched|released)\b"
)
_ZH_VERB_RE = re.compile(
    r"^(?P<name>[\u4e00-\u9fffA-Za-z0-9][\u4e00-\u9fffA-Za-z0-9.\- ]{1,11}?)\s*(?:正式)?"
    r"(?:发布|推出|开源|上线|宣布)"
)
# A Chinese "name" holding one of these is a phrase ("澜川-R2 正式发布"), not a name.
_ZH_NOT_NAME_RE = re.compile(r"发布|推出|开源|上线|宣布|正式|如何|为什么|怎么|我们|今天|解读|实测")
_SOURCE_SUFFIX_RE = re.compile(r"\s*(?:[:：|｜]|\s[-–—]\s).*$")


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


def _title_name(title: str) -> str:
    for regex in (_PREFIX_RE, _VERB_RE, _ZH_VERB_RE):
        match = regex.match(title)
        if match and _proper_name(match.group("name")):
            return match.group("name").strip()
    return ""


def _domain_owner(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    for entity in GAZETTEER:
        if any(host == d or host.endswith("." + d) for d in entity.domains):
            return entity.name
    return ""


def find_organisation(title: str, source: str, url: str) -> str:
    """The organisation of a document, by the rules in the module docstring."""
    named = entities_in(title)
    if named:
        return named[0][1]
    return (
        _title_name(title)
        or next((name for _, name in entities_in(source)), "")
        or _domain_owner(url)
        or _SOURCE_SUFFIX_RE.sub("", source)
        or source
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
