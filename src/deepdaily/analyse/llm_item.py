"""Turn a checked analysis into the published :class:`~deepdaily.models.DigestItem`.

What is published, from the :class:`~deepdaily.verify.analysis.Checked` answer finally kept:

- each section made of its sentences that passed, in order (an entry of technical / impact /
  advice keeps its passing sentences; an entry left empty is not published), lists cut to
  :data:`LIMITS` (what is cut is counted as dropped);
- the claims that passed, renumbered 1, 2, 3…, each with the passage and URL the verifier
  located in the source (never the model's copy); a claim a second opinion could not confirm is
  ``unverified``, and so is every sentence citing it (the renderer marks them 未核实);
- one :class:`~deepdaily.models.Backing` per published sentence: its section, text, the
  claims it cites and whether it is an opinion;
- the title when it passed, else the lead source's title (never invented); the organisation
  from the answer, else named from the sources; the technical label when it is one of the
  profile language's labels, else the default; ``sources`` are the event's canonical URLs,
  whatever the model said.

The report's counts are filled in (:func:`~deepdaily.verify.tally.fill_report`) before
:class:`NothingVerified` is raised for an answer with no sentence of ``what`` left, so the
manifest shows what was lost even when the offline engine writes the item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from deepdaily.analyse.prompts import TECHNICAL_LABELS
from deepdaily.analyse.providers.base import ChatResponse
from deepdaily.config.settings import Profile
from deepdaily.models import Backing, Claim, DigestItem, Event
from deepdaily.text.entities import find_organisation, split_title_prefix
from deepdaily.text.links import strip_urls
from deepdaily.text.sanitise import clean_title
from deepdaily.text.sentences import join_sentences
from deepdaily.verify.analysis import Checked, SentenceCheck
from deepdaily.verify.report import VerificationReport
from deepdaily.verify.tally import Key, Status, claim_key, fill_report

__all__ = ["LIMITS", "NothingVerified", "build_item"]

LIMITS = {"what": 3, "why": 3, "technical": 5, "impact": 4, "advice": 5}
"""At most this many entries of each section are published."""


class NothingVerified(Exception):
    """Nothing publishable is left of the answer; the offline engine must write the item."""


class _Sections:
    """The passing sentences of each section, grouped by entry and cut to the limits."""

    def __init__(self, checked: Checked, marked: set[int]) -> None:
        self.marked = marked
        self.published: dict[Key, Status] = {}
        self.backing: list[tuple[SentenceCheck, Status]] = []
        self.entries: dict[str, list[list[SentenceCheck]]] = {}
        for name, limit in LIMITS.items():
            grouped: dict[int, list[SentenceCheck]] = {}
            for sentence in checked.passing(name):
                grouped.setdefault(sentence.entry, []).append(sentence)
            kept = list(grouped.values())[:limit]
            self.entries[name] = kept
            for entry in kept:
                for sentence in entry:
                    status = self.status(sentence)
                    self.published[sentence.key] = status
                    self.backing.append((sentence, status))

    def status(self, sentence: SentenceCheck) -> Status:
        return "unverified" if self.marked & set(sentence.cited) else "verified"

    def paragraph(self, name: str) -> str:
        return join_sentences([s.text for entry in self.entries[name] for s in entry])

    def points(self, name: str) -> list[str]:
        return [join_sentences([s.text for s in entry]) for entry in self.entries[name]]


def _title(checked: Checked, event: Event) -> str:
    if checked.title:
        return checked.title
    lead = max(event.documents, key=lambda d: d.authority)
    candidates = (strip_urls(clean_title(d.title), [])[0] for d in (lead, *event.documents))
    return next((t for t in candidates if t), "")


def build_item(
    event: Event,
    profile: Profile,
    rounds: Sequence[Checked],
    checked: Checked,
    response: ChatResponse,
    report: VerificationReport,
    marked: Iterable[int] = (),
) -> DigestItem:
    """The published item, the report's counts filled in (see the module docstring).

    ``rounds`` are the checks of every answer, ``checked`` the one kept (after any second
    opinion), ``marked`` the ids of the claims a second opinion could not confirm. Raises
    :class:`NothingVerified` when no sentence of ``what`` (or no title) is left.
    """
    lang = "zh" if profile.language.startswith("zh") else "en"
    sections = _Sections(checked, set(marked))
    cited = {c for sentence, _ in sections.backing for c in sentence.cited}
    numbers: dict[int, int] = {}
    claims: list[Claim] = []
    published_claims: dict[Key, Status] = {}
    for check in checked.ok_claims():
        numbers[check.id] = len(claims) + 1
        status: Status = "unverified" if check.id in sections.marked else "verified"
        published_claims[claim_key(check)] = status
        claims.append(
            Claim(
                id=numbers[check.id],
                text=check.text,
                passage=check.passage,
                source_url=check.url,
                status=status,
                reasons=[*check.reasons, *([] if check.id in cited else ["cited by no sentence"])],
            )
        )
    report.model = f"{response.provider}/{response.model}"
    for problem in checked.problems:
        report.reason(f"dropped {problem.line()}")
    what = sections.paragraph("what")
    title = _title(checked, event)
    if not what or not title:
        fill_report(report, rounds, checked, {}, {})  # nothing of the answer is published
        missing = "no sentence of 'what'" if not what else "no title"
        raise NothingVerified(f"{missing} passed verification")
    fill_report(report, rounds, checked, sections.published, published_claims)
    lead = max(event.documents, key=lambda d: d.authority)
    organisation = checked.organisation or find_organisation(lead.title, lead.outlet, lead.url)
    label = checked.answer.technical_label.strip()
    if label not in TECHNICAL_LABELS[lang]:
        label = TECHNICAL_LABELS[lang][1]
    advice = sections.points("advice")
    backing = [
        Backing(
            section=sentence.section,
            text=sentence.text,
            claims=[numbers[c] for c in dict.fromkeys(sentence.cited) if c in numbers],
            judgement=sentence.judgement,
            status=status,
        )
        for sentence, status in sections.backing
    ]
    return DigestItem(
        event_id=event.id,
        organisation=organisation,
        title=split_title_prefix(title, organisation),
        sources=event.urls,
        what=what,
        why=sections.paragraph("why") or None,
        technical_label=label,
        technical=sections.points("technical"),
        impact=sections.points("impact") or None,
        advice=advice or None,
        advice_lead=checked.advice_lead if advice else "",
        claims=claims,
        backing=backing,
        engine="llm",
        model=report.model,
    )
