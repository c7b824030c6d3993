"""The second opinion: another provider says whether each claim is entailed by its passage.

Optional (``[analysis] entailment = true``, or ``analysis.judge`` naming the ``[[llm]]`` entry
to ask). Once an item's claims have passed the checks in code, one batched request asks a
provider *other than the one that wrote the analysis* (:func:`second_provider`: the judge when
it is another provider, else the next member of the chain, through the response cache) for a
verdict on each: ``entailed``, ``contradicted`` or ``not_supported``. Each claim is sent with the
source's own passage the verifier located, fenced as data.

The code check stays the gate: this can only take away. A contradicted claim is dropped, and so
is every sentence resting only on it (:meth:`~deepdaily.verify.analysis.Checked.drop_claims`);
a claim not supported is published marked 未核实, and so are the sentences citing it. No
verdict (no other provider, a failed call, a tight budget) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from deepdaily.analyse.llm_ask import BudgetTight, JsonAsker
from deepdaily.analyse.prompts import Prompts
from deepdaily.analyse.providers.base import (
    ChatMessage,
    ChatRequest,
    ChatResponse,
    Provider,
    ProviderError,
)
from deepdaily.analyse.providers.usable import AnswerCheck
from deepdaily.models import content_id
from deepdaily.text.untrusted import fence_text
from deepdaily.verify.analysis import Checked
from deepdaily.verify.answer import EntailmentAnswer
from deepdaily.verify.report import VerificationReport

__all__ = ["SecondOpinion", "second_opinion", "second_provider"]

CONTRADICTED = "contradicted by its passage, says a second opinion"


@dataclass
class SecondOpinion:
    """Which claim ids a second opinion contradicted or could not confirm."""

    contradicted: set[int] = field(default_factory=set)
    not_supported: set[int] = field(default_factory=set)


class _Member:
    """One member of a chain (through its cache), asked by name. The caller's answer check
    goes through, so an unusable second opinion counts against that member's breaker."""

    checks_answers = True

    def __init__(self, chain: Provider, name: str, model: str) -> None:
        self.chain = chain
        self.name = name
        self.model = model

    async def complete(
        self, request: ChatRequest, *, check: AnswerCheck | None = None
    ) -> ChatResponse:
        return await self.chain.complete(  # type: ignore[call-arg]
            request, only=self.name, check=check
        )


def _names(provider: Provider) -> set[str]:
    inner = getattr(provider, "inner", provider)
    members = getattr(inner, "providers", None)
    return {m.name for m in members} if isinstance(members, list) else {provider.name}


def second_provider(chain: Provider, judge: Provider | None, writer: str) -> Provider | None:
    """Who gives the second opinion on an analysis written by the provider named ``writer``:
    the judge unless it is that provider, else the first other member of ``chain``."""
    if judge is not None and writer not in _names(judge):
        return judge
    inner = getattr(chain, "inner", chain)  # through a CachingProvider
    members = getattr(inner, "providers", None)
    if not isinstance(members, list):
        return None
    for member in members:
        if member.name != writer:
            return _Member(chain, member.name, member.model)
    return None


async def second_opinion(
    asker: JsonAsker,
    provider: Provider | None,
    event_id: str,
    checked: Checked,
    prompts: Prompts,
    report: VerificationReport,
) -> SecondOpinion:
    """The verdicts of ``provider`` on the claims of ``checked`` that passed, applied to it."""
    result = SecondOpinion()
    claims = checked.ok_claims()
    if provider is None or not claims:
        return result
    blocks = [
        f"<<<CLAIM {c.id}>>>\nclaim: {fence_text(c.text)}\npassage: {fence_text(c.passage)}\n"
        f"<<<END CLAIM {c.id}>>>"
        for c in claims
    ]
    messages = [
        ChatMessage(role="system", content=prompts.entail_system),
        ChatMessage(role="user", content=prompts.entail_user.format(claims="\n\n".join(blocks))),
    ]
    if not asker.affordable(messages):
        report.reason("budget tight: second opinion skipped")
        return result
    report.second_opinion_calls += 1
    try:
        answer, response = await asker.ask(
            messages,
            EntailmentAnswer,
            replace(prompts, language=""),  # verdicts are no prose: no language to check
            report,
            purpose=f"entail:{event_id}",
            sources_hash=content_id(event_id, *blocks, length=10),
            provider=provider,
        )
    except (ProviderError, BudgetTight) as exc:
        report.reason(f"second opinion failed: {exc}")
        return result
    asked = {c.id for c in claims}
    for verdict in answer.verdicts:
        if verdict.claim not in asked:
            continue
        if verdict.verdict == "contradicted":
            result.contradicted.add(verdict.claim)
        elif verdict.verdict == "not_supported":
            result.not_supported.add(verdict.claim)
    result.not_supported -= result.contradicted
    if result.contradicted:
        checked.drop_claims(result.contradicted, CONTRADICTED)
    who = f"{response.provider}/{response.model}"
    for claim_id in sorted(result.contradicted):
        report.reason(f"claim {claim_id} dropped: {who} says its passage contradicts it")
    for claim_id in sorted(result.not_supported):
        report.reason(f"claim {claim_id} marked unverified: {who} says its passage lacks it")
    return result
