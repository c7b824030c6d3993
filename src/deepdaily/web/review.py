"""The review of one day's digest: what the editor sees and every change they make.

No web framework here: :mod:`deepdaily.web.app` turns forms into calls of :class:`DayReview`,
and tests call it directly too. Each change is appended to the edits log
(:class:`deepdaily.store.edits.EditLog`, what and when) and then the day is **re-rendered**:
the pipeline runs the day again without fetching (``run_digest(fetch=False, review=True)``),
from what the store holds, and lays the whole edits log over the ranking, the analysis and the
synthesis (:mod:`deepdaily.pipeline.edits`) exactly as a later ``deepdaily run --date D``
does. The result is stored as a draft. So a pin of an event no run has analysed yet needs
nothing special (the re-run analyses it with the other picks), and the page always shows what
a re-run of the day would publish. A re-render uses the engine the stored digest was made
with (an offline digest stays offline even when ``[[llm]]`` entries are configured, an item
re-analysed by an LLM aside); LLM answers come from the store's cache, so it costs no tokens
for unchanged items. On the demo day (29 candidates, offline) a change and its re-render take
about 0.4 s.

Two changes ask the configured engine for new text first:

- **re-analyse** one item: the event, as it stood at the end of the day's window, analysed
  again (an LLM chain is asked again, not served from its cache); the new item is stored as an
  ``analysis`` edit and used instead of the engine's answer until the next re-analysis;
- **regenerate the synthesis**: trends and watch list made from the items as edited, stored
  as a ``synthesis`` edit, used while the digest has those items in that order.

**Approve and publish** approves the draft (``store.approve_digest``) and calls
:func:`deepdaily.publish.publish_digest`; both are logged. Governed by the whole settings
object (profile, ``[[llm]]``, ``[analysis]``, ``[publish]``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from deepdaily.config import Settings
from deepdaily.errors import DeepdailyError, UsageError
from deepdaily.models import Digest, DigestItem, Event, Selection
from deepdaily.pipeline.edits import FIELDS, field_text, field_value
from deepdaily.store import Store
from deepdaily.store.edits import Edit, EditKind, EditLog, ReviewEdits

__all__ = ["DayReview", "Outcome"]


@dataclass
class Outcome:
    """What a change did, in one line for the page."""

    message: str
    ok: bool = True
    detail: dict[str, Any] | None = None


class DayReview:
    """The digest of (settings.profile, ``day``) under review."""

    def __init__(self, settings: Settings, store: Store, day: date) -> None:
        self.settings = settings
        self.store = store
        self.day = day
        self.profile = settings.profile.name
        self.date = day.isoformat()
        self.log = EditLog(store)

    # -- what is stored ---------------------------------------------------------------------

    def stored(self) -> dict[str, Any] | None:
        row = self.store.digest(self.profile, self.date)
        return dict(row) if row is not None else None

    def digest(self) -> Digest | None:
        row = self.stored()
        if row is None or not row.get("json"):
            return None
        data = json.loads(row["json"])
        data.pop("schema_version", None)
        return Digest.model_validate(data)

    def selections(self) -> list[Selection]:
        """Every candidate of the stored digest's run: picks by rank, then the rest by score."""
        row = self.stored()
        if row is None:
            return []
        rows = self.store.selections(row["run_id"])
        return sorted(rows, key=lambda s: (not s.selected, s.rank or 0, -s.score.total))

    def manifest(self) -> dict[str, Any]:
        row = self.stored()
        run = self.store.run(row["run_id"]) if row else None
        return dict((run or {}).get("manifest") or {})

    def state(self) -> ReviewEdits:
        return self.log.state(self.profile, self.date)

    def history(self) -> list[Edit]:
        return self.log.history(self.profile, self.date)

    def item(self, event_id: str) -> DigestItem:
        digest = self.digest()
        for item in digest.items if digest else []:
            if item.event_id == event_id:
                return item
        raise UsageError(f"event {event_id}: not an item of the {self.date} digest")

    def event(self, event_id: str) -> Event | None:
        """The event as it stood at the end of the digest's window (its documents then)."""
        found = self.store.events_by_id([event_id])
        if not found:
            return None
        digest = self.digest()
        return found[0].as_of(digest.window_end) if digest else found[0]

    def form_text(self, item: DigestItem, name: str) -> str:
        return field_text(item, name)

    # -- changes ----------------------------------------------------------------------------

    async def decide(self, event_id: str, kind: EditKind) -> Outcome:
        """Pin, drop or restore (back to the score) one candidate event."""
        if kind not in ("pin", "drop", "restore"):
            raise UsageError(f"{kind}: not a decision (pin, drop or restore)")
        title = self._candidate(event_id).title
        self._record(kind, event_id=event_id)
        await self.rerender()
        done = {"pin": "pinned", "drop": "dropped", "restore": "left to the score"}[kind]
        return Outcome(f"{done}: {title[:80]}")

    async def move(self, event_id: str, step: int) -> Outcome:
        """Move an item ``step`` places (-1 up, +1 down) and store the whole order."""
        digest = self.digest()
        order = [item.event_id for item in digest.items] if digest else []
        if event_id not in order:
            raise UsageError(f"event {event_id}: not an item of the {self.date} digest")
        here = order.index(event_id)
        there = min(max(here + step, 0), len(order) - 1)
        if there == here:
            return Outcome("already there")
        order.insert(there, order.pop(here))
        self._record("order", value=order)
        await self.rerender()
        return Outcome(f"moved item {here + 1} to place {there + 1}")

    async def edit_text(self, event_id: str, name: str, text: str) -> Outcome:
        """Set one field of an item to what the editor typed (checked: UsageError if bad)."""
        item = self.item(event_id)
        value = field_value(name, text)
        if value == getattr(item, name):
            return Outcome(f"{name}: unchanged")
        self._record("text", event_id=event_id, field=name, value=value)
        await self.rerender()
        return Outcome(f"{name} of “{item.title[:60]}” edited")

    async def revert(self, event_id: str, name: str) -> Outcome:
        """Take one field back to the engine's text."""
        if name not in FIELDS:
            raise UsageError(f"field {name!r} cannot be edited; editable: {', '.join(FIELDS)}")
        if name not in self.state().texts.get(event_id, {}):
            return Outcome(f"{name}: not edited")
        self._record("revert", event_id=event_id, field=name)
        await self.rerender()
        return Outcome(f"{name} back to the engine's text")

    async def reanalyse(self, event_id: str) -> Outcome:
        """Analyse one item's event again with the configured engine and keep the answer."""
        from deepdaily.analyse.factory import build_engine
        from deepdaily.pipeline.history import read_history

        self.item(event_id)  # it must be an item of the digest
        event = self.event(event_id)
        if event is None:
            raise UsageError(f"event {event_id}: not in the store any more")
        engine = build_engine(self.settings, self.store)
        if hasattr(engine.provider, "read"):
            engine.provider.read = False  # ask again: a re-analysis is not a cache hit
        try:
            history = read_history(self.store, self.settings, self.day, [event])
            item = await engine.analyser.analyse(history.to_analyse(event), self.settings.profile)
        finally:
            await engine.aclose()
        self._record("analysis", event_id=event_id, value=item.model_dump(mode="json"))
        await self.rerender()
        return Outcome(f"re-analysed by the {item.engine} engine: {item.title[:60]}")

    async def regenerate_synthesis(self) -> Outcome:
        """Trends and watch list made again from the items as they now read."""
        from deepdaily.analyse.factory import build_engine

        digest = self.digest()
        if digest is None:
            raise UsageError(f"no digest stored for {self.date}")
        events = [self.event(item.event_id) for item in digest.items]
        engine = build_engine(self.settings, self.store, offline=self._offline())
        try:
            synthesis = await engine.analyser.synthesise(
                digest.items, [e for e in events if e is not None], self.settings.profile
            )
        finally:
            await engine.aclose()
        value = {
            "items": [item.event_id for item in digest.items],
            "synthesis": synthesis.model_dump(mode="json"),
        }
        self._record("synthesis", value=value)
        await self.rerender()
        return Outcome(
            f"trends and watch list regenerated ({len(synthesis.trends)} trends, "
            f"{len(synthesis.watch)} to watch)"
        )

    def approve_and_publish(self) -> Outcome:
        """Approve the draft and publish it (site post, feeds, HTML page, JSON)."""
        self.store.approve_digest(self.profile, self.date)
        self._record("approve")
        try:
            from deepdaily.publish import publish_digest
        except ImportError as exc:  # the publish package is not installed in this tree
            raise DeepdailyError(f"approved, but publishing is unavailable: {exc}") from exc
        result = publish_digest(self.settings, self.store, self.day)
        self._record("publish")
        written = [str(path) for path in result.written]
        return Outcome(
            f"approved and published {self.date}"
            + (f" ({len(written)} files written)" if written else " (nothing changed)"),
            detail={"written": written},
        )

    async def rerender(self) -> None:
        """Run the day again from the store with every edit applied; store it as a draft."""
        from deepdaily.pipeline import run_digest

        try:
            await run_digest(
                self.settings,
                self.store,
                self.day,
                fetch=False,
                offline=self._offline(),
                review=True,
            )
        except DeepdailyError as exc:  # e.g. a `deepdaily run` of the profile holds the lock
            raise DeepdailyError(
                f"the edit is kept, but the draft was not re-rendered: {exc} "
                "(the next change or run of the day applies it)"
            ) from exc

    # -- helpers ----------------------------------------------------------------------------

    def _offline(self) -> bool:
        """Re-render with the engine the stored digest was made with: offline when none of
        its items (a re-analysed one aside, which the edit supplies) came from an LLM."""
        digest = self.digest()
        if not self.settings.llm or digest is None or not digest.items:
            return False
        reanalysed = self.state().analyses
        return not any(
            item.engine == "llm" for item in digest.items if item.event_id not in reanalysed
        )

    def _candidate(self, event_id: str) -> Selection:
        for sel in self.selections():
            if sel.event_id == event_id:
                return sel
        raise UsageError(f"event {event_id}: not a candidate of the {self.date} digest")

    def _record(
        self, kind: EditKind, *, event_id: str = "", field: str = "", value: Any = None
    ) -> None:
        self.log.record(self.profile, self.date, kind, event_id=event_id, field=field, value=value)
