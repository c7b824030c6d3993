"""The LLM analyser: grounded prompt, JSON answer, verification in code, revision, fallback.

For one event, :meth:`LLMAnalyser.analyse`:

1. grounds the prompt (:mod:`.grounding`): the event's sources, sanitised, with instruction
   sentences removed, fenced as untrusted data and fitted to ``analysis.max_source_tokens``;
   no source text means no LLM call;
2. asks for JSON matching :class:`~deepdaily.verify.answer.EventAnalysis`: claims with ids and
   verbatim passages, and sections whose every sentence cites the claims it rests on (or, in
   why / impact / advice, is marked as an opinion); an answer that is not JSON for the schema
   is sent back with the error (:mod:`.llm_ask`);
3. verifies it in code (:func:`~deepdaily.verify.analysis.check_analysis`): each claim's
   passage must be located verbatim in a source, be no instruction, and agree with the claim;
   each sentence's facts must be in the passages of the claims it cites; links, markup,
   instructions, echoes and a wrong language fail a sentence. What failed is sent back with
   the reasons for up to ``analysis.revision_rounds`` rounds (skipped when the budget is
   tight); a revision that leaves fewer publishable sentences is discarded;
4. optionally asks a second opinion of another provider (:mod:`.llm_judge`,
   ``analysis.entailment`` / ``analysis.judge``), which can only drop or mark claims;
5. publishes only what passed (:mod:`.llm_item`): failing sentences and claims are dropped,
   the stored passages are the sources' own text, and every sentence, claim and link lost in
   any round is counted in the item's :class:`~deepdaily.verify.report.VerificationReport`.

Whenever the LLM cannot be used (every provider failed, the budget is spent, no source text,
no valid JSON, no sentence of what left) the item comes from the ``fallback`` engine with
``engine="offline"`` and a ``note`` saying why, in the profile's language. The fallback reads
the sources as the prompt would have (:func:`~deepdaily.analyse.grounding.sanitise_event`), and
its item goes through :func:`~deepdaily.verify.item.verify_item` too, as a last guard.

:attr:`LLMAnalyser.reports` maps each event id to its report (``synthesis`` for the synthesis,
:mod:`.llm_synthesis`), and :meth:`LLMAnalyser.report_summary` sums them for the run manifest.
Governed by ``AnalysisSettings`` (``revision_rounds``, ``max_source_tokens``, ``concurrency``,
``entailment``, ``judge``) and by the budget of the provider chain's
:class:`~deepdaily.analyse.providers.calllog.CallLog`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from deepdaily.analyse.base import Analyser
from deepdaily.analyse.grounding import (
    EmptyGrounding,
    ground_event,
    sanitise_event,
)
from deepdaily.analyse.llm_ask import REASKS, BudgetTight, JsonAsker
from deepdaily.analyse.llm_item import NothingVerified, build_item
from deepdaily.analyse.llm_judge import second_opinion, second_provider
from deepdaily.analyse.llm_synthesis import synthesis_claims, synthesis_user, verify_synthesis
from deepdaily.analyse.prompts import PROMPT_VERSION, Prompts, prompts_for
from deepdaily.analyse.providers.base import (
    BudgetExhausted,
    ChatMessage,
    ChatResponse,
    DeadlineExceeded,
    Provider,
    ProviderBadOutput,
    ProviderError,
)
from deepdaily.analyse.providers.budget import Budget
from deepdaily.analyse.providers.cache import CachingProvider
from deepdaily.analyse.providers.calllog import CallLog
from deepdaily.config.settings import AnalysisSettings, Profile
from deepdaily.models import DigestItem, Event, Synthesis
from deepdaily.text.untrusted import fence_text
from deepdaily.verify.analysis import Checked, check_analysis
from deepdaily.verify.answer import EventAnalysis, SynthesisAnswer
from deepdaily.verify.item import evidence_for, verify_item
from deepdaily.verify.report import VerificationReport, totals
from deepdaily.verify.sentence import Evidence

__all__ = ["REASKS", "LLMAnalyser", "analyse_many"]

logger = logging.getLogger("deepdaily.analyse")

MAX_TOKENS = 2000
"""Output tokens allowed per analysis answer."""

_NOTES = {
    "zh": {
        "unavailable": "所有提供方均失败",
        "budget": "预算已用尽",
        "deadline": "分析时限已到",
        "no_text": "来源没有可分析的正文，不能只凭标题分析",
        "bad_output": "输出不是有效的 JSON",
        "unverified": "输出没有可核实的内容",
        "error": "分析过程出错",
        "template": "LLM 不可用（{reason}），本条由离线引擎生成。",
        "synthesis": "LLM 不可用（{reason}），趋势与关注点由离线引擎生成。",
    },
    "en": {
        "unavailable": "every provider failed",
        "budget": "the budget is spent",
        "deadline": "the analysis deadline passed",
        "no_text": "the sources have no text to analyse, and a title alone is not enough",
        "bad_output": "the answer was not valid JSON",
        "unverified": "nothing in the answer could be verified",
        "error": "the analysis failed",
        "template": "LLM unavailable ({reason}); this item was written by the offline engine.",
        "synthesis": "LLM unavailable ({reason}); trends and watch list are keyword-based.",
    },
}


class _Offline(Exception):
    """Use the fallback engine; ``key`` names the reason in :data:`_NOTES`."""

    def __init__(self, key: str, detail: str) -> None:
        super().__init__(detail)
        self.key = key


def _reason_key(exc: Exception) -> str:
    """Which note (:data:`_NOTES`) explains falling back after ``exc``."""
    if isinstance(exc, _Offline):
        return exc.key
    if isinstance(exc, EmptyGrounding):
        return "no_text"
    if isinstance(exc, DeadlineExceeded):
        return "deadline"
    if isinstance(exc, BudgetExhausted | BudgetTight):
        return "budget"
    if isinstance(exc, ProviderBadOutput):
        return "bad_output"
    if isinstance(exc, ProviderError):
        return "unavailable"
    return "error"


def _lang(profile: Profile) -> str:
    return "zh" if profile.language.startswith("zh") else "en"


class LLMAnalyser:
    """An :class:`~deepdaily.analyse.base.Analyser` backed by a provider (usually a chain)."""

    engine = "llm"

    def __init__(
        self,
        provider: Provider,
        *,
        settings: AnalysisSettings,
        fallback: Analyser,
        log: CallLog | None = None,
        budget: Budget | None = None,
        judge: Provider | None = None,
        max_tokens: int = MAX_TOKENS,
    ) -> None:
        self.provider = provider
        self.settings = settings
        self.fallback = fallback
        self.log = log
        self.budget = budget if budget is not None else (log.budget if log else None)
        if judge is not None and isinstance(provider, CachingProvider):
            judge = CachingProvider(judge, provider.cache, log=log, read=provider.read)
        self.judge = judge
        self.max_tokens = max_tokens
        self.asker = JsonAsker(provider, self.budget, max_tokens)
        self.reports: dict[str, VerificationReport] = {}

    # -- the Analyser protocol -----------------------------------------------------------

    async def analyse(self, event: Event, profile: Profile) -> DigestItem:
        report = VerificationReport(event_id=event.id, prompt_version=PROMPT_VERSION)
        self.reports[event.id] = report
        try:
            return await self._analyse(event, profile, report)
        except Exception as exc:  # one event's failure never stops the digest
            key = _reason_key(exc)
            if key == "error":
                logger.exception("event %s: LLM analysis failed unexpectedly", event.id)
            return await self._offline(event, profile, report, key, f"{type(exc).__name__}: {exc}")

    async def synthesise(
        self, items: Sequence[DigestItem], events: Sequence[Event], profile: Profile
    ) -> Synthesis:
        report = VerificationReport(event_id="synthesis", prompt_version=PROMPT_VERSION)
        self.reports["synthesis"] = report
        if not items:
            report.engine = "offline"
            return await self.fallback.synthesise(items, events, profile)
        try:
            result = await self._synthesise(items, profile, report)
        except Exception as exc:  # the offline synthesis is always there
            key = _reason_key(exc)
            if key == "error":
                logger.exception("synthesis: LLM call failed unexpectedly")
            notes = _NOTES[_lang(profile)]
            report.engine = "offline"
            report.note = notes["synthesis"].format(reason=notes[key])
            report.reason(str(exc))
            return await self.fallback.synthesise(items, events, profile)
        if result.trends and result.watch:
            return result
        offline = await self.fallback.synthesise(items, events, profile)
        report.reason("empty sections filled by the offline synthesis")
        return Synthesis(
            trends=result.trends or offline.trends, watch=result.watch or offline.watch
        )

    def report_summary(self) -> dict[str, Any]:
        """The verification counts summed over the items, each item's report under ``events``
        and the synthesis's under ``synthesis``, for the run manifest (JSON-able)."""
        items = [r for key, r in self.reports.items() if key != "synthesis"]
        summary: dict[str, Any] = totals(items)
        summary["prompt_version"] = PROMPT_VERSION
        summary["events"] = {
            key: report.model_dump(mode="json", exclude={"event_id", "prompt_version"})
            for key, report in self.reports.items()
            if key != "synthesis"
        }
        synthesis = self.reports.get("synthesis")
        if synthesis is not None:
            summary["synthesis"] = synthesis.model_dump(mode="json")
        return summary

    # -- one event ----------------------------------------------------------------------

    async def _analyse(
        self, event: Event, profile: Profile, report: VerificationReport
    ) -> DigestItem:
        lang = _lang(profile)
        prompts = prompts_for(lang)
        grounding = ground_event(event, self.settings.max_source_tokens)
        report.inputs_redacted = len(grounding.redacted)
        user = prompts.analyse_user.format(count=len(grounding.sources), sources=grounding.render())
        messages = [
            ChatMessage(role="system", content=prompts.analyse_system),
            ChatMessage(role="user", content=user),
        ]
        if not self.asker.affordable(messages):
            raise _Offline("budget", "budget does not allow the analysis call")
        answer, response = await self.asker.ask(
            messages,
            EventAnalysis,
            prompts,
            report,
            purpose=f"analyse:{event.id}",
            sources_hash=grounding.fence,
        )
        evidence = evidence_for(
            event,
            lang,
            prompt=prompts.analyse_system,
            texts=grounding.texts(),
            redacted=grounding.redacted,
        )
        rounds = [check_analysis(answer, evidence)]
        answer, response, checked = await self._revise(
            messages, answer, response, rounds, evidence, prompts, report, event.id, grounding.fence
        )
        marked: set[int] = set()
        if self.settings.entailment or self.judge is not None:
            other = second_provider(self.provider, self.judge, response.provider)
            if other is None:
                report.reason("second opinion skipped: no other provider in the chain")
            else:
                opinion = await second_opinion(
                    self.asker, other, event.id, checked, prompts, report
                )
                marked = opinion.not_supported
        try:
            return build_item(event, profile, rounds, checked, response, report, marked)
        except NothingVerified as exc:
            raise _Offline("unverified", str(exc)) from None

    async def _revise(
        self,
        messages: list[ChatMessage],
        answer: EventAnalysis,
        response: ChatResponse,
        rounds: list[Checked],
        evidence: Evidence,
        prompts: Prompts,
        report: VerificationReport,
        event_id: str,
        fence: str,
    ) -> tuple[EventAnalysis, ChatResponse, Checked]:
        """Send what failed back for up to ``revision_rounds`` rounds; the answer kept, its
        response and its checks. Every round's checks are appended to ``rounds``."""
        checked = rounds[-1]
        for round_no in range(1, self.settings.revision_rounds + 1):
            if not checked.problems:
                break
            lines = [fence_text(p.line()) for p in checked.problems]
            revise = [
                *messages,
                ChatMessage(role="assistant", content=answer.model_dump_json()),
                ChatMessage(role="user", content=prompts.problems(lines)),
            ]
            if not self.asker.affordable(revise):
                report.reason("budget tight: revision rounds skipped")
                break
            try:
                revised, revised_response = await self.asker.ask(
                    revise,
                    EventAnalysis,
                    prompts,
                    report,
                    purpose=f"revise:{event_id}:{round_no}",
                    sources_hash=fence,
                )
            except (ProviderError, BudgetTight) as exc:
                report.reason(f"revision round {round_no} failed: {exc}")
                break
            report.revision_rounds = round_no
            rechecked = check_analysis(revised, evidence)
            rounds.append(rechecked)
            if _worse(rechecked, checked):
                report.reason(f"revision round {round_no} was worse and was discarded")
                break
            answer, response, checked = revised, revised_response, rechecked
        return answer, response, checked

    async def _offline(
        self, event: Event, profile: Profile, report: VerificationReport, key: str, detail: str
    ) -> DigestItem:
        notes = _NOTES[_lang(profile)]
        note = notes["template"].format(reason=notes[key])
        logger.info("event %s: offline engine used: %s", event.id, detail)
        report.engine = "offline"
        report.note = note
        report.reason(detail)
        item = await self.fallback.analyse(sanitise_event(event), profile)
        item = verify_item(
            item.model_copy(update={"engine": "offline"}), event, language=profile.language
        )
        combined = f"{item.note} {note}".strip() if item.note else note
        return item.model_copy(update={"note": combined})

    # -- the synthesis -------------------------------------------------------------------

    async def _synthesise(
        self, items: Sequence[DigestItem], profile: Profile, report: VerificationReport
    ) -> Synthesis:
        lang = _lang(profile)
        prompts = prompts_for(lang)
        user, fence = synthesis_user(items, prompts)
        messages = [
            ChatMessage(role="system", content=prompts.synthesis_system),
            ChatMessage(role="user", content=user),
        ]
        if not self.asker.affordable(messages):
            raise _Offline("budget", "budget does not allow the synthesis call")
        answer, response = await self.asker.ask(
            messages, SynthesisAnswer, prompts, report, purpose="synthesise", sources_hash=fence
        )
        evidence = Evidence.build([], {}, language=lang, prompt=prompts.synthesis_system)
        report.model = f"{response.provider}/{response.model}"
        return verify_synthesis(answer, synthesis_claims(items), evidence, report)


def _worse(revised: Checked, current: Checked) -> bool:
    """Whether a revision lost ``what`` or publishes fewer sentences than the answer before."""
    if current.passing("what") and not revised.passing("what"):
        return True
    return revised.publishable < current.publishable


async def analyse_many(
    analyser: Analyser, events: Sequence[Event], profile: Profile, concurrency: int
) -> list[DigestItem]:
    """Analyse ``events`` with at most ``concurrency`` at a time; results in input order."""
    semaphore = asyncio.Semaphore(max(1, concurrency))

    async def one(event: Event) -> DigestItem:
        async with semaphore:
            return await analyser.analyse(event, profile)

    return list(await asyncio.gather(*(one(event) for event in events)))
