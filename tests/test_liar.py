"""End to end: a lying model and an honest one, through the real pipeline (issue 8).

Each run is :func:`~deepdaily.pipeline.run_digest` with the LLM chain pointed at a
:class:`~deepdaily.testing.llm_server.ScriptedLLMServer` on 127.0.0.1 (the official OpenAI SDK
path), on (a) the shared real day ``eval/data/corpus/day-2026-02-12.jsonl`` read as a ``jsonl``
source and (b) a synthetic day written by :func:`liar_support.write_synthetic_day`.

- The liar (:class:`liar_support.Liar`) plants, in schema-valid answers, each lie the issue
  lists: a direction flipped against a verbatim passage, an organisation the sources never
  name, units and kinds swapped, number words, a passage with one number or word changed,
  ``claims: []``, and compliance with an injection. None may reach the written ``.md`` or
  ``.json``; the tally per kind is printed at the end of the module.
- The honest model (:func:`liar_support.honest`) copies the sources; it must lose no sentence
  and have none marked 未核实, in Chinese and in English. The false-positive rate (sentences
  lost over sentences written) is printed too.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from deepdaily.config import Settings, load_settings
from deepdaily.pipeline import RunResult, run_digest
from deepdaily.store import Store
from deepdaily.testing.llm_server import ScriptedLLMServer
from liar_support import SYNTHETIC_DAY, Liar, Tally, caught, honest, write_synthetic_day

REAL_DAY = Path(__file__).resolve().parents[1] / "eval/data/corpus/day-2026-02-12.jsonl"
TALLY = Tally()
HONEST: dict[str, tuple[int, int]] = {}  # run -> (sentences written, sentences lost)

PROFILES = {
    "zh": {},
    "en": {"name": "en", "language": "en", "title": "Deep dive | {date}"},
}


@pytest.fixture(scope="module", autouse=True)
def tally_report(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print the liar's tally per kind and the honest model's false-positive rates."""
    yield
    lines = ["", "planted lies (all runs):", *TALLY.lines()]
    for run, (written, lost) in sorted(HONEST.items()):
        rate = lost / written if written else 0.0
        lines.append(f"honest {run}: {lost} of {written} sentences lost ({rate:.1%})")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print("\n".join(lines))
        return
    with capture.global_and_fixture_disabled():
        for line in lines:
            reporter.write_line(line)


def _settings(tmp_path: Path, source: Path, server: ScriptedLLMServer, lang: str) -> Settings:
    return load_settings(
        None,
        environ={},
        overrides={
            "output_dir": str(tmp_path / "out"),
            "store": {"url": f"sqlite:///{tmp_path / 'dd.db'}"},
            "profile": PROFILES[lang],
            "sources": [{"name": "corpus", "url": str(source), "type": "jsonl"}],
            "llm": [
                {
                    "name": "scripted",
                    "base_url": server.openai_url,
                    "model": "scripted-1",
                    "timeout": 10.0,
                    "max_retries": 0,
                }
            ],
        },
    )


def _run(
    tmp_path: Path, source: Path, day: date, responder: Callable[[Any], Any], lang: str
) -> RunResult:
    with ScriptedLLMServer(responder=responder) as server:
        settings = _settings(tmp_path, source, server, lang)
        with Store(settings.store.resolved_url()) as store:
            return asyncio.run(run_digest(settings, store, day, fetch=True, workers=0))


def _source_texts(path: Path) -> list[str]:
    texts = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            texts += [record.get("title", ""), record.get("synopsis") or record.get("text", "")]
    return texts


def _days(tmp_path: Path) -> dict[str, tuple[Path, date, dict[str, str]]]:
    synthetic = tmp_path / "synthetic.jsonl"
    redacted = write_synthetic_day(synthetic)
    return {
        "real": (REAL_DAY, date(2026, 2, 12), {}),
        "synthetic": (synthetic, SYNTHETIC_DAY, redacted),
    }


# one selected event of each day gets an answer with claims: [] (a URL fragment of it)
NO_CLAIMS = ("arxiv.org/abs/2602.07186", "story-1")


@pytest.mark.parametrize(
    ("day", "lang"), [("real", "zh"), ("synthetic", "zh"), ("synthetic", "en")]
)
def test_no_planted_lie_reaches_the_digest(tmp_path: Path, day: str, lang: str) -> None:
    """Regression (issue 8): flipped directions, invented organisations, swapped units, number
    words, altered passages, ``claims: []`` and obeyed injections were all published."""
    source, when, redacted = _days(tmp_path)[day]
    liar = Liar(no_claims=NO_CLAIMS, redacted=redacted)
    result = _run(tmp_path, source, when, liar, lang)

    tally = caught(liar.lies, result.path, _source_texts(source))
    TALLY.add(tally)
    assert result.digest.items
    kinds = {lie.kind for lie in liar.lies}
    assert {"direction flipped", "number word", "passage altered", "claims: []"} <= kinds
    assert tally.escaped == [], "\n".join(tally.escaped)
    # the lies were removed surgically: the honest part of most answers is still published
    llm_items = [item for item in result.digest.items if item.engine == "llm"]
    assert len(llm_items) >= len(result.digest.items) - 1
    verification = result.manifest.llm["verification"]
    assert verification["sentences_dropped"] >= len(liar.lies) - 3  # the synthesis' lies
    assert verification["offline_items"] == 1  # the answer with claims: []
    offline = next(i for i in result.digest.items if i.engine == "offline")
    assert "离线引擎" in offline.note or "offline engine" in offline.note


@pytest.mark.parametrize(
    ("day", "lang"), [("real", "zh"), ("real", "en"), ("synthetic", "zh"), ("synthetic", "en")]
)
def test_an_honest_model_loses_nothing(tmp_path: Path, day: str, lang: str) -> None:
    """Regression (issue 8): an honest answer lost sentences ("NeurIPS" against "NeurIPS 2025",
    "Z.ai" stripped as a URL), and the loss was not counted."""
    source, when, _ = _days(tmp_path)[day]
    result = _run(tmp_path, source, when, honest, lang)
    verification = result.manifest.llm["verification"]
    events = verification["events"]
    written = sum(report["sentences_checked"] for report in events.values())
    lost = sum(report["sentences_dropped"] for report in events.values())
    synthesis = verification.get("synthesis") or {}
    written += synthesis.get("sentences_checked", 0)
    lost += synthesis.get("sentences_dropped", 0)
    HONEST[f"{day} {lang}"] = (written, lost)

    assert result.digest.items and written > 0
    assert all(item.engine == "llm" for item in result.digest.items)
    problems = {
        event: [r for r in report["reasons"] if r.startswith("dropped")]
        for event, report in events.items()
        if report["sentences_dropped"] or report["claims_dropped"]
    }
    assert lost == 0, json.dumps(problems, ensure_ascii=False, indent=1)
    assert verification["sentences_marked"] == 0 and verification["claims_dropped"] == 0
    assert verification["revision_rounds"] == 0
    assert "未核实" not in result.markdown and "unverified" not in result.markdown
