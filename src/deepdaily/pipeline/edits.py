"""The editor's changes applied to a run: pins, drops and order, re-analyses, text, synthesis.

A day reviewed in ``deepdaily serve`` keeps its edits in the store
(:class:`deepdaily.store.edits.EditLog`); every run of that day, from the review or from
``deepdaily run --date D``, applies them at the same points, so an edit survives re-renders and
re-runs:

1. after the ranking (:meth:`Review.select`): a pinned event is selected whatever its score
   (pins come on top of ``profile.items``, which bounds the score's own picks), a dropped one
   is left out, and the items follow the editor's order (events it does not list come after,
   in score order); the selection's reason says the editor decided;
2. after the analysis (:meth:`Review.reanalysed`): an item the editor had re-analysed is the
   re-analysis, not the engine's answer of this run;
3. after the synthesis (:meth:`Review.edit`): the editor's text replaces the fields it
   rewrote, and the item is marked ``edited`` with its ``edited_fields``. Edited text is the
   editor's responsibility: it is not verified, and the renderer neither drops claims from it
   nor marks it 未核实 (the engine's verification of the other fields stands). The synthesis is
   made from the engine's text, so a text edit costs no LLM call; "regenerate the synthesis"
   in the review makes one from the edited items, used while the digest has those items.

An edit whose event is not in the digest any more (no longer a candidate, or dropped) is kept
in the log and named in :attr:`Review.orphaned`, which the run manifest carries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from deepdaily.errors import UsageError
from deepdaily.models import DigestItem, Selection, Synthesis
from deepdaily.store.edits import ReviewEdits

__all__ = ["FIELDS", "Review", "field_text", "field_value"]

FieldKind = Literal["line", "text", "optional", "list", "optional_list"]

#: The fields of an item an editor may rewrite, and how the form's text maps onto them.
FIELDS: dict[str, FieldKind] = {
    "organisation": "line",
    "title": "line",
    "what": "text",
    "why": "optional",
    "technical_label": "line",
    "technical": "list",
    "impact": "optional_list",
    "advice_lead": "line",
    "advice": "optional_list",
}
_REQUIRED = frozenset({"title", "what", "technical_label"})
# The fields that own a sentence's Backing (DigestItem.backing[].section).
_BACKED = frozenset({"what", "why", "technical", "impact", "advice"})
# Fields a re-analysis may not take from a stored item: the run decides them.
_RUN_FIELDS = ("selection_reason", "follow_up", "update_of", "update_url")


def field_value(name: str, text: str) -> Any:
    """The value of field ``name`` from the text an editor typed (lists: one entry a line).

    Raises :class:`~deepdaily.errors.UsageError` for an unknown field or an empty required one.
    """
    kind = FIELDS.get(name)
    if kind is None:
        raise UsageError(f"field {name!r} cannot be edited; editable: {', '.join(FIELDS)}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if kind in ("list", "optional_list"):
        entries = [" ".join(line.split()) for line in text.split("\n")]
        kept = [entry for entry in entries if entry]
        return kept if kept or kind == "list" else None
    value = " ".join(text.split())
    if not value and name in _REQUIRED:
        raise UsageError(f"{name}: may not be empty")
    return value or (None if kind == "optional" else "")


def field_text(item: DigestItem, name: str) -> str:
    """The field as an editor sees it in a form (lists: one entry a line)."""
    value = getattr(item, name)
    if isinstance(value, list):
        return "\n".join(value)
    return "" if value is None else str(value)


@dataclass
class Review:
    """The edits of one day and what applying them to a run did."""

    edits: ReviewEdits = field(default_factory=ReviewEdits)
    applied: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    _titles: dict[str, str] = field(default_factory=dict)

    def _name(self, event_id: str) -> str:
        title = self._titles.get(event_id, "")
        return f"{event_id} ({title[:60]})" if title else event_id

    def select(self, selections: Sequence[Selection]) -> list[Selection]:
        """The ranking's decisions with the editor's pins, drops and order laid over them."""
        self._titles = {s.event_id: s.title for s in selections}
        if not (self.edits.decisions or self.edits.order):
            return list(selections)
        by_id = {s.event_id: s for s in selections}
        for event_id, gone in self.edits.decisions.items():
            if event_id not in by_id:
                self.orphaned.append(
                    f"{gone} of {event_id}: not among the day's candidates any more"
                )
        decided = {e: d for e, d in self.edits.decisions.items() if e in by_id}
        picked = sorted((s for s in selections if s.selected), key=lambda s: s.rank or 0)
        extra = sorted(
            (by_id[e] for e, d in decided.items() if d == "pin" and not by_id[e].selected),
            key=lambda s: -s.score.total,
        )
        chosen = [s.event_id for s in [*picked, *extra] if decided.get(s.event_id) != "drop"]
        place = {event_id: n for n, event_id in enumerate(self.edits.order)}
        chosen.sort(key=lambda e: place.get(e, len(place)))  # stable: the rest keep score order
        rank = {event_id: n for n, event_id in enumerate(chosen, start=1)}
        result = []
        for sel in selections:
            decision = decided.get(sel.event_id)
            update: dict[str, Any] = {
                "rank": rank.get(sel.event_id),
                "selected": sel.event_id in rank,
            }
            if decision == "pin":
                before = "" if sel.selected else "the score alone left it out: "
                update["reason"] = f"pinned by the editor ({before}{sel.reason})"
                self.applied.append(f"pinned {self._name(sel.event_id)}")
            elif decision == "drop":
                before = "the score had selected it: " if sel.selected else ""
                update["reason"] = f"dropped by the editor ({before}{sel.reason})"
                self.applied.append(f"dropped {self._name(sel.event_id)}")
            result.append(sel.model_copy(update=update))
        if self.edits.order:
            self.applied.append(f"order of {len(self.edits.order)} items set by the editor")
        return result

    def reanalysed(self, items: Sequence[DigestItem]) -> list[DigestItem]:
        """The items with each stored re-analysis in place of the engine's answer."""
        result = []
        for item in items:
            stored = self.edits.analyses.get(item.event_id)
            if stored is None:
                result.append(item)
                continue
            try:
                again = DigestItem.model_validate(stored)
            except ValidationError:
                self.orphaned.append(f"re-analysis of {self._name(item.event_id)}: unreadable")
                result.append(item)
                continue
            keep = {name: getattr(item, name) for name in _RUN_FIELDS}
            result.append(again.model_copy(update=keep))
            self.applied.append(f"re-analysis of {self._name(item.event_id)}")
        present = {item.event_id for item in items}
        self.orphaned.extend(
            f"re-analysis of {self._name(e)}: its item is not in the digest"
            for e in self.edits.analyses
            if e not in present
        )
        return result

    def edit(
        self, items: Sequence[DigestItem], synthesis: Synthesis
    ) -> tuple[list[DigestItem], Synthesis]:
        """The items with the editor's text, and the regenerated synthesis if it still fits."""
        result = [self._edit_item(item) for item in items]
        present = {item.event_id for item in items}
        for event_id, fields in self.edits.texts.items():
            if event_id not in present:
                self.orphaned.append(
                    f"text of {self._name(event_id)} ({', '.join(fields)}): its item is not "
                    "in the digest"
                )
        return result, self._synthesis([item.event_id for item in items], synthesis)

    def _edit_item(self, item: DigestItem) -> DigestItem:
        fields = {k: v for k, v in self.edits.texts.get(item.event_id, {}).items() if k in FIELDS}
        if not fields:
            return item
        names = sorted({*item.edited_fields, *fields})
        backing = [b for b in item.backing if b.section not in fields or b.section not in _BACKED]
        data = item.model_dump()
        data.update(fields, backing=backing, edited=True, edited_fields=names)
        try:
            edited = DigestItem.model_validate(data)  # the stored values checked again
        except ValidationError:
            self.orphaned.append(f"text of {self._name(item.event_id)}: unreadable")
            return item
        self.applied.append(f"text of {self._name(item.event_id)}: {', '.join(sorted(fields))}")
        return edited

    def _synthesis(self, event_ids: list[str], synthesis: Synthesis) -> Synthesis:
        stored = self.edits.synthesis
        if stored is None:
            return synthesis
        if list(stored.get("items") or []) != event_ids:
            self.orphaned.append(
                "regenerated trends and watch list: made for other items than the digest's "
                "(regenerate them again)"
            )
            return synthesis
        try:
            regenerated = Synthesis.model_validate(stored.get("synthesis") or {})
        except ValidationError:
            self.orphaned.append("regenerated trends and watch list: unreadable")
            return synthesis
        self.applied.append("trends and watch list regenerated by the editor")
        return regenerated
