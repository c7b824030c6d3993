"""Benchmark: cluster 100k short documents built from the shared corpus, beside a baseline.

Documents are built from the words of real headlines, arXiv abstracts and synopses
(``../shared/corpus``) drawn at random, so vocabulary, names and figures follow the real
frequencies while distinct documents share no phrases (only chance words); plus 10 %
lightly edited copies (near duplicates) and 5 % verbatim re-posts under another URL (exact
duplicates). Each document is a ~12-word title and a ~60-word body. The baseline
is the cost of tokenising alone (``doc_features``), i.e. the floor any clusterer pays.

    python benchmarks/bench_cluster.py [N]
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from deepdaily.cluster import cluster_documents
from deepdaily.cluster.features import doc_features
from deepdaily.models import Document, content_id

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _sentences() -> list[str]:
    out: list[str] = []
    for name, field in (("rss_headlines_0208_0215.jsonl", "title"),
                        ("arxiv_pool_0210_0213.jsonl", "text"),
                        ("day-2026-02-12.jsonl", "synopsis")):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get(field) or ""
            out.extend(s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 30)
    return out


def _edit(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(max(1, len(words) // 15)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(("reportedly", "new", "the", "its", words[i].upper()))
    return " ".join(words)


def _remix(vocabulary: list[str], words: int, rng: random.Random) -> str:
    return " ".join(rng.choices(vocabulary, k=words))


def make_documents(n: int, seed: int = 7) -> list[Document]:
    rng = random.Random(seed)
    vocabulary = [w for s in _sentences() for w in s.split()]
    base = datetime(2026, 2, 11, tzinfo=UTC)
    docs: list[Document] = []
    for i in range(n):
        roll = rng.random()
        if docs and roll < 0.10:
            src = rng.choice(docs)
            title, text = src.title, _edit(src.text, rng)
        elif docs and roll < 0.15:
            src = rng.choice(docs)
            title, text = src.title, src.text
        else:
            title, text = _remix(vocabulary, 12, rng), _remix(vocabulary, 60, rng)
        url = f"https://site{rng.randrange(500)}.example/{i}"
        docs.append(Document(
            id=content_id(url, text), source=f"site{rng.randrange(500)}", url=url,
            canonical_url=url, title=title, text=text,
            published=base + timedelta(minutes=rng.randrange(24 * 60)),
            fetched_at=base + timedelta(days=1),
        ))
    return docs


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    docs = make_documents(n)
    wall, cpu = time.perf_counter(), time.process_time()
    for doc in docs:
        doc_features(doc)
    base_wall, base_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    events = cluster_documents(docs)
    run_wall, run_cpu = time.perf_counter() - wall, time.process_time() - cpu
    multi = sum(1 for e in events if len(e.documents) > 1)
    print(f"{n} documents -> {len(events)} events ({multi} with 2+ documents)")
    print(f"  baseline (features only): {base_wall:6.1f} s wall {base_cpu:6.1f} s cpu")
    print(f"  cluster_documents:        {run_wall:6.1f} s wall {run_cpu:6.1f} s cpu")


if __name__ == "__main__":
    main()
