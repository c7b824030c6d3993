"""Rendered Markdown and JSON match the golden files; the format holds for any input.

Golden files live in ``tests/golden/``; after an intended change, rewrite them with
``UPDATE_GOLDEN=1 pytest tests/test_render.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import jinja2
import pytest
from pydantic import TypeAdapter

from deepdaily.analyse import OfflineAnalyser
from deepdaily.config import Profile
from deepdaily.errors import ConfigError
from deepdaily.models import Claim, Digest, DigestItem, Event, Synthesis
from deepdaily.render import (
    digest_json_schema,
    post_filename,
    render_json,
    render_markdown,
    write_json_schema,
)
from deepdaily.render.jsonout import SCHEMA_PATH, schema_text
from deepdaily.render.sanitise import md_autolink
from digest_checks import internal_keys, leaning_leads, repeated_item_lines, strings

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
SHANGHAI = timezone(timedelta(hours=8))


def load_digest(name: str) -> Digest:
    return Digest.model_validate_json((GOLDEN / f"{name}.input.json").read_text("utf-8"))


def check_golden(filename: str, actual: str) -> None:
    path = GOLDEN / filename
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert actual == path.read_text("utf-8"), f"{filename} differs; see UPDATE_GOLDEN=1"


def front_matter(markdown: str) -> dict[str, object]:
    match = re.match(r"\+\+\+\n(.*?)\n\+\+\+\n", markdown, re.S)
    assert match, "the post must open with TOML front matter between +++ lines"
    return tomllib.loads(match.group(1))


def small_digest(*items: DigestItem, language: str = "zh", **changes: object) -> Digest:
    data: dict[str, object] = {
        "date": "2026-03-04",
        "profile": language,
        "language": language,
        "title": "日报｜2026-03-04",
        "tagline": "只选关键更新。",
        "tags": ["AI"],
        "categories": ["AI"],
        "published_at": datetime(2026, 3, 4, 8, tzinfo=SHANGHAI),
        "items": list(items),
        "synthesis": Synthesis(),
        "engine": "llm",
        "window_start": datetime(2026, 3, 3, tzinfo=UTC),
        "window_end": datetime(2026, 3, 4, tzinfo=UTC),
        "generated_at": datetime(2026, 3, 4, tzinfo=UTC),
    }
    data.update(changes)
    return Digest.model_validate(data)


def llm_item(**changes: object) -> DigestItem:
    data: dict[str, object] = {
        "event_id": "e",
        "organisation": "Acme",
        "title": "Widget 2",
        "engine": "llm",
        "sources": ["https://acme.example.com/w2"],
        "what": "Acme shipped Widget 2.",
        "why": "It matters.",
        "impact": ["Impact."],
        "advice": ["Advice."],
    }
    data.update(changes)
    return DigestItem.model_validate(data)


# --- golden files --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["digest-zh", "digest-en"])
def test_markdown_golden(name: str) -> None:
    check_golden(f"{name}.md", render_markdown(load_digest(name)))


@pytest.mark.parametrize("name", ["digest-zh", "digest-en"])
def test_json_golden(name: str) -> None:
    check_golden(f"{name}.json", render_json(load_digest(name)))


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_offline_digest_end_to_end_golden(language: str) -> None:
    """Hand-written events through the offline engine and the renderer."""
    events = TypeAdapter(list[Event]).validate_json(
        (GOLDEN / "events-offline.input.json").read_text("utf-8")
    )
    profile = Profile(
        name=language,
        language=language,
        tags=["AI"],
        categories=["AI"],
        tagline="面向工程与研究读者：只选关键更新。",
    )
    analyser = OfflineAnalyser()
    items = [await analyser.analyse(event, profile) for event in events]
    digest = small_digest(
        *items,
        language=language,
        engine="offline",
        tagline=profile.tagline,
        title="AI 技术深度日报｜2026-03-04",
        synthesis=await analyser.synthesise(items, events, profile),
    )
    markdown = render_markdown(digest)
    check_golden(f"offline-{language}.md", markdown)
    assert "example.invalid" not in markdown
    urls = set(re.findall(r"https?://[^\s<>\\]+", markdown))
    assert urls <= {doc.canonical_url for event in events for doc in event.documents}


def test_no_golden_output_holds_an_internal_key_or_a_repeated_line() -> None:
    """Every rendered golden file (Markdown and JSON): no internal key (``outlet:``, ``lang:``,
    clustering and cache keys), and in the offline digests no line said twice across items."""
    outputs = sorted(GOLDEN.glob("*.md")) + sorted(
        p for p in GOLDEN.glob("*.json") if not p.name.endswith(".input.json")
    )
    assert len(outputs) >= 6
    for path in outputs:
        text = path.read_text("utf-8")
        values = strings(json.loads(text)) if path.suffix == ".json" else [text]
        assert [k for v in values for k in internal_keys(v)] == [], path.name
    for name in ("offline-zh.md", "offline-en.md"):
        markdown = (GOLDEN / name).read_text("utf-8")
        assert repeated_item_lines(markdown) == [] and leaning_leads(markdown) == [], name
    assert internal_keys("**outlet:arXiv**：第 2、6 条") == ["outlet:"]  # the check can fail


# --- the format ----------------------------------------------------------------------------


def test_front_matter_is_valid_toml_with_the_reference_keys() -> None:
    markdown = render_markdown(load_digest("digest-zh"))
    meta = front_matter(markdown)
    assert list(meta) == ["title", "date", "tags", "categories", "draft"]
    assert meta["title"] == "AI 技术深度日报｜2026-03-04"
    assert meta["date"] == datetime(2026, 3, 4, 8, tzinfo=SHANGHAI)
    assert "date = 2026-03-04T08:00:00+08:00\n" in markdown
    assert meta["tags"] == ["AI"] and meta["categories"] == ["AI"]
    assert meta["draft"] is False
    assert markdown.split("+++\n", 2)[2].startswith("\n> 面向工程与研究读者")


def test_date_keeps_its_own_offset() -> None:
    markdown = render_markdown(load_digest("digest-en"))
    assert "date = 2026-03-04T08:00:00-05:00\n" in markdown


def test_front_matter_strings_are_escaped() -> None:
    title = 'He said "hi" \\ back\nthen\tleft'
    markdown = render_markdown(small_digest(title=title, tags=['a"b', "c\\d"]))
    meta = front_matter(markdown)
    assert meta["title"] == title
    assert meta["tags"] == ['a"b', "c\\d"]


def test_naive_publication_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        render_markdown(small_digest(published_at=datetime(2026, 3, 4, 8)))


def test_structure_of_the_zh_digest() -> None:
    markdown = render_markdown(load_digest("digest-zh"))
    lines = markdown.splitlines()
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [
        "## 1) Lumen Labs：Tessel 2 推理服务器开源：连续批处理把调度间隔压到 5 毫秒",
        "## 2) 星河智能：Orion-7 推理芯片：4nm 工艺、96 GB 显存，面向数据中心部署",
        "## 3) Northwind 论坛：用户报告 Tessel 2 在长上下文下出现显存泄漏",
        "## 今日趋势总结",
        "## 我接下来会关注什么",
    ]
    # each source an autolink on its own line: a hard line break (backslash) between them
    assert lines[lines.index(headings[1]) + 2 : lines.index(headings[1]) + 7] == [
        "来源：<https://xinghe.example.cn/news/orion-7>\\",
        "来源：<https://chips.example.org/2026/03/orion-7-review>\\",
        "来源：<https://chips.example.org/2026/03/orion-7-review?page=2&lang=zh>\\",
        "来源：<https://xinghe.example.cn/新闻/orion-7-规格>",
        "",
    ]
    assert "- **关键工程手段**：每 5 毫秒做一次批次重组" in markdown  # one point: inline
    assert "- **落地建议**：如果你在自建推理服务：\n  - 先测清楚" in markdown
    assert "- **落地建议**：若你在评估推理硬件：先用自己的模型" in markdown
    assert "\n---\n\n## 今日趋势总结\n\n1. **推理调度成为性能主战场**：从 Tessel 2" in markdown
    assert "1. **Tessel 2.0.3**：显存回收修复" in markdown
    assert markdown.endswith("精度数据。\n")


def test_claims_are_marked_or_dropped() -> None:
    markdown = render_markdown(load_digest("digest-zh"))
    assert "单节点吞吐据称提升 2.1 倍。（未核实）" in markdown
    assert "支持 FP8。（未核实）" in markdown
    assert "三家云服务商" not in markdown  # dropped claim
    assert "- **可能影响**：推理集群的硬件选型会出现更多“显存优先”的方案。\n" in markdown


def test_offline_item_in_an_llm_digest_is_labelled_once_at_the_top() -> None:
    """Regression: every offline item repeated a placeholder line for each judgement section
    it cannot write; the banner now says once what is left out, and the item shows only the
    sections the offline engine fills, in the reference's order."""
    markdown = render_markdown(load_digest("digest-zh"))
    banner = (
        "> 第 3 条由离线引擎生成（未使用 LLM）：只摘录来源原文，"
        "不写“为什么重要”“可能影响”“落地建议”。"
    )
    assert banner in markdown.splitlines()
    assert "*说明：LLM 两次调用超时，本条改由离线引擎生成。*" in markdown
    item3 = markdown.split("## 3)")[1].split("\n---\n")[0]
    labels = re.findall(r"^- \*\*([^*]+)\*\*", item3, re.M)
    assert labels == ["是什么", "技术要点"]
    assert "离线引擎不做判断" not in markdown
    item1 = markdown.split("## 1)")[1].split("## 2)")[0]  # an LLM item keeps every section
    assert re.findall(r"^- \*\*([^*]+)\*\*", item1, re.M) == [
        "是什么",
        "为什么重要",
        "关键工程手段",
        "可能影响",
        "落地建议",
    ]


def test_en_digest_uses_english_labels() -> None:
    markdown = render_markdown(load_digest("digest-en"))
    assert "> Written by the offline engine (no LLM)" in markdown
    assert "## 1) Lumen Labs: Tessel 2 inference server goes open source" in markdown
    assert "Source: <https://lumen.example.com/blog/tessel-2>\\\n" in markdown
    for label in ("What it is", "Technical points"):
        assert f"- **{label}**: " in markdown or f"- **{label}**:\n" in markdown
    for label in ("Why it matters", "Likely impact", "What to do"):  # the banner says why
        assert f"- **{label}**" not in markdown
        assert f"\u201c{label}\u201d" in markdown.split("\n## 1)")[0]
    assert "## Today's trends\n\nNo name or theme is shared" in markdown
    assert "## What I'm watching next\n\n1. **Tessel**: " in markdown


def test_default_technical_label_follows_the_digest_language() -> None:
    item = llm_item(technical=["Uses 4 GB."])  # technical_label keeps the model default
    assert "- **Technical points**: Uses 4 GB." in render_markdown(
        small_digest(item, language="en")
    )


def test_heading_does_not_repeat_the_organisation() -> None:
    markdown = render_markdown(small_digest(llm_item(organisation="Acme", title="Acme ships W2")))
    assert "## 1) Acme ships W2\n" in markdown
    assert "## 1) 星河：Widget 2\n" in render_markdown(small_digest(llm_item(organisation="星河")))


def test_missing_judgement_of_an_llm_item_is_said_not_hidden() -> None:
    markdown = render_markdown(small_digest(llm_item(why=None, impact=[], advice=None)))
    assert "- **为什么重要**：（本节未生成）" in markdown
    assert "- **可能影响**：（本节未生成）" in markdown


def test_dropped_what_is_replaced_by_a_notice() -> None:
    item = llm_item(claims=[Claim(text="Acme shipped Widget 2.", status="dropped")])
    assert "- **是什么**：（摘录未通过核实，已略去）" in render_markdown(small_digest(item))


def test_quiet_day() -> None:
    markdown = render_markdown(small_digest())
    assert "今日没有达到入选标准的更新。\n\n---\n\n## 今日趋势总结\n\n今日入选条目" in markdown
    assert markdown.endswith("## 我接下来会关注什么\n\n今日来源中没有提到待跟进的后续安排。\n")


def test_hostile_text_cannot_break_the_structure() -> None:
    item = llm_item(
        title="Widget #",
        what="line one\n\n## fake heading\n+++\n<script>alert(1)</script> {{< shortcode >}}",
        technical=["# not a heading", "1. not a list", "> not a quote"],
        note="a *bold* move_here",
        sources=["https://acme.example.com/a b"],
    )
    markdown = render_markdown(small_digest(item))
    body = markdown.split("+++\n", 2)[2]
    assert [line for line in body.splitlines() if line.startswith(("#", "+++"))] == [
        "## 1) Acme：Widget \\#",
        "## 今日趋势总结",
        "## 我接下来会关注什么",
    ]
    assert "- **是什么**：line one ## fake heading +++ \\<script>alert(1)\\</script> {\\{< " in body
    assert "  - \\# not a heading\n  - 1\\. not a list\n  - \\> not a quote\n" in body
    assert "*说明：a \\*bold\\* move\\_here*" in body
    assert "来源：<https://acme.example.com/a%20b>\n" in body


@pytest.mark.parametrize(
    ("url", "rendered"),
    [
        ("https://a.example/x?p=1&q=2", "<https://a.example/x?p=1&q=2>"),
        ("https://a.example/a b>c", "<https://a.example/a%20b%3Ec>"),
        ("javascript:alert(1)", "javascript:alert(1)"),  # not http(s): plain text, never a link
        ("file:///etc/passwd", "file:///etc/passwd"),
        ("https://a.example/x\\y", "https://a.example/x\\y"),
    ],
)
def test_sources_are_autolinks_only_when_safe(url: str, rendered: str) -> None:
    assert md_autolink(url) == rendered


def test_output_has_no_trailing_spaces_and_one_final_newline() -> None:
    for name in ("digest-zh", "digest-en"):
        markdown = render_markdown(load_digest(name))
        assert markdown.endswith("\n") and not markdown.endswith("\n\n")
        assert all(line == line.rstrip() for line in markdown.splitlines())
        assert "\n\n\n" not in markdown


# --- templates -----------------------------------------------------------------------------


def test_a_partial_can_be_overridden(tmp_path: Path) -> None:
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "item.md.j2").write_text(
        "### {{ item.number }}. {{ item.heading }} ({{ item.sources | length }} sources)\n",
        encoding="utf-8",
    )
    digest = load_digest("digest-zh")
    markdown = render_markdown(digest, template_dir=tmp_path)
    assert "### 1. Lumen Labs：Tessel 2 推理服务器开源" in markdown
    assert "(2 sources)" in markdown
    assert "## 1)" not in markdown
    assert markdown.startswith("+++\ntitle = ")  # the packaged front matter still applies
    assert render_markdown(digest).startswith("+++\n")  # and the default is unchanged


def test_the_whole_template_can_be_replaced(tmp_path: Path) -> None:
    (tmp_path / "digest.md.j2").write_text(
        "{{ front_matter.title | toml }} {{ digest.items | length }} {{ 'x\n# y' | md }}\n",
        encoding="utf-8",
    )
    assert render_markdown(load_digest("digest-zh"), template_dir=tmp_path) == (
        '"AI 技术深度日报｜2026-03-04" 3 x # y\n'
    )


def test_undefined_names_in_templates_are_errors(tmp_path: Path) -> None:
    (tmp_path / "digest.md.j2").write_text("{{ no_such_name }}\n", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        render_markdown(load_digest("digest-zh"), template_dir=tmp_path)


# --- JSON ----------------------------------------------------------------------------------


def test_json_is_versioned_readable_and_round_trips() -> None:
    digest = load_digest("digest-zh")
    text = render_json(digest)
    assert text.startswith('{\n  "schema_version": 1,\n  "date": "2026-03-04",')
    assert "技术深度日报" in text  # not \u-escaped
    data = json.loads(text)
    assert data.pop("schema_version") == 1
    assert Digest.model_validate(data) == digest
    assert render_json(digest) == text  # stable


def test_json_validates_against_the_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = digest_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for name in ("digest-zh", "digest-en"):
        jsonschema.validate(json.loads(render_json(load_digest(name))), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema_version": 2}, schema)


def test_schema_file_is_in_sync_with_the_model() -> None:
    """render/digest.schema.json is generated; regenerate it with UPDATE_GOLDEN=1."""
    if UPDATE:
        write_json_schema()
    assert SCHEMA_PATH.read_text("utf-8") == schema_text(), (
        "digest.schema.json is stale: run UPDATE_GOLDEN=1 pytest tests/test_render.py "
        "or deepdaily.render.write_json_schema()"
    )


def test_write_json_schema_to_a_path(tmp_path: Path) -> None:
    path = write_json_schema(tmp_path / "schema.json")
    assert json.loads(path.read_text("utf-8")) == digest_json_schema()


# --- file names ----------------------------------------------------------------------------


def test_post_filename() -> None:
    digest = load_digest("digest-zh")
    assert post_filename(digest) == "content/posts/2026-03-04.md"
    assert post_filename(digest, "content/{language}/{year}/{month}/{day}.md") == (
        "content/zh/2026/03/04.md"
    )
    with pytest.raises(ConfigError, match="placeholders"):
        post_filename(digest, "content/{slug}.md")
    with pytest.raises(ConfigError, match="inside the site"):
        post_filename(digest, "../{date}.md")
