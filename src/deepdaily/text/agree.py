"""Does a claim agree with the passage it cites? Typed facts, compared kind by kind.

The verifier calls only these two functions:

- :func:`locate_passage` (from :mod:`deepdaily.text.locate`) finds the passage *verbatim*
  (after whitespace, width, quote and dash normalisation) in one of the event's texts and
  returns the source's own span, never the model's copy; one changed number or word means it
  is not found.
- :func:`disagreements` lists, one line each, every fact of the claim that no fact of the
  same kind in **its own passage** matches. An empty list means they agree.

Both texts are read the same way (:func:`deepdaily.text.typed.read`); then, for the claim:

1. **names**: every name (:mod:`deepdaily.text.ner`) must be found in the passage
   (:func:`deepdaily.text.ner.name_in`). A Chinese-script name cannot be checked against a
   passage with no Chinese in it unless the gazetteer knows it (``谷歌`` = ``Google``); such a
   name is not counted against the claim;
2. **dates**: every date must agree with a date of the passage on each part it gives;
3. **numbers**: every quantity (except the word "one"/"一", which is mostly an article) must be
   supported by a quantity of the same kind and value (:func:`deepdaily.text.match.supports`);
   a year by a year or a date of that year. The reason says what the passage has instead;
4. **order**: a *from X to Y* of the claim must not be a *from Y to X* of the passage;
5. **direction**: each up/down word of the claim needs one of the same direction in the
   passage, looked for first in the passage clauses that share a name or number with the
   claim's clause;
6. **negation, denial, cancellation, modality**: each such cue of the claim needs one of the
   same kind in the passage about the same thing (sharing a content word, or across languages
   a name or number, with its scope); and each such cue of the passage whose scope the claim
   repeats (the word it governs and the next, or across languages a name or number of its
   scope) must be repeated by the claim: dropping "not", adding one, or turning "may" into a
   done deed all disagree.

Each reason is one line that starts with what it is about, so callers can tell facts from
stance: ``name``, ``date``, ``number``, ``version``, ``order`` (facts); ``direction``;
``negation``, ``denial``, ``cancellation``, ``plan or possibility`` (a cue of the claim the
passage lacks); ``drops the …`` and ``states as done …`` (a cue of the passage the claim
lacks). Across languages, a negation or modality of a passage clause that shares no name or
number with the claim is not compared (nothing tells which clause the claim restates).
"""

from __future__ import annotations

from deepdaily.text.align import Alignment, anchors_shared, has_anchor
from deepdaily.text.dates import date_agrees
from deepdaily.text.locate import Located, locate_passage
from deepdaily.text.match import describe, kind_of, supports
from deepdaily.text.ner import Name, name_in
from deepdaily.text.normal import has_cjk
from deepdaily.text.numbers import Quantity
from deepdaily.text.stance import NOUN_NEGATIONS, Cue
from deepdaily.text.typed import Reading, read

__all__ = ["Located", "disagreements", "locate_passage"]

_MARKER_NAMES = {
    "not": "negation",
    "deny": "denial",
    "cancel": "cancellation",
    "plan": "plan or possibility",
}


def _names(claim: Reading, passage: Reading) -> list[str]:
    reasons = []
    for name in claim.names:
        unreadable = name.script == "cjk" and not has_cjk(passage.text)
        if unreadable and not _gazetteer_checkable(name):
            continue
        if not name_in(name, passage.text):
            reasons.append(f"name “{name.text}” is not in its passage")
    return reasons


def _gazetteer_checkable(name: Name) -> bool:
    from deepdaily.text.entities import mentions

    found = mentions(name.text)
    return len(found) == 1 and found[0][0] == 0 and found[0][1] == len(name.text)


def _dates(claim: Reading, passage: Reading) -> list[str]:
    reasons = []
    years = passage.years
    for date in claim.dates:
        if any(date_agrees(date.key, other.key, years) for other in passage.dates):
            continue
        if date.key[1] is None and date.key[0] in years:
            continue
        have = ", ".join(f"“{d.text}”" for d in passage.dates) or "no date"
        reasons.append(f"date “{date.text}” has no match in its passage (it has {have})")
    return reasons


def _supported(q: Quantity, passage: Reading) -> bool:
    if q.kind == "year":
        return int(q.value) in passage.years
    return any(supports(p, q) for p in passage.quantities)


def _instead(q: Quantity, passage: Reading) -> str:
    """What the passage has in place of ``q``: the same value of another kind, else the
    quantities of the same kind, else nothing."""
    same_value = [
        f"“{p.text}”, {kind_of(p)}"
        for p in passage.quantities
        if abs(p.value - q.value) <= 1e-9 * max(1.0, abs(q.value)) and p.kind != q.kind
    ]
    same_value += [
        f"“{d.text}”, a date"
        for d in passage.dates
        if q.value in {float(part) for part in d.key if part is not None}
    ]
    if same_value:
        return "it has " + "; ".join(same_value)
    same_kind = [f"“{p.text}”" for p in passage.quantities if p.kind == q.kind]
    return "it has " + ", ".join(same_kind) if same_kind else f"it has no {q.kind} figure"


def _quantities(claim: Reading, passage: Reading) -> list[str]:
    reasons = []
    for q in claim.quantities:
        if q.word and q.kind == "count" and q.value == 1:
            continue
        if not _supported(q, passage):
            label = "version" if q.version else "number"
            reasons.append(
                f"{label} {describe(q)} has no match in its passage ({_instead(q, passage)})"
            )
    return reasons


def _order(claim: Reading, passage: Reading) -> list[str]:
    reasons = []
    for first, second in claim.pairs:
        forward = any(supports(a, first) and supports(b, second) for a, b in passage.pairs)
        backward = [(a, b) for a, b in passage.pairs if supports(b, first) and supports(a, second)]
        if backward and not forward:
            a, b = backward[0]
            reasons.append(
                f"order “from {first.text} to {second.text}” is reversed: its passage goes "
                f"from {a.text} to {b.text}"
            )
    return reasons


def _direction(claim: Reading, passage: Reading, alignment: Alignment) -> list[str]:
    reasons = []
    every = [p for p in passage.cues if p.kind in ("up", "down")]
    for cue in claim.cues:
        if cue.kind not in ("up", "down"):
            continue
        regions = alignment.regions(cue.start)
        near = [p for p in every if passage.clause_of(p.start) in regions]
        pool = near or every
        if any(p.kind == cue.kind for p in pool):
            continue
        says = (
            "it says " + ", ".join(f"“{p.text}”, {p.kind}" for p in pool)
            if pool
            else "it states no direction"
        )
        reasons.append(f"direction “{cue.text}” ({cue.kind}) has no match in its passage ({says})")
    return reasons


def _about(cue: Cue, claim: Reading, other: Cue, passage: Reading, alignment: Alignment) -> bool:
    """Whether a claim's cue and a passage's cue of one kind are about the same thing: the
    claim's clause is aligned with the passage cue's clause (or with nothing: nothing tells),
    and, in one language, the word one governs is among the first the other governs."""
    aligned = alignment.aligned(cue.start, passage.clause_of(other.start))
    if aligned is False:
        return False
    if not cue.scope or not other.scope or claim.cjk != passage.cjk:
        return True
    return cue.scope[0] in other.scope[:3] or other.scope[0] in cue.scope[:3]


def _covers(claim: Reading, cue: Cue, passage: Reading, alignment: Alignment) -> bool:
    """Whether the claim repeats what the passage's ``cue`` governs (module docstring, 6)."""
    clause = passage.clause_of(cue.start)
    if claim.cjk == passage.cjk:
        words = claim.word_keys()
        governed = cue.scope or cue.before
        said = bool(governed) and all(w in words for w in governed[:2])
        return said and any(clause in alignment.regions(span[0]) for span in claim.clauses)
    whole = (0, len(claim.text))
    if has_anchor(passage, cue.end, cue.scope_end):
        shared = anchors_shared(passage, (cue.end, cue.scope_end), claim, whole) > 0
        return shared and any(clause in alignment.regions(span[0]) for span in claim.clauses)
    if cue.text.casefold() in NOUN_NEGATIONS:
        return False  # "without reward loss": a claim may leave the thing out
    return alignment.uniquely_aligned(clause) or len(passage.clauses) == 1


def _markers(claim: Reading, passage: Reading, alignment: Alignment) -> list[str]:
    reasons = []
    for cue in claim.cues:
        if cue.kind not in _MARKER_NAMES:
            continue
        if not any(
            p.kind == cue.kind and _about(cue, claim, p, passage, alignment) for p in passage.cues
        ):
            about = f" (about “{cue.scope_text}”)" if cue.scope_text else ""
            reasons.append(f"{_MARKER_NAMES[cue.kind]} “{cue.text}”{about} is not in its passage")
    for other in passage.cues:
        if other.kind not in _MARKER_NAMES or not _covers(claim, other, passage, alignment):
            continue
        if any(
            c.kind == other.kind and _about(c, claim, other, passage, alignment) for c in claim.cues
        ):
            continue
        quoted = passage.text[other.start : other.scope_end].strip()[:60]
        if other.kind == "plan":
            reasons.append(
                f"states as done what its passage gives as a plan or possibility (“{quoted}”)"
            )
        else:
            reasons.append(f"drops the {_MARKER_NAMES[other.kind]} of its passage (“{quoted}”)")
    return reasons


def disagreements(claim: str, passage: str) -> list[str]:
    """Why ``claim`` does not agree with ``passage`` (empty when it does), one reason per
    fact, in the order of the module docstring."""
    said, source = read(claim), read(passage)
    alignment = Alignment(said, source)
    reasons = []
    for check in (_names, _dates, _quantities, _order):
        reasons.extend(check(said, source))
    reasons += _direction(said, source, alignment)
    reasons += _markers(said, source, alignment)
    return list(dict.fromkeys(reasons))
