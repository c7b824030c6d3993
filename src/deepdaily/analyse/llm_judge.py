"""The judge: a second model decides the claims the lexical checks could not.

Only claims whose passage matched a source loosely (a score between
:data:`~deepdaily.verify.claims.JUDGE_FLOOR` and
:data:`~deepdaily.verify.claims.PASSAGE_THRESHOLD`) go to the judge, all of an item's in one
request: each with its text, its passage and the stretch of source it best matched, fenced as
data. ``supported`` makes the claim verified, ``not supported`` drops it; no verdict (judge
failed, budget tight) leaves it unverified. Governed by ``analysis.judge`` (the name of an
``[[llm]]`` entry).
"""

from __future__ import annotations

from deepdaily.analyse.grounding import fence_text
from deepdaily.analyse.llm_ask import BudgetTight, JsonAsker
from deepdaily.analyse.prompts import Prompts
from deepdaily.analyse.providers.base import ChatMessage, Provider, ProviderError
from deepdaily.analyse.schema import JudgeAnswer
from deepdaily.verify.analysis import Checked
from deepdaily.verify.report import VerificationReport

__all__ = ["judge_claims"]


async def judge_claims(
    asker: JsonAsker,
    judge: Provider | None,
    event_id: str,
    checked: Checked,
    prompts: Prompts,
    report: VerificationReport,
) -> dict[int, bool]:
    """The judge's verdict on each claim the lexical check found uncertain."""
    uncertain = [
        (i, claim, check)
        for i, (claim, check) in enumerate(checked.claims)
        if check.verdict == "uncertain"
    ]
    if judge is None or not uncertain:
        return {}
    blocks = [
        f"<<<CLAIM {i}>>>\nclaim: {fence_text(claim.text)}\npassage: "
        f"{fence_text(claim.passage)}\nsource excerpt: {fence_text(check.excerpt)}\n"
        f"<<<END CLAIM {i}>>>"
        for i, claim, check in uncertain
    ]
    messages = [
        ChatMessage(role="system", content=prompts.judge_system),
        ChatMessage(role="user", content=prompts.judge_user.format(claims="\n\n".join(blocks))),
    ]
    if not asker.affordable(messages):
        report.reason("budget tight: judge skipped")
        return {}
    report.judge_calls += 1
    try:
        answer, _ = await asker.ask(
            messages,
            JudgeAnswer,
            prompts,
            report,
            purpose=f"judge:{event_id}",
            sources_hash=event_id,
            provider=judge,
        )
    except (ProviderError, BudgetTight) as exc:
        report.reason(f"judge failed: {exc}")
        return {}
    asked = {i for i, _, _ in uncertain}
    return {v.claim: v.supported for v in answer.verdicts if v.claim in asked}
