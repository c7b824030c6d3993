"""The token benchmark: what one day of analysis costs, against summarising every entry.

A day of at least 500 entries is stored as documents in a temporary SQLite store: by default the
shared evaluation corpus (``../shared/corpus``: the 111 candidates of 2026-02-12, 264 arXiv
abstracts and 793 RSS headlines of that week, all placed inside the digest window), else a
synthetic day from :mod:`benchmarks.corpus`. A :class:`~deepdaily.testing.llm_server.
ScriptedLLMServer` on 127.0.0.1 answers every request with a plausible answer and counts tokens
with deepdaily's estimator (one per CJK character, one per four other characters) on both the
prompt and the answer. In one invocation:

a. **deepdaily**: ``deepdaily.pipeline.run_digest`` on the stored day (cluster, select at most
   ``--items`` events, analyse each with the :class:`~deepdaily.analyse.llm.LLMAnalyser`, one
   synthesis call) through ``CachingProvider(FallbackProvider([OpenAICompatProvider]))``. About
   one scripted analysis in three (chosen by a hash of the event's first source URL) carries a
   number the sources do not have, so revision rounds are part of the cost;
b. **baseline**: one summary request per entry, its full text in the prompt, through the same
   provider without a cache (also reported for the entries with text alone, since headlines
   cost the baseline little);
c. **re-run**: (a) again, unchanged, on the same store: the response cache answers.

Targets: (a) <= 10% of (b), and (c) = 0 tokens. The shared corpus is the measurement of
record: the synthetic day's small grammar clusters into a few crowded events of short texts,
which makes its ratio pessimistic. Run ``python -m benchmarks.tokens`` from the
repository root (``--json`` for one JSON object, ``--help`` for the flags). Nothing leaves the
machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from deepdaily.analyse.grounding import estimate_tokens
from deepdaily.analyse.llm import LLMAnalyser
from deepdaily.analyse.offline import OfflineAnalyser
from deepdaily.analyse.providers import (
    CachingProvider,
    CallLog,
    ChatMessage,
    ChatRequest,
    FallbackProvider,
    OpenAICompatProvider,
    Provider,
    ResponseCache,
)
from deepdaily.config import LLMSpec, Profile, Settings
from deepdaily.models import Document, content_id
from deepdaily.pipeline import run_digest
from deepdaily.store import Store
from deepdaily.testing.llm_server import Reply, ScriptedLLMServer, ScriptedRequest, answer
from deepdaily.text.entities import find_organisation
from deepdaily.text.sentences import split_sentences

DAY = date(2026, 2, 12)  # window: 2026-02-11 00:00 to 2026-02-12 00:00 UTC (zh profile)
WINDOW_START = datetime(2026, 2, 11, tzinfo=UTC)
SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
BASELINE_SYSTEM = (
    "你是技术日报的编辑。用中文总结下面这篇文章：它是什么、为什么重要、对工程师有什么影响。"
)
_BLOCK_RE = re.compile(r"<<<SOURCE \d+ id=\w+ [^\n]*>>>\n(.*?)\n<<<END SOURCE", re.S)


# -- the day ------------------------------------------------------------------------------------


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def shared_entries() -> list[tuple[str, str, str, str]]:
    """``(source, url, title, text)`` for every entry of the shared corpus."""
    entries: list[tuple[str, str, str, str]] = []
    for row in _read_jsonl(SHARED / "day-2026-02-12.jsonl"):
        entries.append((row["source"], row["url"], row["title"], row["synopsis"]))
    for row in _read_jsonl(SHARED / "arxiv_pool_0210_0213.jsonl"):
        entries.append(("arXiv", row["url"], row["title"], row["text"]))
    for row in _read_jsonl(SHARED / "rss_headlines_0208_0215.jsonl"):
        entries.append((row.get("source", "rss"), row["url"], row["title"], ""))
    return entries


def synthetic_entries(count: int, seed: int = 1) -> list[tuple[str, str, str, str]]:
    """A synthetic day from the benchmark prose grammar, when the shared corpus is absent."""
    from benchmarks.corpus import Prose

    entries = []
    for i in range(count):
        rng = random.Random(seed * 100_003 + i)
        prose = Prose(rng)
        text = prose.paragraph(rng.randint(60, 160))
        entries.append(
            (f"site{i % 40}", f"https://site{i % 40}.example/p/{i}", prose.title(), text)
        )
    return entries


def documents(entries: list[tuple[str, str, str, str]]) -> list[Document]:
    """The entries as documents spread over the digest window (unique canonical URLs)."""
    docs: dict[str, Document] = {}
    for i, (source, url, title, text) in enumerate(entries):
        if url in docs:
            continue
        when = WINDOW_START + timedelta(minutes=(i * 37) % (24 * 60 - 1))
        docs[url] = Document(
            id=content_id(url, text),
            source=source,
            url=url,
            canonical_url=url,
            title=title,
            text=text,
            published=when,
            fetched_at=when,
            authority=0.5,
        )
    return list(docs.values())


# -- the scripted model -------------------------------------------------------------------------


def _first_sentence(user: str) -> str:
    for block in _BLOCK_RE.findall(user):
        text = block.split("\nText:\n", 1)[-1]
        for sentence in split_sentences(text):
            if len(sentence.split()) >= 6 and "[…]" not in sentence:
                return sentence
    return ""


_WHAT = "该来源介绍了一项技术更新，说明了它做了什么、面向谁，以及目前公开的范围与限制。"
_WHY = (
    "这类更新决定了工程团队接下来如何选型与评估：能力边界、成本结构和可运维性都会随之变化，"
    "值得在真实工作负载上复核，而不是只看发布说明。"
)
_TECHNICAL = (
    "关键做法集中在数据、评测与部署流程的工程化。",
    "公开材料给出了方法与评测设置，便于复现实验与对照基线。",
    "限制条件写在文末，迁移前需要逐条核对与现有系统的兼容性。",
)
_IMPACT = (
    "相关工具链会更快跟进，社区会出现更多复现与对比报告。",
    "采购与选型会更看重可验证的评测和长期维护承诺。",
)
_ADVICE = (
    "先在小流量或离线评测中复现关键结论，再决定是否扩大使用范围。",
    "把评测脚本、版本与配置纳入版本管理，便于之后回归对比。",
    "为失败与回退准备预案，记录每一步的可观测指标。",
)


def _opinion(text: str) -> dict[str, Any]:
    return {"text": text, "claims": [], "judgement": True}


def _analysis(user: str, revise: bool, seed: int) -> dict[str, Any]:
    """An answer in the schema: one claim quoting the first source, the facts citing it,
    the rest opinions; one analysis in three invents a figure first (a revision round)."""
    passage = _first_sentence(user)
    site = next((line[6:] for line in user.splitlines() if line.startswith("Site: ")), "")
    title_line = next((line[7:] for line in user.splitlines() if line.startswith("Title: ")), "")
    url = next((line[5:] for line in user.splitlines() if line.startswith("URL: ")), "")
    why = [_opinion(_WHY)]
    if seed % 3 == 0 and not revise:  # an invented figure: costs a revision round
        why.insert(0, _opinion("官方称成本下降 97%。"))
    return {
        "title": "本条更新的要点与工程影响",
        "organisation": find_organisation(title_line, site, ""),
        "claims": [
            {"id": 1, "text": "该来源介绍了一项技术更新", "passage": passage, "source_url": url}
        ],
        "what": [{"text": _WHAT, "claims": [1]}],
        "why": why,
        "technical_label": "技术要点",
        "technical": [{"text": text, "claims": [1]} for text in _TECHNICAL],
        "impact": [_opinion(text) for text in _IMPACT],
        "advice_lead": "如果你在评估类似方案：",
        "advice": [_opinion(text) for text in _ADVICE],
    }


def _synthesis(user: str) -> dict[str, Any]:
    claims = [int(n) for n in re.findall(r"\[C(\d+)\]", user)] or [1]
    trends = [
        ("工程化优先", "多条更新把重点放在评测、部署与可运维性上。", claims[:3]),
        ("可验证性", "公开方法与评测设置正在成为发布的默认配置。", claims[-2:]),
        ("成本结构变化", "推理与运维成本的取舍影响了多家团队的选择。", claims[1:4] or claims),
    ]
    return {
        "trends": [
            {"lead": lead, "text": text, "claims": cited, "judgement": True}
            for lead, text, cited in trends
        ],
        "watch": [
            {
                "lead": "复现报告",
                "text": "关注社区对今日条目的独立复现与对比。",
                "claims": [],
                "judgement": True,
                "terms": ["复现"],
            },
            {
                "lead": "长期维护",
                "text": "关注这些项目的版本节奏与兼容性承诺。",
                "claims": [],
                "judgement": True,
                "terms": ["维护"],
            },
        ],
    }


def responder(request: ScriptedRequest) -> Reply:
    """A plausible answer to any request, with tokens counted by deepdaily's estimator."""
    first_user = next((m["content"] for m in request.messages if m["role"] == "user"), "")
    schema = (request.body.get("response_format") or {}).get("json_schema", {}).get("name", "")
    content: str | dict[str, Any]
    if schema == "EventAnalysis":
        revise = len(request.messages) > 2
        first_url = re.search(r"^URL: (\S+)", first_user, re.M)
        seed = int(content_id(first_url.group(1) if first_url else first_user)[:6], 16)
        content = _analysis(first_user, revise, seed)
    elif schema == "SynthesisAnswer":
        content = _synthesis(first_user)
    elif schema == "RelevanceJudgements":
        count = len(re.findall(r"<<<CANDIDATE \d+ ", first_user))
        content = {
            "judgements": [
                {"event": n, "relevance": 0.5, "reason": "scripted"} for n in range(1, count + 1)
            ]
        }
    else:
        content = (
            "是什么："
            + "该文章介绍了一项与 AI 相关的更新。" * 3
            + "为什么重要："
            + "它可能影响工程团队的选型与成本。" * 3
            + "影响："
            + "值得持续关注后续进展。" * 2
        )
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    prompt = "\n".join(str(m.get("content", "")) for m in request.messages)
    return answer(
        content, input_tokens=estimate_tokens(prompt), output_tokens=estimate_tokens(text)
    )


# -- the measurements ---------------------------------------------------------------------------


@dataclass
class Measure:
    name: str
    requests: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    note: str = ""

    @property
    def tokens(self) -> int:
        return self.tokens_in + self.tokens_out


class Counter:
    """The server's request and token counters, read as differences."""

    def __init__(self, server: ScriptedLLMServer) -> None:
        self.server = server
        self.mark = (0, 0, 0)

    def start(self) -> None:
        s = self.server
        self.mark = (s.request_count, s.tokens_in, s.tokens_out)

    def stop(self, name: str, note: str = "") -> Measure:
        s = self.server
        return Measure(
            name,
            s.request_count - self.mark[0],
            s.tokens_in - self.mark[1],
            s.tokens_out - self.mark[2],
            note,
        )


def _chain(server: ScriptedLLMServer, log: CallLog) -> FallbackProvider:
    spec = LLMSpec(name="bench", model="scripted", base_url=server.openai_url, max_retries=0)
    members: list[Provider] = [OpenAICompatProvider(spec, None)]
    return FallbackProvider(members, log=log)


async def run_deepdaily(
    server: ScriptedLLMServer, store: Store, settings: Settings
) -> dict[str, Any]:
    log = CallLog()
    provider = CachingProvider(_chain(server, log), ResponseCache(store), log=log)
    analyser = LLMAnalyser(
        provider, settings=settings.analysis, fallback=OfflineAnalyser(), log=log
    )
    try:
        result = await run_digest(settings, store, DAY, fetch=False, analyser=analyser)
    finally:
        await provider.aclose()
    manifest = result.manifest
    return {
        "events": manifest.events,
        "selected": len(manifest.selected),
        "engines": [i.engine for i in result.digest.items],
        "verification": analyser.report_summary(),
        "cache_hits": log.summary()["cache_hits"],
    }


async def run_baseline(server: ScriptedLLMServer, docs: list[Document], concurrency: int) -> int:
    log = CallLog()
    provider = _chain(server, log)
    gate = asyncio.Semaphore(concurrency)

    async def one(doc: Document) -> None:
        request = ChatRequest(
            messages=[
                ChatMessage(role="system", content=BASELINE_SYSTEM),
                ChatMessage(role="user", content=f"{doc.title}\n\n{doc.text or doc.summary}"),
            ],
            max_tokens=600,
            purpose=f"baseline:{doc.id}",
        )
        async with gate:
            await provider.complete(request)

    await asyncio.gather(*(one(doc) for doc in docs))
    await provider.aclose()
    return len(docs)


def measure(entries: int | None, items: int, synthetic: bool) -> dict[str, Any]:
    raw = (
        synthetic_entries(entries or 600) if synthetic or not SHARED.is_dir() else shared_entries()
    )
    if entries:
        raw = raw[:entries]
    docs = documents(raw)
    with tempfile.TemporaryDirectory() as tmp, ScriptedLLMServer(responder=responder) as server:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        store.add_documents(docs)
        settings = Settings(output_dir=Path(tmp) / "site", profile=Profile(items=items))
        counter = Counter(server)
        counter.start()
        first = asyncio.run(run_deepdaily(server, store, settings))
        flow = counter.stop("deepdaily", f"{first['selected']} of {first['events']} events")
        texts = [d for d in docs if d.text]
        counter.start()
        asyncio.run(run_baseline(server, texts, concurrency=16))
        with_text = counter.stop("  of which", f"{len(texts)} entries with text")
        asyncio.run(run_baseline(server, [d for d in docs if not d.text], concurrency=16))
        baseline = counter.stop("baseline", f"{len(docs)} entries, one call each")
        counter.start()
        second = asyncio.run(run_deepdaily(server, store, settings))
        rerun = counter.stop("re-run", f"{second['cache_hits']} cache hits")
        store.close()
    ratio = flow.tokens / baseline.tokens if baseline.tokens else 0.0
    ratio_text = flow.tokens / with_text.tokens if with_text.tokens else 0.0
    return {
        "corpus": "synthetic" if synthetic or not SHARED.is_dir() else str(SHARED),
        "entries": len(docs),
        "with_text": sum(1 for d in docs if d.text),
        "measures": [asdict(m) | {"tokens": m.tokens} for m in (flow, baseline, with_text, rerun)],
        "ratio": round(ratio, 4),
        "ratio_with_text_only": round(ratio_text, 4),
        "targets": {"ratio_at_most_10pct": ratio <= 0.10, "rerun_zero": rerun.tokens == 0},
        "first_run": first,
        "second_run_engines": second["engines"],
    }


def report(result: dict[str, Any]) -> str:
    header = f"{'run':<10} {'requests':>9} {'tokens in':>11} {'tokens out':>11} {'total':>10}"
    lines = [
        f"token benchmark: {result['entries']} entries ({result['with_text']} with text), "
        f"corpus {result['corpus']}",
        "",
        header + "  note",
    ]
    for m in result["measures"]:
        lines.append(
            f"{m['name']:<10} {m['requests']:>9} {m['tokens_in']:>11,} "
            f"{m['tokens_out']:>11,} {m['tokens']:>10,}  {m['note']}"
        )
    verification = result["first_run"]["verification"]
    targets = result["targets"]
    lines += [
        "",
        f"deepdaily / baseline = {result['ratio']:.1%}  (target <= 10%: "
        f"{'met' if targets['ratio_at_most_10pct'] else 'MISSED'})",
        f"deepdaily / baseline over the entries with text only = "
        f"{result['ratio_with_text_only']:.1%}",
        f"re-run tokens = {result['measures'][3]['tokens']}  (target 0: "
        f"{'met' if targets['rerun_zero'] else 'MISSED'})",
        f"items: {result['first_run']['engines']}; revision rounds "
        f"{verification['revision_rounds']}, claims passed {verification['claims_passed']} "
        f"of {verification['claims_checked']}, sentences passed "
        f"{verification['sentences_passed']} of {verification['sentences_checked']}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--entries",
        type=int,
        default=None,
        help="use only the first N entries (default: the whole corpus)",
    )
    parser.add_argument("--items", type=int, default=8, help="profile.items (default 8)")
    parser.add_argument(
        "--synthetic",
        action="store_true",
        help="use the synthetic day even when the shared corpus is present",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = measure(args.entries, args.items, args.synthetic)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
