"""What every rendered digest must satisfy, as reusable checks for the tests that produce one.

- :func:`internal_keys`: no internal key of the code base reaches a reader: the tags a source
  sets for bookkeeping (``outlet:arXiv``, ``lang:en``), the keys clustering and the LLM cache
  build (``n:``, ``v:``, ``l:``, ``e:``, ``t:``, ``id:``, ``url:``, ``text:``, ``analyse:``,
  ``revise:``, ``judge:``);
- :func:`repeated_item_lines`: no line says the same thing in two places of an item section
  (a label alone on its line, ``- **技术要点**：``, is layout, not content);
- :func:`leaning_leads`: every lead (是什么 / What it is) opens with a sentence that stands
  alone;
- :func:`check_offline_digest`: the above for a digest file and its JSON, plus the offline
  banner said once and no per-item placeholder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from deepdaily.text.sentences import stands_alone

INTERNAL_KEY_RE = re.compile(
    r"(?<![\w/.-])(?:outlet|lang|analyse|revise|judge|url|text|id|n|v|l|e|t):(?=[^\s/])"
)
_LABEL_ONLY_RE = re.compile(r"^- \*\*[^*]+\*\*(?:：|: ?)$")
_LEAD_RE = re.compile(r"^- \*\*(?:是什么|What it is)\*\*(?:：|: )(.+)$")
PLACEHOLDERS = ("离线引擎不做判断", "The offline engine makes no judgement")
BANNERS = ("本期由离线引擎生成", "Written by the offline engine")


def strings(value: Any) -> list[str]:
    """Every string inside a JSON value, keys and values alike."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def internal_keys(text: str) -> list[str]:
    return [m.group() for m in INTERNAL_KEY_RE.finditer(text)]


def item_section(markdown: str) -> str:
    """The items of a post: from the first ``## 1)`` to the ``---`` before the trends."""
    start = markdown.find("\n## 1)")
    end = markdown.rfind("\n---\n")
    return markdown[start:end] if 0 <= start < end else ""


def repeated_item_lines(markdown: str) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for raw in item_section(markdown).splitlines():
        line = raw.strip()
        if not line or _LABEL_ONLY_RE.match(line):
            continue
        if line in seen:
            repeated.append(line)
        seen.add(line)
    return repeated


def leaning_leads(markdown: str) -> list[str]:
    leads = (m.group(1) for line in markdown.splitlines() if (m := _LEAD_RE.match(line)))
    return [lead for lead in leads if not stands_alone(lead)]


def check_offline_digest(post: Path) -> None:
    """Assert the properties above for an offline digest and its JSON beside it."""
    markdown = post.read_text(encoding="utf-8")
    data = json.loads(post.with_suffix(".json").read_text(encoding="utf-8"))
    assert internal_keys(markdown) == [], f"{post.name}: internal keys in the post"
    assert [k for s in strings(data) for k in internal_keys(s)] == [], f"{post.name}.json"
    assert repeated_item_lines(markdown) == [], f"{post.name}: lines repeated across items"
    assert leaning_leads(markdown) == [], f"{post.name}: leads that do not stand alone"
    assert not any(p in markdown for p in PLACEHOLDERS), f"{post.name}: a placeholder"
    assert sum(markdown.count(b) for b in BANNERS) == 1, f"{post.name}: banner not said once"
