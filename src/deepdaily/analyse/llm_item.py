"""Turn a checked analysis into the published :class:`~deepdaily.models.DigestItem`.

What is published, from :class:`~deepdaily.verify.analysis.Checked`:

- every text field as cleaned by verification (failing sentences already removed), minus the
  sentences that contain the text of a dropped claim, lists cut to :data:`LIMITS`;
- claims ``verified`` (lexically, or confirmed by the judge) and ``unverified`` (passage only
  loosely found, no judge verdict: the renderer marks them 未核实); dropped claims are left out
  and their reasons go to the report;
- the organisation and title from the answer, else named from the sources (never invented);
  the technical label when it is one of the profile language's labels, else the default;
- ``sources`` are the event's canonical URLs, whatever the model said.
"""

from __future__ import annotations

from typing import Literal

from deepdaily.analyse.prompts import TECHNICAL_LABELS
from deepdaily.analyse.providers.base import ChatResponse
from deepdaily.config.settings import Profile
from deepdaily.models import Claim, DigestItem, Event
from deepdaily.text.entities import find_organisation, split_title_prefix
from deepdaily.text.links import strip_urls
from deepdaily.text.sanitise import clean_title
from deepdaily.verify.analysis import Checked, drop_sentences
from deepdaily.verify.claims import ClaimCheck, match_tokens
from deepdaily.verify.report import VerificationReport

__all__ = ["LIMITS", "NothingVerified", "build_item", "claim_key", "verified_keys"]

LIMITS = {"technical": 5, "impact": 4, "advice": 5, "claims": 8}
"""At most this many entries of each list are published."""

ClaimStatus = Literal["verified", "unverified", "dropped"]


class NothingVerified(Exception):
    """Nothing publishable is left of the answer; the offline engine must write the item."""


def build_item(
    event: Event,
    profile: Profile,
    checked: Checked,
    response: ChatResponse,
    report: VerificationReport,
    first_verified: set[str],
    verdicts: dict[int, bool],
) -> DigestItem:
    """The published item, the report's counts filled in (see the module docstring).

    ``first_verified`` holds the :func:`claim_key` of the claims that passed before any
    revision, ``verdicts`` the judge's. Raises :class:`NothingVerified` when no sentence of
    ``what`` (or no title) is left.
    """
    lang = "zh" if profile.language.startswith("zh") else "en"
    final = checked.analysis
    judged = _claims(checked, verdicts, first_verified, report)
    dropped = [c.text for c in judged if c.status == "dropped"]
    claims = [c for c in judged if c.status != "dropped"]

    def keep(values: list[str], limit: int) -> list[str]:
        cleaned = (drop_sentences(v, dropped) for v in values[:limit])
        return [v for v in cleaned if v]

    what = drop_sentences(final.what, dropped)
    if not what:
        raise NothingVerified("no sentence of 'what' passed verification")
    lead = max(event.documents, key=lambda d: d.authority)
    organisation = final.organisation or find_organisation(lead.title, lead.outlet, lead.url)
    title = final.title or next(
        (
            t
            for t in (strip_urls(clean_title(d.title), [])[0] for d in (lead, *event.documents))
            if t
        ),
        "",
    )
    if not title:
        raise NothingVerified("no title passed verification")
    label = final.technical_label.strip()
    if label not in TECHNICAL_LABELS[lang]:
        label = TECHNICAL_LABELS[lang][1]
    advice = keep(final.advice, LIMITS["advice"])
    report.sentences_checked = checked.sentences_checked
    report.sentences_dropped = checked.sentences_dropped
    report.urls_stripped = len(checked.urls_stripped)
    report.markup_stripped = checked.markup_stripped
    for problem in checked.problems:
        report.reason(f"dropped {problem.line()}")
    report.model = f"{response.provider}/{response.model}"
    return DigestItem(
        event_id=event.id,
        organisation=organisation,
        title=split_title_prefix(title, organisation),
        sources=event.urls,
        what=what,
        why=drop_sentences(final.why, dropped) or None,
        technical_label=label,
        technical=keep(final.technical, LIMITS["technical"]),
        impact=keep(final.impact, LIMITS["impact"]) or None,
        advice=advice or None,
        advice_lead=final.advice_lead if advice else "",
        claims=claims,
        engine="llm",
        model=report.model,
    )


def _claims(
    checked: Checked,
    verdicts: dict[int, bool],
    first_verified: set[str],
    report: VerificationReport,
) -> list[Claim]:
    """Each claim with its status; :func:`build_item` removes the sentences of dropped ones and
    leaves them out (their reasons are in the report)."""
    claims: list[Claim] = []
    for index, (claim, check) in enumerate(checked.claims[: LIMITS["claims"]]):
        status = _status(check, verdicts.get(index))
        reasons = list(check.reasons)
        if index in verdicts:
            reasons.append("judge: supported" if verdicts[index] else "judge: not supported")
        report.claims_checked += 1
        if status == "verified":
            report.claims_passed += 1
            report.claims_revised += claim_key(claim.text) not in first_verified
        elif status == "unverified":
            report.claims_unverified += 1
        else:
            report.claims_dropped += 1
            report.reason(f"claim dropped: {'; '.join(reasons)}")
        claims.append(
            Claim(
                text=claim.text,
                passage=claim.passage,
                source_url=claim.source_url,
                status=status,
                reasons=reasons,
            )
        )
    return claims


def claim_key(text: str) -> str:
    """A claim's identity across revision rounds: its normalised tokens."""
    return " ".join(match_tokens(text))


def verified_keys(checked: Checked) -> set[str]:
    """The keys of the claims that passed the lexical checks."""
    return {claim_key(claim.text) for claim, check in checked.claims if check.verdict == "verified"}


def _status(check: ClaimCheck, judged: bool | None) -> ClaimStatus:
    if check.verdict == "verified":
        return "verified"
    if check.verdict == "uncertain":
        if judged is None:
            return "unverified"
        return "verified" if judged else "dropped"
    return "dropped"
