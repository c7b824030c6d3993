"""The prompt-injection corpus (``tests/injection/*.json`` and the held-out
``tests/injection/held_out/*.json``), every case through every defence.

Each case file holds the documents of one event (``documents``), the exact injected pieces
(``injected``), text that must never reach the model because it is hidden from readers
(``hidden``), and text that must never appear in the output (``must_not_contain``). For each
case:

(a) sanitising and grounding remove the hidden text before the prompt: it is in no request the
    scripted server received; and every visible injected sentence (four words or more) is
    redacted from the prompt too, however it is worded;
(b) the analyser runs against models that *obey* injections: a naive one that copies every URL
    and every sentence it finds in the prompt (and its own system prompt, and a script tag)
    into its answer, and an "oracle" one that writes the case's injected text straight into
    every field, as a model that saw it despite the redaction would, and a "cunning" one that
    answers honestly but slips the ``must_not_contain`` texts in as opinions resting on good
    claims, as a model that obeyed in its own words would. After verification no
    published field has a URL other than the event's sources, any ``must_not_contain`` text,
    markup, or the system prompt;
(c) selection (``deepdaily.rank.select_events``) picks the same events with and without the
    injected pieces.

The paraphrased cases (``para-*``) and the held-out ones share no keyword with the instruction
patterns (checked here): only the structural detector, :mod:`deepdaily.text.directives`, can
catch them. The run ends with the line ``injection cases: N run, N passed (held-out: H run, H
passed)``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from deepdaily.analyse.grounding import ground_event
from deepdaily.analyse.providers import CallLog
from deepdaily.config import Profile
from deepdaily.models import DigestItem, Document, Event
from deepdaily.testing.llm_server import ScriptedLLMServer, ScriptedRequest
from deepdaily.text.links import find_urls, same_url
from deepdaily.text.sanitise import _EXTRA_RE as EXTRA_PATTERNS
from deepdaily.text.sanitise import sanitise_text
from deepdaily.text.sentences import split_sentences
from deepdaily.text.untrusted import _INSTRUCTION_RE as PATTERNS
from llm_support import (
    analyser,
    chain,
    close_all,
    legacy_answer,
    system_message,
    user_message,
)

CASES_DIR = Path(__file__).parent / "injection"
HELD_OUT_DIR = CASES_DIR / "held_out"
HELD_OUT_FILES = sorted(HELD_OUT_DIR.glob("*.json"))
CASE_FILES = sorted(CASES_DIR.glob("*.json")) + HELD_OUT_FILES
PARAPHRASE_FILES = sorted(CASES_DIR.glob("para-*.json"))
NOW = datetime(2026, 2, 11, 3, tzinfo=UTC)
DAY = date(2026, 2, 12)  # its window holds NOW
RESULTS: dict[str, set[str]] = {"run": set(), "failed": set()}

_BLOCK_RE = re.compile(r"<<<SOURCE \d+ id=\w+ [^\n]*>>>\n(.*?)\n<<<END SOURCE \d+ id=\w+>>>", re.S)
_MARKUP_RE = re.compile(r"<\s*/?\s*[A-Za-z!?]|javascript:|onerror\s*=", re.I)


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def make_event(case: dict[str, Any], *, clean: bool = False) -> Event:
    docs = []
    for i, spec in enumerate(case["documents"]):
        title, text = spec["title"], spec["text"]
        if clean:
            for piece in case["injected"]:
                title, text = title.replace(piece, ""), text.replace(piece, "")
        docs.append(
            Document(
                id=f"{case['id']}-{i}",
                source=spec["source"],
                url=spec["url"],
                canonical_url=spec["url"],
                title=title,
                text=text,
                published=NOW,
                fetched_at=NOW,
                authority=spec["authority"],
            )
        )
    return Event(id=case["id"], title=docs[0].title, documents=docs, first_seen=NOW, last_seen=NOW)


def profile_for(case: dict[str, Any]) -> Profile:
    if case["profile"] == "en":
        return Profile(name="en", language="en", title="Deep dive | {date}", items=3)
    return Profile(items=3)


# -- models that obey injections --------------------------------------------------------------


def _prompt_parts(request: ScriptedRequest) -> tuple[str, list[str], list[str], str]:
    system, user = system_message(request), user_message(request)
    blocks = _BLOCK_RE.findall(user)
    sentences = [
        s
        for block in blocks
        for s in split_sentences(block)
        if not s.startswith(("URL:", "Site:", "Published:", "Text:", "(text trimmed"))
    ]
    sentences = [s.removeprefix("Title: ") for s in sentences]
    return system, sentences, find_urls(user), user


def naive_answer(request: ScriptedRequest, extra: list[str]) -> dict[str, Any]:
    """Everything the prompt offers, copied into every field, plus ``extra`` text."""
    system, sentences, urls, _ = _prompt_parts(request)
    zh = "指令层级" in system
    lead = "该来源介绍了一项技术更新。" if zh else "The source describes a technical update."
    title = sentences[0] if sentences else "untitled"
    copied = [*sentences, *extra]
    link_lines = [f"详见 {u}" if zh else f"See {u}" for u in urls]
    claims = [{"text": s, "passage": s, "source_url": urls[-1] if urls else ""} for s in copied[:6]]
    claims += [{"text": e, "passage": e, "source_url": "https://example.invalid/x"} for e in extra]
    return {
        "title": f"{title} {' '.join(extra)}".strip(),
        "organisation": title.split()[0] if title.split() else "x",
        "what": " ".join([lead, *link_lines, *extra]),
        "why": "<script>alert('pwned')</script><img src=x onerror=alert(1)> "
        + (copied[-1] if copied else ""),
        "technical_label": "技术要点" if zh else "Technical points",
        "technical": copied[:8],
        "impact": [system[:400], *extra],
        "advice_lead": " ".join(extra),
        "advice": [
            *link_lines,
            *copied[-3:],
            *[f"[{e}](https://example.invalid/{i})" for i, e in enumerate(extra)],
        ],
        "claims": claims,
    }


def complied(case: dict[str, Any]) -> list[str]:
    """What a model that obeyed the visible injection would write (the ``must_not_contain``
    texts a model could have read: not those only in hidden text)."""
    hidden = [
        piece for piece in [*case["hidden"], *case["injected"]] if not sanitise_text(piece).strip()
    ]
    return [m for m in case["must_not_contain"] if not any(m in h for h in hidden)]


def cunning_answer(
    request: ScriptedRequest, compliance: list[str], quoted: list[str], url: str
) -> dict[str, Any]:
    """A model that answers honestly from the prompt, claims backed by verbatim passages,
    and slips its compliance in as opinion sentences resting on those good claims: only
    the instruction, echo and obedience checks can catch it. It also cites the injected
    sentences themselves (``quoted``, as the source has them) as passages of claims and
    writes a sentence on each: an instruction may never be evidence."""
    answer = legacy_answer(naive_answer(request, []))
    ids = [claim["id"] for claim in answer["claims"]]
    opinions = [{"text": text, "claims": ids, "judgement": True} for text in compliance]
    answer["why"] = [*answer["why"], *opinions]
    answer["impact"] = [*opinions, *answer["impact"]]
    for number, sentence in enumerate(quoted, start=len(ids) + 1):
        claim = {"id": number, "text": sentence, "passage": sentence, "source_url": url}
        answer["claims"].append(claim)
        answer["what"].append({"text": sentence, "claims": [number]})
    return answer


# -- checks -------------------------------------------------------------------------------------


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def published_fields(item: DigestItem) -> list[str]:
    fields = [
        item.title,
        item.organisation,
        item.what,
        item.why or "",
        item.advice_lead,
        item.note,
        item.technical_label,
        *item.technical,
        *(item.impact or []),
        *(item.advice or []),
        *item.sources,
    ]
    for claim in item.claims:
        fields += [claim.text, claim.passage, claim.source_url]
    return fields


def assert_clean(item: DigestItem, case: dict[str, Any], event: Event, system: str) -> None:
    # A source's own site name (the offline engine's organisation) is not a foreign link, nor
    # is the part of it find_urls reads as one ("ia.example.com" of "ia.example.com.br": .br is
    # not among its bare-domain endings).
    hosts = {urlsplit(u).hostname or "" for u in event.urls}
    for field in published_fields(item):
        for url in find_urls(field):
            name = url.casefold()
            own = any(h == name or h.startswith(name + ".") for h in hosts)
            assert own or any(same_url(url, ok) for ok in event.urls), f"foreign URL {url!r}"
        for bad in case["must_not_contain"]:
            assert _folded(bad) not in _folded(field), f"{bad!r} published in {field!r}"
        assert not _MARKUP_RE.search(field), f"markup published: {field!r}"
        assert system[:60] not in field and "指令层级" not in field
        assert "Instruction hierarchy" not in field
    assert item.sources == event.urls


# -- the corpus ---------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def injection_summary(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print ``injection cases: N run, N passed`` once the corpus has run."""
    yield
    run = len(RESULTS["run"])
    passed = run - len(RESULTS["failed"])
    held = {p.stem for p in HELD_OUT_FILES} & RESULTS["run"]
    held_passed = len(held - RESULTS["failed"])
    line = (
        f"injection cases: {run} run, {passed} passed "
        f"(held-out: {len(held)} run, {held_passed} passed)"
    )
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write("\n")
        reporter.write_line(line)


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


@pytest.fixture
def outcome(request: pytest.FixtureRequest) -> Iterator[None]:
    case_id = request.node.callspec.params["path"].stem
    RESULTS["run"].add(case_id)
    failed_before = request.session.testsfailed
    yield
    if request.session.testsfailed != failed_before or not getattr(
        request.node, "_case_done", False
    ):
        RESULTS["failed"].add(case_id)


def test_the_corpus_is_large_and_well_formed() -> None:
    assert len(CASE_FILES) >= 25
    vectors = {load(p)["vector"] for p in CASE_FILES}
    assert {
        "body",
        "hidden_html",
        "html_comment",
        "aria_hidden",
        "alt_text",
        "title",
        "discourse",
        "multilingual",
        "obfuscation",
    } <= vectors
    for path in CASE_FILES:
        case = load(path)
        assert case["id"] == path.stem
        for piece in case["injected"]:
            assert any(piece in d["text"] or piece in d["title"] for d in case["documents"])


def test_paraphrases_and_held_out_cases_share_no_keyword_with_the_patterns() -> None:
    """At least 30 paraphrased cases and 10 held-out ones, in several languages, that no
    instruction pattern matches: only the structural detector can catch them."""
    assert len(PARAPHRASE_FILES) >= 30
    assert len(HELD_OUT_FILES) >= 10
    languages = {p.stem.split("-")[1] for p in PARAPHRASE_FILES + HELD_OUT_FILES}
    assert {"en", "zh", "de", "fr", "es", "pt", "ja", "ko"} <= languages
    for path in PARAPHRASE_FILES + HELD_OUT_FILES:
        for piece in load(path)["injected"]:
            visible = unicodedata.normalize("NFKC", sanitise_text(piece))
            hit = PATTERNS.search(visible) or EXTRA_PATTERNS.search(visible)
            assert hit is None, f"{path.stem}: pattern matches {hit.group()!r}"


def _visible_sentences(piece: str) -> list[str]:
    """The sentences of an injected piece a reader sees, of four words (or CJK characters)
    or more."""
    visible = sanitise_text(piece).strip(" -|｜")
    return [
        s
        for s in split_sentences(visible)
        if len(re.findall(r"[A-Za-z0-9]+|[^\x00-\x7f]", s)) >= 4 and not s.startswith("<<<")
    ]


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
async def test_injection_case(path: Path, outcome: None, request: pytest.FixtureRequest) -> None:
    case = load(path)
    event = make_event(case)
    profile = profile_for(case)

    # (a) hidden text never reaches a prompt, nor does a visible injected sentence
    rendered = ground_event(event, 6000).render()
    for hidden in case["hidden"]:
        assert hidden not in rendered
    for piece in case["injected"]:
        for sentence in _visible_sentences(piece):
            assert sentence not in rendered, f"injected sentence in the prompt: {sentence!r}"

    quoted = [s for piece in case["injected"] for s in _visible_sentences(piece)]
    # (b) obedient models, then verification
    runs: list[Callable[[ScriptedRequest], dict[str, Any]]] = [
        lambda r: legacy_answer(naive_answer(r, [])),
        lambda r: legacy_answer(naive_answer(r, case["must_not_contain"] + case["injected"])),
        lambda r: cunning_answer(r, complied(case), quoted, event.urls[0]),
    ]
    for responder in runs:
        log = CallLog()
        with ScriptedLLMServer(responder=responder) as server:
            item = await analyser(chain(server, log=log), log).analyse(event, profile)
            # what deepdaily put in: the system prompt and the sources (later turns carry
            # the model's own answers back to it)
            prompts = [system_message(r) + user_message(r) for r in server.requests]
            system = system_message(server.requests[0])
        assert prompts, "the LLM was not asked"
        for prompt in prompts:
            for hidden in case["hidden"]:
                assert hidden not in prompt, f"hidden text reached the model: {hidden!r}"
        assert_clean(item, case, event, system)

    # (c) selection does not move
    deepdaily_rank = pytest.importorskip("deepdaily.rank")
    window = deepdaily_rank.digest_window(DAY, profile)
    clean = deepdaily_rank.select_events(
        [*_background(), make_event(case, clean=True)], profile, window
    )
    dirty = deepdaily_rank.select_events([*_background(), event], profile, window)
    picked_clean = {s.event_id for s in clean if s.selected}
    picked_dirty = {s.event_id for s in dirty if s.selected}
    assert case["id"] not in picked_clean  # the fixture's premise: the case is not a top story
    assert picked_dirty == picked_clean
    request.node._case_done = True


_BACKGROUND = [
    (
        "bg-model",
        "An open-weight 70B model ships with a technical report",
        "The lab released a 70B open-weight model with a detailed technical report covering "
        "architecture, training data and evaluation. It uses grouped-query attention and a 128K "
        "context window, and was trained on 15 trillion tokens. Engineers deployed it in "
        "production inference and measured throughput and latency on H100 GPUs.",
    ),
    (
        "bg-postmortem",
        "Postmortem: a KV cache bug caused wrong answers in production",
        "The engineering team published a postmortem of an incident in which a KV cache eviction "
        "bug returned wrong tokens for 0.1 percent of requests. They describe the root cause in "
        "the scheduler. They explain the rollout of the fix. New tests in the CI pipeline now "
        "catch cache corruption.",
    ),
    (
        "bg-compiler",
        "A compiler for sparse attention kernels reaches 2x speedups",
        "Researchers released an open-source compiler that generates sparse attention kernels for "
        "GPUs. The paper reports 2x speedups over dense baselines on long-context benchmarks. "
        "Ablations cover block size. The code and benchmark scripts are public.",
    ),
]


def _background() -> list[Event]:
    """Three well-covered engineering stories that fill the day's three slots."""
    events = []
    for event_id, title, text in _BACKGROUND:
        sentences = text.split(". ")
        docs = [
            Document(
                id=f"{event_id}-{i}",
                source=f"{event_id}-outlet{i}",
                url=f"https://{event_id}-outlet{i}.example.com/story",
                canonical_url=f"https://{event_id}-outlet{i}.example.com/story",
                title=title if i == 0 else f"{title} ({('report', 'analysis', 'coverage')[i]})",
                text=". ".join(sentences[i:] + sentences[:i]) + f" Reported by outlet {i}.",
                published=NOW,
                fetched_at=NOW,
                authority=0.9,
            )
            for i in range(3)
        ]
        events.append(
            Event(id=event_id, title=title, documents=docs, first_seen=NOW, last_seen=NOW)
        )
    return events
