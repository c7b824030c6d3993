"""The pipeline with an LLM chain: real SDK clients, scripted servers on 127.0.0.1.

The responder plays a well-behaved model: it quotes the first source's sentences, so its claims
verify. The chain's first provider is retired (410), so every answer comes from the fallback.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from deepdaily.config import Settings, load_settings
from deepdaily.pipeline import RunResult, run_digest
from deepdaily.store import Store
from deepdaily.testing import FixtureServer
from deepdaily.testing.llm_server import ScriptedLLMServer, ScriptedRequest, fault
from site_support import DAY

SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]")


def first_source(prompt: str) -> tuple[str, str, list[str]]:
    """(url, title, sentences) of SOURCE 1 in an analysis prompt."""
    block = prompt.split("<<<SOURCE 1", 1)[1].split("<<<END SOURCE 1", 1)[0]
    url = re.search(r"^URL: (\S+)$", block, re.M).group(1)  # type: ignore[union-attr]
    title = re.search(r"^Title: (.+)$", block, re.M).group(1)  # type: ignore[union-attr]
    text = block.split("\nText:\n", 1)[1]
    return url, title, [s.strip() for s in SENTENCE.findall(text) if len(s.strip()) > 30]


def model(request: ScriptedRequest) -> dict[str, Any]:
    schema = request.body.get("response_format", {}).get("json_schema", {}).get("name", "")
    if "Synthesis" in schema or "<<<SOURCE 1" not in request.prompt:
        return {
            "trends": [
                {
                    "lead": "Open models ship with serving numbers",
                    "text": "Item 1 pairs the release with throughput figures.",
                    "claims": [1],
                    "judgement": True,
                }
            ],
            "watch": [
                {
                    "lead": "Independent reproductions",
                    "text": "Whether third parties reproduce the published results.",
                    "claims": [],
                    "judgement": True,
                    "terms": ["reproduction"],
                }
            ],
        }
    url, title, sentences = first_source(request.prompt)
    claims = [
        {"id": n, "text": s, "passage": s, "source_url": url}
        for n, s in enumerate(sentences[:3], start=1)
    ]
    return {
        "title": title,
        "organisation": "Quillstone" if "Quill" in title else "Vaultline",
        "claims": claims,
        "what": [{"text": sentences[0], "claims": [1]}],
        "why": [
            {
                "text": "Teams that run such systems in production need to know about it.",
                "claims": [],
                "judgement": True,
            }
        ],
        "technical_label": "Technical points",
        "technical": [{"text": c["text"], "claims": [c["id"]]} for c in claims[1:]],
        "impact": [
            {
                "text": "Operators will revisit their deployment plans.",
                "claims": [],
                "judgement": True,
            }
        ],
        "advice_lead": "",
        "advice": [
            {
                "text": "Read the primary source before acting on the summary.",
                "claims": [],
                "judgement": True,
            }
        ],
    }


def llm_settings(site: FixtureServer, tmp_path: Path, servers: list[ScriptedLLMServer]) -> Settings:
    return load_settings(
        None,
        environ={},
        overrides={
            "output_dir": str(tmp_path / "out"),
            "store": {"url": f"sqlite:///{tmp_path / 'dd.db'}"},
            "profile": {"name": "en", "language": "en", "title": "Deep dive | {date}"},
            "sources": [
                {"name": "wire", "url": site.url("/wire.xml"), "authority": 0.7},
                {"name": "dispatch", "url": site.url("/dispatch.atom"), "authority": 0.6},
            ],
            "llm": [
                {
                    "name": f"llm{i}",
                    "base_url": srv.openai_url,
                    "model": f"model-{i}",
                    "timeout": 5.0,
                    "max_retries": 0,
                }
                for i, srv in enumerate(servers)
            ],
        },
    )


def run(settings: Settings, *, fetch: bool = True) -> RunResult:
    with Store(settings.store.resolved_url()) as store:
        return asyncio.run(run_digest(settings, store, DAY, fetch=fetch, workers=0))


def test_llm_chain_falls_back_verifies_and_caches(
    site: FixtureServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    with (
        ScriptedLLMServer(default=fault(410, "model retired")) as gone,
        ScriptedLLMServer(responder=model) as good,
    ):
        settings = llm_settings(site, tmp_path, [gone, good])
        result = run(settings)

        digest = result.markdown
        assert result.digest.engine == "llm"
        assert all(item.engine == "llm" for item in result.digest.items)
        assert "**Why it matters**: Teams that run such systems" in digest
        assert "Quill-7 Turbo" in digest
        llm = result.manifest.llm
        assert "llm0" in llm["disabled"] and "retired" in json.dumps(llm["disabled"])
        assert llm["calls"] >= len(result.digest.items) + 1
        verification = llm["verification"]
        assert verification["claims_passed"] >= len(result.digest.items)
        assert verification["sentences_dropped"] == 0 and verification["sentences_marked"] == 0
        tokens = good.tokens_in + good.tokens_out
        assert tokens > 0

        # re-running the day asks nothing: every answer comes from the cache
        requests = good.request_count
        again = run(settings, fetch=False)
        assert good.request_count == requests
        assert again.markdown == digest
        assert again.manifest.llm["cache_hits"] >= len(again.digest.items)


def test_every_provider_failing_still_produces_an_honest_digest(
    site: FixtureServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    with ScriptedLLMServer(default=fault(500, "overloaded")) as broken:
        settings = llm_settings(site, tmp_path, [broken])
        result = run(settings)
    assert result.digest.items
    assert all(item.engine == "offline" and item.note for item in result.digest.items)
    assert "overloaded" not in result.markdown  # errors are not published as content
    assert result.manifest.llm["failures"] >= 1


def test_digest_show_why_counts_what_verification_did_to_each_item(
    site: FixtureServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each item's sentences and claims (checked, passed, revised, marked, dropped, and the
    sentences lost to links) are on ``digest show --why``, within 80 columns."""
    from deepdaily.cli.app import console
    from deepdaily.cli.main import main

    def linking(request: ScriptedRequest) -> dict[str, Any]:
        answer = model(request)
        if "what" in answer:  # an extra sentence with a link that is not a source URL
            answer["what"].append(
                {"text": "Details are at https://elsewhere.example.net/x today.", "claims": [1]}
            )
        return answer

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    console.cache_clear()  # the CLI's console reads the width once per process
    with ScriptedLLMServer(responder=linking) as server:
        (tmp_path / "deepdaily.toml").write_text(
            f'output_dir = "out"\n[store]\nurl = "sqlite:///{tmp_path / "dd.db"}"\n'
            '[profile]\nname = "en"\nlanguage = "en"\ntitle = "Deep dive | {date}"\n'
            "[analysis]\nrevision_rounds = 0\n"
            f'[[sources]]\nname = "wire"\nurl = "{site.url("/wire.xml")}"\n'
            f'[[llm]]\nname = "scripted"\nbase_url = "{server.openai_url}"\n'
            'model = "m"\ntimeout = 5.0\nmax_retries = 0\n',
            encoding="utf-8",
        )
        assert main(["run", "--date", DAY.isoformat()]) == 0
    capsys.readouterr()
    assert main(["digest", "show", "--why", "--date", DAY.isoformat()]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80
    per_item = [line for line in lines if re.match(r"\s+\d\) llm\s+sentences ", line)]
    assert per_item, out
    assert re.search(r"sentences \d+: \d+ passed \(0 revised\), 0 marked, 1 dropped", out)
    assert re.search(r"claims \d+: \d+ passed \(0 revised\), 0 marked, 0 dropped", out)
    assert "dropped: 0 lost in revision, 1 lost to links" in out
    assert re.search(r"^sentences \d+: \d+ passed", out, re.M)  # the run's totals
    assert re.search(r"synthesis sentences \d+: \d+ passed", out)
