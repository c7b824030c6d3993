"""One run: collect -> cluster -> select -> analyse -> synthesise -> render -> store -> publish.

Each stage reads what the previous ones stored and writes its result back, so running the
same day twice adds no rows and re-extracts nothing, and a crashed run is resumed by running
it again. The manifest records what every stage did. Governed by the whole settings object;
the profile decides the window, the item count and the language. The select stage is
:mod:`deepdaily.pipeline.choose`.

A run holds its profile's run lock (:meth:`deepdaily.store.Store.run_lock`; the CLI takes it
first, with ``--wait`` if asked), so one profile runs once at a time per store; runs of the
profile left ``running`` by a killed process are marked ``interrupted`` when the next one
starts. The render stage writes the post and its JSON atomically
(:func:`deepdaily.fileio.write_atomic`, through :func:`deepdaily.publish.write_post`), and only
then stores the digest (``approved``) and its watch topics in one transaction: a kill before
that commit leaves the database as it was and the next run finds the same files; then the
publish stage (:func:`deepdaily.publish.publish_digest`) adds the HTML page and the feeds,
marks the digest published, and the run's end is recorded (a kill before that leaves the day
approved, and the next run or ``deepdaily publish`` finishes it, rewriting only what differs).
With ``review`` no file is written: the digest is stored as a ``draft`` that waits for
``deepdaily serve`` or ``deepdaily publish --approve DATE``.
A run stopped by Ctrl-C or SIGTERM is recorded ``interrupted``, one that raised ``failed``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import httpx

from deepdaily.analyse.base import Analyser
from deepdaily.analyse.factory import Engine, build_engine
from deepdaily.analyse.llm import analyse_many
from deepdaily.cluster import cluster_documents
from deepdaily.config import Settings
from deepdaily.config.store import EVENT_MEMORY_DAYS
from deepdaily.errors import DeepdailyError, NothingToPublish
from deepdaily.models import (
    Digest,
    DigestItem,
    Selection,
    SourceOutcome,
    Synthesis,
    content_id,
)
from deepdaily.pipeline.choose import choose
from deepdaily.pipeline.collect import CollectReport, collect
from deepdaily.pipeline.manifest import Manifest, StageTiming
from deepdaily.pipeline.memory import recall_known, remember
from deepdaily.publish import publish_digest, targets_for, write_post
from deepdaily.rank import digest_window
from deepdaily.render import render_json, render_markdown
from deepdaily.store import Store
from deepdaily.store.retention import prune_after_run
from deepdaily.watch import open_listed_topics

if TYPE_CHECKING:
    from deepdaily.distributed.coordinator import Distribution

__all__ = ["Hooks", "RunResult", "run_digest"]

#: How far back a new document may join an event seen earlier.
EVENT_MEMORY = timedelta(days=EVENT_MEMORY_DAYS)


@dataclass
class Hooks:
    """Callbacks for a progress display; every one is optional."""

    stage: Callable[[str], None] | None = None
    source_done: Callable[[SourceOutcome], None] | None = None
    sources_total: Callable[[int], None] | None = None


@dataclass
class RunResult:
    manifest: Manifest
    digest: Digest
    selections: list[Selection]
    markdown: str
    path: Path
    collected: CollectReport | None = None  # what this run (or the one it followed) collected


@contextmanager
def _timed(manifest: Manifest, stage: str, hooks: Hooks) -> Iterator[None]:
    if hooks.stage:
        hooks.stage(stage)
    started = time.perf_counter()
    try:
        yield
    finally:
        manifest.timings.append(
            StageTiming(stage=stage, seconds=round(time.perf_counter() - started, 3))
        )


async def run_digest(
    settings: Settings,
    store: Store,
    day: date,
    *,
    fetch: bool = True,
    transport: httpx.AsyncBaseTransport | None = None,
    analyser: Analyser | None = None,
    offline: bool = False,
    hooks: Hooks | None = None,
    workers: int | None = None,
    collected: CollectReport | None = None,
    review: bool = False,
    distributed: Distribution | None = None,
) -> RunResult:
    """Produce (or re-produce) the digest of ``day`` for the settings' profile, and publish it.

    ``analyser`` overrides the engine chosen from the settings; ``offline`` forces the
    offline engine even when ``[[llm]]`` entries are configured. ``collected`` is what an
    earlier run of the same invocation collected (``--all-profiles`` fetches once): its source
    outcomes count for this run too, without fetching again.

    Raises :class:`~deepdaily.errors.NothingToPublish`, and writes no digest, when every
    source the profile reads failed or no document falls in the window: a broken day must not
    look like a quiet one. ``review`` stores the digest as a draft and publishes nothing
    (``result.path`` is where the post will go once released).

    ``distributed`` hands the fan-out stages (collect per source, analyse per event) to
    workers (:mod:`deepdaily.distributed`); every other stage runs here as always.
    """
    with store.run_lock(settings.profile.name):  # re-entrant: the CLI may hold it already
        store.mark_interrupted(settings.profile.name)
        return await _run_locked(
            settings,
            store,
            day,
            fetch=fetch,
            transport=transport,
            analyser=analyser,
            offline=offline,
            hooks=hooks or Hooks(),
            workers=workers,
            collected=collected,
            review=review,
            distributed=distributed,
        )


async def _run_locked(
    settings: Settings,
    store: Store,
    day: date,
    *,
    fetch: bool,
    transport: httpx.AsyncBaseTransport | None,
    analyser: Analyser | None,
    offline: bool,
    hooks: Hooks,
    workers: int | None,
    collected: CollectReport | None,
    review: bool = False,
    distributed: Distribution | None = None,
) -> RunResult:
    profile = settings.profile
    engine = Engine(analyser) if analyser else build_engine(settings, store, offline=offline)
    run_id = uuid.uuid4().hex[:16]
    start, end = digest_window(day, profile)
    manifest = Manifest(
        run_id=run_id,
        profile=profile.name,
        digest_date=day.isoformat(),
        window_start=start,
        window_end=end,
    )
    store.start_run(run_id, profile.name, day.isoformat())
    try:
        if fetch:
            if hooks.sources_total:
                hooks.sources_total(sum(1 for s in settings.sources if s.enabled))
            with _timed(manifest, "collect", hooks):
                report = await (distributed.collect if distributed else collect)(
                    settings,
                    store,
                    run_id,
                    transport=transport,
                    on_source=hooks.source_done,
                    workers=workers,
                )
            _record_collect(manifest, report)
            collected = report
        elif collected is not None:
            _record_collect(manifest, collected)
            manifest.collected_earlier = True
        _refuse_if_every_source_failed(manifest, _profile_sources(settings))

        with _timed(manifest, "cluster", hooks):
            documents = store.documents_in(start, end)
            manifest.documents_in_window = len(documents)
            if not documents:
                raise NothingToPublish(_empty_window(manifest, profile.timezone), manifest=manifest)
            recall = recall_known(store, documents, start - EVENT_MEMORY)  # not the window
            events = cluster_documents(
                documents, recall.known, recall.features_of, consume_features=True
            )
            with store.transaction():
                store.save_events(events)
                remember(store, events, recall)
            readable = _profile_sources(settings)
            window_ids = {d.id for d in documents if readable is None or d.source in readable}
            in_window = (
                ev.as_of(end) for ev in events if any(d.id in window_ids for d in ev.documents)
            )
            events = [ev for ev in in_window if ev is not None]
            manifest.events = len(events)

        with _timed(manifest, "select", hooks):
            choice = await choose(store, settings, day, events, (start, end), engine)
            selections = choice.selections
            store.save_selections(run_id, selections)
            chosen = choice.chosen
            manifest.selected = [s.event_id for s in chosen]
            manifest.rejected = len(selections) - len(chosen)

        with _timed(manifest, "analyse", hooks):
            by_id = {ev.id: ev for ev in events}
            chosen_events = [choice.history.to_analyse(by_id[s.event_id]) for s in chosen]
            analysed = await (distributed.analyse if distributed else analyse_many)(
                engine.analyser, chosen_events, profile, settings.analysis.concurrency
            )
            analysed = choice.review.reanalysed(analysed)  # an editor's re-analysis wins
            items: list[DigestItem] = [
                item.model_copy(
                    update={
                        "selection_reason": sel.reason,
                        "follow_up": choice.follow_ups.follow_up(sel.event_id),
                        **choice.history.update_fields(sel.event_id),
                    }
                )
                for item, sel in zip(analysed, chosen, strict=True)
            ]
            synthesis = await engine.analyser.synthesise(items, chosen_events, profile)
            items, synthesis = choice.review.edit(items, synthesis)  # the editor's text
            manifest.edits_applied, manifest.edits_orphaned = (
                choice.review.applied,
                choice.review.orphaned,
            )
            used = "llm" if any(i.engine == "llm" for i in items) else "offline"
            manifest.engine = used
            manifest.llm = engine.manifest()

        with _timed(manifest, "render", hooks):
            digest = _digest(settings, day, items, synthesis, used, start, end)
            markdown = render_markdown(digest, template_dir=settings.template_dir)
            json_text = render_json(digest)
            path = targets_for(settings, digest).post
            manifest.digest_hash = content_id(markdown, length=64)
            if not review:  # files first, each whole or not at all; the database follows
                write_post(settings, digest, markdown, json_text)
        # Retention, before the day's digest is stored: it removes nothing of a recent day.
        # A review re-render (every edit in `deepdaily serve`) leaves it to the daily run.
        if not review:
            pruned = prune_after_run(store, settings.store.keep_days, start, datetime.now(UTC))
            manifest.pruned = pruned.deleted if pruned else {}
        with store.transaction():
            manifest.digest_changed = store.save_digest(
                digest,
                run_id=run_id,
                path=str(path),
                markdown=markdown,
                json_text=json_text,
                status="draft" if review else "approved",
            )
            choice.follow_ups.record(item.event_id for item in digest.items)  # topics followed up
            open_listed_topics(store, settings, digest)  # the watch list becomes state
            if review:  # a draft: nothing is written into the site until it is released
                store.finish_run(run_id, "ok", manifest.model_dump(mode="json"))
        if not review:
            with _timed(manifest, "publish", hooks):
                published = publish_digest(settings, store, day)
                manifest.digest_path = str(published.post)
            store.finish_run(run_id, "ok", manifest.model_dump(mode="json"))
    except BaseException as exc:
        message = str(exc) if isinstance(exc, DeepdailyError) else f"{type(exc).__name__}: {exc}"
        manifest.errors.append(message or type(exc).__name__)
        stopped = isinstance(exc, (KeyboardInterrupt, SystemExit, asyncio.CancelledError))
        status = "interrupted" if stopped else "failed"
        store.finish_run(run_id, status, manifest.model_dump(mode="json"))
        raise
    finally:
        await engine.aclose()
    return RunResult(
        manifest=manifest,
        digest=digest,
        selections=selections,
        markdown=markdown,
        path=path,
        collected=collected,
    )


def _record_collect(manifest: Manifest, report: CollectReport) -> None:
    manifest.sources = report.outcomes
    manifest.entries = report.entries
    manifest.documents_new = report.documents_new
    manifest.documents_seen = report.documents_seen
    manifest.documents_updated = report.documents_updated
    manifest.extraction_failures = report.extraction_failures
    manifest.merged_entries = report.merges


def _refuse_if_every_source_failed(manifest: Manifest, readable: set[str] | None) -> None:
    """Stop the run when every source the profile reads was tried and failed."""
    tried = [o for o in manifest.sources if readable is None or o.source in readable]
    if not tried or any(o.ok for o in tried):
        return
    reasons = "; ".join(f"{o.source}: {o.error}" for o in tried[:3])
    more = f"; and {len(tried) - 3} more" if len(tried) > 3 else ""
    raise NothingToPublish(
        f"every source failed ({len(tried)} of {len(tried)}), no digest written for "
        f"{manifest.digest_date}: {reasons}{more}",
        manifest=manifest,
    )


def _empty_window(manifest: Manifest, timezone: str) -> str:
    start = manifest.window_start.astimezone(ZoneInfo(timezone))
    end = manifest.window_end.astimezone(ZoneInfo(timezone))
    where = f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} {timezone}"
    if manifest.sources:
        why = f"the sources listed {manifest.entries} entries, none dated in it"
    else:
        why = "nothing stored for it (collect first: run without --no-fetch)"
    return f"no document in the window {where}: {why}; no digest written for {manifest.digest_date}"


def _profile_sources(settings: Settings) -> set[str] | None:
    """The sources the profile reads (``profile.source_tags``), or None for all of them.

    Clustering stays profile-independent; a profile only sees events that at least one of
    its own sources covers (the event keeps all its coverage).
    """
    tags = set(settings.profile.source_tags)
    if not tags:
        return None
    return {spec.name for spec in settings.sources if tags & set(spec.tags)}


def _digest(
    settings: Settings,
    day: date,
    items: list[DigestItem],
    synthesis: Synthesis,
    engine: str,
    start: datetime,
    end: datetime,
) -> Digest:
    profile = settings.profile
    local = datetime(day.year, day.month, day.day, profile.publish_hour, tzinfo=profile.tz)
    return Digest.model_validate(
        {
            "date": day.isoformat(),
            "profile": profile.name,
            "language": profile.language,
            "title": profile.title_for(day),  # the user's title, else the language's
            "tagline": profile.tagline_text,
            "tags": profile.tags,
            "categories": profile.categories,
            "published_at": local,
            "items": items,
            "synthesis": synthesis,
            "engine": engine,
            "window_start": start,
            "window_end": end,
            "generated_at": datetime.now(UTC),
        }
    )
