"""The claim-passage benchmark: locating passages in 50 KB sources and comparing their facts.

The verifier checks about ten claims per item against an event's texts, each up to 50 KB. This
benchmark builds such an event from the real day ``eval/data/corpus/day-2026-02-12.jsonl``
(five texts of 50 KB, the synopses in a fixed shuffled order) and times, side by side:

a. **baseline**: ``str.find`` of each passage as written in every text (no folding at all);
b. :func:`deepdaily.text.agree.locate_passage` on texts it has never seen (each is folded once);
c. the same again (folded texts are cached, as for the second claim of an item);
d. locate_passage of passages with one word changed, on unseen texts (found nowhere, so every
   text is folded and searched: the worst case);
e. :func:`deepdaily.text.agree.disagreements` for each claim against its passage (the first
   call pays for loading jieba's and wordfreq's dictionaries, reported apart).

Run ``python -m benchmarks.agree`` from the repository root (``--runs N``).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from deepdaily.text.agree import disagreements, locate_passage
from deepdaily.text.normal import folded
from deepdaily.text.sentences import split_sentences

CORPUS = Path(__file__).resolve().parents[1] / "eval" / "data" / "corpus" / "day-2026-02-12.jsonl"


def _event(seed: int) -> tuple[dict[str, str], list[str]]:
    synopses = [json.loads(line)["synopsis"] for line in CORPUS.read_text("utf-8").splitlines()]
    rng = random.Random(seed)
    texts = {}
    for index in range(5):
        order = synopses[:]
        rng.shuffle(order)
        texts[f"https://source-{seed}-{index}.example/"] = " ".join(order * 3)[:50_000]
    claims = [split_sentences(s)[0] for s in synopses[:10]]
    return texts, claims


def _time(step: Callable[[], object]) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def _one_run(texts: dict[str, str], claims: list[str]) -> dict[str, float]:
    changed = [c.replace(" the ", " a ", 1) if " the " in c else c + " too" for c in claims]
    folded.cache_clear()
    out = {"a": _time(lambda: [t.find(c) for c in claims for t in texts.values()])}
    out["b"] = _time(lambda: [locate_passage(c, texts) for c in claims])
    out["c"] = _time(lambda: [locate_passage(c, texts) for c in claims])
    folded.cache_clear()
    out["d"] = _time(lambda: [locate_passage(c, texts) for c in changed])
    out["e"] = _time(lambda: [disagreements(c, c) for c in claims])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    first_call = _time(lambda: disagreements("收入翻了一番，成本下降了一半", "Revenue doubled."))
    timings: dict[str, list[float]] = {key: [] for key in "abcde"}
    found = 0
    for run in range(runs):
        texts, claims = _event(run)
        for key, seconds in _one_run(texts, claims).items():
            timings[key].append(seconds)
        found += sum(locate_passage(c, texts) is not None for c in claims)
    names = {
        "a": "baseline str.find, 10 claims x 5 texts",
        "b": "locate_passage, cold (texts folded)",
        "c": "locate_passage, warm (folded cached)",
        "d": "locate_passage, one word changed, cold",
        "e": "disagreements, 10 claims",
    }
    base = statistics.median(timings["a"])
    for key, name in names.items():
        median = statistics.median(timings[key])
        print(f"{key}. {name:42} {median * 1000:8.1f} ms  ({median / base:6.1f}x baseline)")
    print(f"first disagreements call (loads jieba and wordfreq): {first_call * 1000:.0f} ms")
    print(f"passages found: {found} of {runs * 10} (5 texts of 50 KB per run)")


if __name__ == "__main__":
    main()
