"""Generated coverage over many days, for tests and benchmarks of the event memory.

Each day starts a few stories (an organisation, a model name with its size, a version) and
continues stories of the last ten days in other words and from other outlets, with verbatim
re-posts on mirrors and one-off posts that share nothing specific. Words come from a made-up
vocabulary, one per story, so two retellings of a story share its names and part of its words
and different stories share only the common title words. Same seed and sizes, same documents.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from deepdaily.models import Document, content_id

__all__ = ["START", "coverage"]

#: Midnight UTC of day 0.
START = datetime(2026, 10, 1, tzinfo=UTC)
_TOPICS = ["inference", "compiler", "database", "browser", "kernel", "robotics", "storage"]
_ORGS = ["Quillon", "Marrowfield", "Tessera Labs", "Oakvane", "Brightmoor", "Silvertide"]
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ner",
    "pa",
    "qui",
    "ros",
    "sel",
    "tam",
    "ve",
    "wix",
    "yor",
    "zan",
    "bri",
    "cul",
    "dor",
]


def _words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))) for _ in range(n)]


def _text(rng: random.Random, names: list[str], vocabulary: list[str], n: int = 40) -> str:
    words = rng.sample(vocabulary, k=min(n, len(vocabulary))) + _words(rng, n // 2)
    rng.shuffle(words)
    for name in names:
        words.insert(rng.randrange(len(words) + 1), name)
    return " ".join(words)


def coverage(
    days: int, *, new_stories: int = 4, continued: int = 7, noise: int = 12, seed: int = 11
) -> dict[int, list[Document]]:
    """Documents by day index (day ``k`` is ``START + k days``, published within it)."""
    rng = random.Random(seed)
    stories: list[tuple[int, list[str], str, list[str]]] = []  # first day, names, topic, words
    by_day: dict[int, list[Document]] = {}
    serial = 0

    def doc(outlet: str, title: str, text: str, day: int) -> Document:
        url = f"https://{outlet}.example/post/{serial}"
        at = START + timedelta(days=day, minutes=rng.randrange(24 * 60))
        return Document(
            id=content_id(url, text),
            source=outlet,
            url=url,
            canonical_url=url,
            title=title,
            text=text,
            published=at,
            fetched_at=at,
        )

    for day in range(days):
        docs: list[Document] = []
        for n in range(new_stories):
            org = rng.choice(_ORGS)
            size = f"{org.split()[0]}-{rng.randrange(2, 90)}B"
            names = [org, size, f"v{day}.{n}.{rng.randrange(9)}"]
            stories.append((day, names, rng.choice(_TOPICS), _words(rng, 60)))
        live = [s for s in stories if day - s[0] < 10]
        for _, names, topic, vocabulary in rng.sample(live, k=min(len(live), continued)):
            for _ in range(rng.choice((1, 1, 2))):
                serial += 1
                title = f"{names[0]} {names[1]} {topic} release {names[2]}"
                text = _text(rng, names, vocabulary)
                docs.append(doc(f"outlet{rng.randrange(40)}", title, text, day))
                if rng.random() < 0.15:  # a verbatim re-post on a mirror
                    serial += 1
                    docs.append(doc(f"mirror{rng.randrange(9)}", title, text, day))
        for _ in range(noise):
            serial += 1
            title = f"notes on {rng.choice(_TOPICS)} number {serial}"
            docs.append(doc(f"blog{serial}", title, _text(rng, [], _words(rng, 60)), day))
        by_day[day] = docs
    return by_day
