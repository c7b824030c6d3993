"""The LLM analyser: grounded prompt, JSON answer, verification in code, revision, fallback.

For one event, :meth:`LLMAnalyser.analyse`:

1. grounds the prompt (:mod:`.grounding`): the event's sources, sanitised, with instruction
   sentences removed, fenced as untrusted data and fitted to ``analysis.max_source_tokens``;
   no source text means no LLM call;
2. asks for JSON matching :class:`~deepdaily.analyse.schema.EventAnalysis`; an answer that is
   not JSON for the schema is sent back with the error, at most :data:`REASKS` times;
3. verifies the answer in code (:func:`~deepdaily.verify.analysis.check_analysis`): foreign
   links and markup are stripped; sentences with facts not in the sources, instructions or a
   wrong language, and claims whose passage is not in a source, are sent back with the reasons
   for up to ``analysis.revision_rounds`` rounds (skipped when the budget is tight);
4. publishes only what passed: failing sentences are dropped; a failing claim is left out
   and every sentence containing its text is removed (its reasons go to the report); a claim
   whose passage only loosely matches goes to the optional judge model, and is published as
   ``unverified`` (the renderer marks its text 未核实) when no judge confirms it. Claims'
   texts are phrases of the item's sentences (the prompt asks for that), which is what lets
   the renderer and this step find them.

Whenever the LLM cannot be used (every provider failed, the budget is spent, no source text,
no valid JSON, nothing verifiable left) the item comes from the ``fallback`` engine with
``engine="offline"`` and a ``note`` saying why, in the profile's language. The fallback reads
the sources as the prompt would have (:func:`~deepdaily.analyse.grounding.sanitise_event`), and
its item goes through :func:`~deepdaily.verify.item.verify_item` too, as a last guard.

:attr:`LLMAnalyser.reports` maps each event id to its
:class:`~deepdaily.verify.report.VerificationReport` (``synthesis`` for the synthesis), and
:meth:`LLMAnalyser.report_summary` sums them for the run manifest. Governed by
``AnalysisSettings`` (``revision_rounds``, ``max_source_tokens``, ``concurrency``) and by the
budget of the provider chain's :class:`~deepdaily.analyse.providers.calllog.CallLog`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from deepdaily.analyse.base import Analyser
from deepdaily.analyse.entities import find_organisation, split_title_prefix
from deepdaily.analyse.grounding import (
    EmptyGrounding,
    estimate_tokens,
    fence_text,
    ground_event,
    sanitise_event,
)
from deepdaily.analyse.llm_synthesis import item_texts, synthesis_user, verify_synthesis
from deepdaily.analyse.prompts import PROMPT_VERSION, TECHNICAL_LABELS, Prompts, prompts_for
from deepdaily.analyse.providers.base import (
    AllProvidersFailed,
    BudgetExhausted,
    ChatMessage,
    ChatRequest,
    ChatResponse,
    Provider,
    ProviderBadOutput,
    ProviderError,
)
from deepdaily.analyse.providers.budget import Budget
from deepdaily.analyse.providers.calllog import CallLog
from deepdaily.analyse.sanitise import clean_title
from deepdaily.analyse.schema import (
    AnswerError,
    EventAnalysis,
    JudgeAnswer,
    SynthesisAnswer,
    parse_answer,
    response_schema,
)
from deepdaily.config.settings import AnalysisSettings, Profile
from deepdaily.models import Claim, DigestItem, Event, Synthesis
from deepdaily.verify.analysis import Checked, Evidence, check_analysis, drop_sentences
from deepdaily.verify.claims import ClaimCheck, match_tokens
from deepdaily.verify.item import evidence_for, verify_item
from deepdaily.verify.links import strip_urls
from deepdaily.verify.report import VerificationReport, totals

__all__ = ["REASKS", "LLMAnalyser", "analyse_many"]

logger = logging.getLogger("deepdaily.analyse")

REASKS = 2
"""How many times an answer that is not JSON for the schema is sent back before giving up."""

MAX_TOKENS = 2000
"""Output tokens allowed per analysis answer."""

_LIMITS = {"technical": 5, "impact": 4, "advice": 5, "claims": 8}
_NOTES = {
    "zh": {
        "unavailable": "所有 LLM 提供方均失败", "budget": "LLM 预算已用尽",
        "no_text": "来源没有可分析的正文，不能只凭标题分析",
        "bad_output": "LLM 输出不是有效的 JSON",
        "unverified": "LLM 输出没有可核实的内容",
        "template": "LLM 不可用（{reason}），本条由离线引擎生成。",
        "synthesis": "LLM 不可用（{reason}），趋势与关注点由离线引擎生成。",
    },
    "en": {
        "unavailable": "every LLM provider failed", "budget": "the LLM budget is spent",
        "no_text": "the sources have no text to analyse, and a title alone is not enough",
        "bad_output": "the LLM did not answer with valid JSON",
        "unverified": "nothing in the LLM's answer could be verified",
        "template": "LLM unavailable ({reason}); this item was written by the offline engine.",
        "synthesis": "LLM unavailable ({reason}); trends and watch list are keyword-based.",
    },
}

Model = TypeVar("Model", bound=BaseModel)
ClaimStatus = Literal["verified", "unverified", "dropped"]


class _Offline(Exception):
    """Use the fallback engine; ``key`` names the reason in :data:`_NOTES`."""

    def __init__(self, key: str, detail: str) -> None:
        super().__init__(detail)
        self.key = key


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
        self.judge = judge
        self.max_tokens = max_tokens
        self.reports: dict[str, VerificationReport] = {}

    # -- the Analyser protocol -----------------------------------------------------------

    async def analyse(self, event: Event, profile: Profile) -> DigestItem:
        report = VerificationReport(event_id=event.id, prompt_version=PROMPT_VERSION)
        self.reports[event.id] = report
        try:
            return await self._analyse(event, profile, report)
        except _Offline as why:
            return await self._offline(event, profile, report, why.key, str(why))
        except EmptyGrounding as exc:
            return await self._offline(event, profile, report, "no_text", str(exc))
        except BudgetExhausted as exc:
            return await self._offline(event, profile, report, "budget", str(exc))
        except ProviderBadOutput as exc:
            return await self._offline(event, profile, report, "bad_output", str(exc))
        except ProviderError as exc:
            return await self._offline(event, profile, report, "unavailable", str(exc))

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
        except (_Offline, ProviderError) as exc:
            key = exc.key if isinstance(exc, _Offline) else (
                "budget" if isinstance(exc, BudgetExhausted) else "bad_output"
                if isinstance(exc, ProviderBadOutput) else "unavailable")
            notes = _NOTES[_lang(profile)]
            report.engine = "offline"
            report.note = notes["synthesis"].format(reason=notes[key])
            report.reason(str(exc))
            return await self.fallback.synthesise(items, events, profile)
        if result.trends and result.watch:
            return result
        offline = await self.fallback.synthesise(items, events, profile)
        report.reason("empty sections filled by the offline synthesis")
        return Synthesis(trends=result.trends or offline.trends,
                         watch=result.watch or offline.watch)

    def report_summary(self) -> dict[str, Any]:
        """Per-item verification counts summed, for the run manifest (JSON-able)."""
        items = [r for key, r in self.reports.items() if key != "synthesis"]
        summary: dict[str, Any] = totals(items)
        summary["prompt_version"] = PROMPT_VERSION
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
        user = prompts.analyse_user.format(
            count=len(grounding.sources), sources=grounding.render(),
            labels="、".join(TECHNICAL_LABELS[lang]) if lang == "zh"
            else ", ".join(TECHNICAL_LABELS[lang]))
        messages = [ChatMessage(role="system", content=prompts.analyse_system),
                    ChatMessage(role="user", content=user)]
        if not self._affordable(messages):
            raise _Offline("budget", "budget does not allow the analysis call")
        answer, response = await self._ask(messages, EventAnalysis, prompts, report,
                                           purpose=f"analyse:{event.id}",
                                           sources_hash=grounding.fence)
        evidence = evidence_for(event, lang, prompt=prompts.analyse_system, grounding=grounding)
        checked = check_analysis(answer, evidence)
        first_verified = _verified_keys(checked)
        for round_no in range(1, self.settings.revision_rounds + 1):
            if not checked.problems:
                break
            revise = [*messages, ChatMessage(role="assistant", content=answer.model_dump_json()),
                      ChatMessage(role="user", content=prompts.problems(
                          [p.line() for p in checked.problems]))]
            if not self._affordable(revise):
                report.reason("budget tight: revision rounds skipped")
                break
            try:
                revised, revised_response = await self._ask(
                    revise, EventAnalysis, prompts, report,
                    purpose=f"revise:{event.id}:{round_no}", sources_hash=grounding.fence)
            except (ProviderError, _Offline) as exc:
                report.reason(f"revision round {round_no} failed: {exc}")
                break
            report.revision_rounds = round_no
            rechecked = check_analysis(revised, evidence)
            if not rechecked.analysis.what or len(rechecked.problems) > len(checked.problems):
                report.reason(f"revision round {round_no} was worse and was discarded")
                break
            answer, response, checked = revised, revised_response, rechecked
        verdicts = await self._judge(event, checked, prompts, report)
        return self._item(event, profile, checked, evidence, response, report,
                          first_verified, verdicts)

    def _item(
        self, event: Event, profile: Profile, checked: Checked, evidence: Evidence,
        response: ChatResponse, report: VerificationReport, first_verified: set[str],
        verdicts: dict[int, bool],
    ) -> DigestItem:
        lang = _lang(profile)
        final = checked.analysis
        judged = self._claims(checked, verdicts, first_verified, report)
        dropped = [c.text for c in judged if c.status == "dropped"]
        claims = [c for c in judged if c.status != "dropped"]

        def keep(values: list[str], limit: int) -> list[str]:
            cleaned = (drop_sentences(v, dropped) for v in values[:limit])
            return [v for v in cleaned if v]

        what = drop_sentences(final.what, dropped)
        if not what:
            raise _Offline("unverified", "no sentence of 'what' passed verification")
        lead = max(event.documents, key=lambda d: d.authority)
        organisation = final.organisation or find_organisation(lead.title, lead.source, lead.url)
        title = final.title or next(
            (t for t in (strip_urls(clean_title(d.title), [])[0] for d in (lead, *event.documents))
             if t), "")
        if not title:
            raise _Offline("unverified", "no title passed verification")
        label = final.technical_label.strip()
        if label not in TECHNICAL_LABELS[lang]:
            label = TECHNICAL_LABELS[lang][1]
        advice = keep(final.advice, _LIMITS["advice"])
        report.sentences_checked = checked.sentences_checked
        report.sentences_dropped = checked.sentences_dropped
        report.urls_stripped = len(checked.urls_stripped)
        report.markup_stripped = checked.markup_stripped
        for problem in checked.problems:
            report.reason(f"dropped {problem.line()}")
        report.model = f"{response.provider}/{response.model}"
        return DigestItem(
            event_id=event.id, organisation=organisation,
            title=split_title_prefix(title, organisation), sources=event.urls,
            what=what, why=drop_sentences(final.why, dropped) or None, technical_label=label,
            technical=keep(final.technical, _LIMITS["technical"]),
            impact=keep(final.impact, _LIMITS["impact"]) or None, advice=advice or None,
            advice_lead=final.advice_lead if advice else "", claims=claims, engine="llm",
            model=report.model,
        )

    @staticmethod
    def _claims(
        checked: Checked, verdicts: dict[int, bool], first_verified: set[str],
        report: VerificationReport,
    ) -> list[Claim]:
        """Each claim with its status; :meth:`_item` removes the sentences of dropped ones and
        leaves them out (their reasons are in the report)."""
        claims: list[Claim] = []
        for index, (claim, check) in enumerate(checked.claims[: _LIMITS["claims"]]):
            status = _status(check, verdicts.get(index))
            reasons = list(check.reasons)
            if index in verdicts:
                reasons.append("judge: supported" if verdicts[index] else "judge: not supported")
            report.claims_checked += 1
            if status == "verified":
                report.claims_passed += 1
                report.claims_revised += _key(claim.text) not in first_verified
            elif status == "unverified":
                report.claims_unverified += 1
            else:
                report.claims_dropped += 1
                report.reason(f"claim dropped: {'; '.join(reasons)}")
            claims.append(Claim(text=claim.text, passage=claim.passage,
                                source_url=claim.source_url, status=status, reasons=reasons))
        return claims

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
        item = verify_item(item.model_copy(update={"engine": "offline"}), event,
                           language=profile.language)
        combined = f"{item.note} {note}".strip() if item.note else note
        return item.model_copy(update={"note": combined})

    # -- the synthesis -------------------------------------------------------------------

    async def _synthesise(
        self, items: Sequence[DigestItem], profile: Profile, report: VerificationReport
    ) -> Synthesis:
        lang = _lang(profile)
        prompts = prompts_for(lang)
        user, fence = synthesis_user(items, prompts)
        messages = [ChatMessage(role="system", content=prompts.synthesis_system),
                    ChatMessage(role="user", content=user)]
        if not self._affordable(messages):
            raise _Offline("budget", "budget does not allow the synthesis call")
        answer, response = await self._ask(messages, SynthesisAnswer, prompts, report,
                                           purpose="synthesise", sources_hash=fence)
        texts = {f"item {n}": text for n, text in enumerate(item_texts(items), start=1)}
        evidence = Evidence.build([], texts, language=lang, prompt=prompts.synthesis_system)
        report.model = f"{response.provider}/{response.model}"
        return verify_synthesis(answer, len(items), evidence, report)

    # -- asking --------------------------------------------------------------------------

    def _affordable(self, messages: Sequence[ChatMessage]) -> bool:
        if self.budget is None:
            return True
        estimate = sum(estimate_tokens(m.content) for m in messages) + self.max_tokens
        return self.budget.allows(estimate)

    async def _ask(
        self, messages: list[ChatMessage], model: type[Model], prompts: Prompts,
        report: VerificationReport, *, purpose: str, sources_hash: str,
        provider: Provider | None = None,
    ) -> tuple[Model, ChatResponse]:
        """Ask until the answer is JSON for ``model``, re-asking with the error (bounded)."""
        conversation = list(messages)
        for attempt in range(REASKS + 1):
            request = ChatRequest(
                messages=conversation, json_schema=response_schema(model),
                schema_name=model.__name__, max_tokens=self.max_tokens, purpose=purpose,
                sources_hash=sources_hash, prompt_version=PROMPT_VERSION)
            try:
                response = await (provider or self.provider).complete(request)
            except ProviderBadOutput as exc:
                bad_text, error = exc.text, str(exc)
            except AllProvidersFailed as exc:
                bad = [e for e in exc.errors if isinstance(e, ProviderBadOutput)]
                if not bad:
                    raise
                bad_text, error = bad[-1].text, str(bad[-1])
            else:
                try:
                    return parse_answer(response.text, model), response
                except AnswerError as exc:
                    bad_text, error = response.text, str(exc)
            if attempt == REASKS:
                break
            report.reasks += 1
            report.reason(f"{purpose}: re-asked: {error[:200]}")
            conversation = list(messages)
            if bad_text.strip():
                conversation.append(ChatMessage(role="assistant", content=bad_text[:4000]))
            conversation.append(ChatMessage(role="user", content=prompts.reask.format(
                error=error[:500])))
            if not self._affordable(conversation):
                raise _Offline("budget", "budget does not allow re-asking")
        raise ProviderBadOutput(f"{purpose}: no valid JSON after {REASKS} re-asks: {error}")

    async def _judge(
        self, event: Event, checked: Checked, prompts: Prompts, report: VerificationReport
    ) -> dict[int, bool]:
        """The judge's verdict on each claim the lexical check found uncertain."""
        uncertain = [(i, claim, check) for i, (claim, check) in enumerate(checked.claims)
                     if check.verdict == "uncertain"]
        if self.judge is None or not uncertain:
            return {}
        blocks = [
            f"<<<CLAIM {i}>>>\nclaim: {fence_text(claim.text)}\npassage: "
            f"{fence_text(claim.passage)}\nsource excerpt: {fence_text(check.excerpt)}\n"
            f"<<<END CLAIM {i}>>>"
            for i, claim, check in uncertain
        ]
        messages = [ChatMessage(role="system", content=prompts.judge_system),
                    ChatMessage(role="user", content=prompts.judge_user.format(
                        claims="\n\n".join(blocks)))]
        if not self._affordable(messages):
            report.reason("budget tight: judge skipped")
            return {}
        report.judge_calls += 1
        try:
            answer, _ = await self._ask(messages, JudgeAnswer, prompts, report,
                                        purpose=f"judge:{event.id}", sources_hash=event.id,
                                        provider=self.judge)
        except (ProviderError, _Offline) as exc:
            report.reason(f"judge failed: {exc}")
            return {}
        asked = {i for i, _, _ in uncertain}
        return {v.claim: v.supported for v in answer.verdicts if v.claim in asked}


def _key(text: str) -> str:
    return " ".join(match_tokens(text))


def _verified_keys(checked: Checked) -> set[str]:
    return {_key(claim.text) for claim, check in checked.claims if check.verdict == "verified"}


def _status(check: ClaimCheck, judged: bool | None) -> ClaimStatus:
    if check.verdict == "verified":
        return "verified"
    if check.verdict == "uncertain":
        if judged is None:
            return "unverified"
        return "verified" if judged else "dropped"
    return "dropped"


async def analyse_many(
    analyser: Analyser, events: Sequence[Event], profile: Profile, concurrency: int
) -> list[DigestItem]:
    """Analyse ``events`` with at most ``concurrency`` at a time; results in input order."""
    semaphore = asyncio.Semaphore(max(1, concurrency))

    async def one(event: Event) -> DigestItem:
        async with semaphore:
            return await analyser.analyse(event, profile)

    return list(await asyncio.gather(*(one(event) for event in events)))
