"""Is a sentence backed by the claims it cites? Its facts must be in *their* passages.

Every published sentence of an LLM answer cites the ids of the claims it rests on. The passages
of the cited claims that passed (:mod:`.claims`) are joined, and
:func:`~deepdaily.text.agree.disagreements` must find no fact of the sentence (numbers with
units, dates, number words, names, direction, negation, modality) that they do not match: a fact
that is somewhere else in the event's sources, but not in the passages this sentence cites, is
not backing.

A sentence marked as a judgement (an opinion, allowed in why / impact / advice and in the
synthesis) needs no claim when it states no fact; whatever fact it does state (a number, a
date, a name, a version...) must be in the passages it cites, like any other sentence. Only
the direction, negation and modality of its wording are its own, since an opinion may well
say that something gets cheaper or should not be done.

The reasons are one line each, ready for the revision prompt and the manifest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from deepdaily.text.agree import disagreements
from deepdaily.verify.claims import ClaimCheck

__all__ = ["NO_BACKING", "backing_problems", "opinion_reason"]

NO_BACKING = "no claim backs it: cite the claims whose passages state its facts"

# Disagreements about wording rather than fact: what an opinion may say on its own.
_WORDING_RE = re.compile(
    r"^\W*(?:direction|comparison|negation|modality|polarity|tense|hedg)", re.IGNORECASE
)


def opinion_reason(reason: str) -> bool:
    """Whether a disagreement is about an opinion's own wording (direction, negation, modality)
    rather than a fact it would need a passage for."""
    return bool(_WORDING_RE.match(reason))


def backing_problems(
    sentence: str,
    cited: Sequence[int],
    claims: Mapping[int, ClaimCheck],
    *,
    judgement: bool = False,
) -> list[str]:
    """Why ``sentence`` is not backed by the claims it ``cited`` (empty when it is).

    ``claims`` maps each id of the answer to its check; ``judgement`` is true only for a
    sentence marked as an opinion in a section that allows one.
    """
    reasons: list[str] = []
    passages: list[str] = []
    for claim_id in dict.fromkeys(cited):
        check = claims.get(claim_id)
        if check is None:
            reasons.append(f"cites claim {claim_id}, which does not exist")
        elif not check.ok:
            reasons.append(f"rests on claim {claim_id}, which failed verification")
        else:
            passages.append(check.passage)
    if not passages and not judgement:
        return reasons or [NO_BACKING]
    found = disagreements(sentence, "\n".join(passages))
    if judgement:
        found = [r for r in found if not opinion_reason(r)]
    if found and not passages and not reasons:
        reasons.append("an opinion that states a fact must cite the claim whose passage has it")
    return reasons + found
