"""Is a sentence backed by the claims it cites? Its facts must be in *their* passages.

Every published sentence of an LLM answer cites the ids of the claims it rests on. The passages
of the cited claims that passed (:mod:`.claims`) are joined, and
:func:`~deepdaily.text.agree.disagreements` must find no fact of the sentence (numbers with
units, dates, number words, names, direction, negation, modality) that they do not match: a fact
that is somewhere else in the event's sources, but not in the passages this sentence cites, is
not backing.

A sentence marked as a judgement (an opinion, allowed in why / impact / advice and in the
synthesis) needs no claim when it states no fact; whatever fact it does state (a number, a
date, a name, a version, the order of a "from X to Y") must be in the passages it cites, like
any other sentence. Its negation, modality and plans are its own (an opinion may say that
something could happen or should not be done), and so is its direction unless it states a
figure or a date (:func:`opinion_reason`).

The reasons are one line each, ready for the revision prompt and the manifest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from deepdaily.text.agree import disagreements
from deepdaily.text.facts import extract_facts
from deepdaily.verify.claims import ClaimCheck, closed

__all__ = ["NO_BACKING", "backing_problems", "opinion_reason"]

NO_BACKING = "no claim backs it: cite the claims whose passages state its facts"

# Disagreements about an opinion's own stance rather than a fact: speculation, advice against
# something, plans (deepdaily.text.agree names them so).
_STANCE_RE = re.compile(
    r"^\W*(?:negation|denial|cancellation|plan or possibility|modality|states as done|drops the)",
    re.IGNORECASE,
)
_DIRECTION_RE = re.compile(r"^\W*(?:direction|comparison)", re.IGNORECASE)


def opinion_reason(reason: str, sentence: str) -> bool:
    """Whether a disagreement is about an opinion's own wording, which it may choose: its
    negation, modality or plans always; its direction (up/down) only when it states no figure
    or date, since "costs rise 40%" is a fact however it is marked."""
    if _STANCE_RE.match(reason):
        return True
    if _DIRECTION_RE.match(reason):
        return not any(f.kind in ("number", "date") for f in extract_facts(sentence))
    return False


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
    found = disagreements(closed(sentence), "\n".join(passages))
    if judgement:
        found = [r for r in found if not opinion_reason(r, sentence)]
    if found and not passages and not reasons:
        reasons.append("an opinion that states a fact must cite the claim whose passage has it")
    return reasons + found
