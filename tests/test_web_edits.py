"""The edits log (``deepdaily.store.edits``) and its application to a run
(``deepdaily.pipeline.edits``), without the web app: folding, pins/drops/order over a
ranking, stored re-analyses, text edits, regenerated synthesis, and the renderer publishing
edited text as written."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from deepdaily.errors import UsageError
from deepdaily.models import (
    Backing,
    Claim,
    Digest,
    DigestItem,
    ScoreBreakdown,
    Selection,
    Synthesis,
    Trend,
)
from deepdaily.pipeline.edits import Review, field_text, field_value
from deepdaily.render import render_markdown
from deepdaily.store import Store
from deepdaily.store.edits import EditLog, ReviewEdits


@pytest.fixture
def log(tmp_path: Path) -> EditLog:
    return EditLog(Store(f"sqlite:///{tmp_path / 'edits.db'}"))


def selection(event_id: str, total: float, rank: int | None = None) -> Selection:
    return Selection(
        event_id=event_id,
        title=f"Event {event_id}",
        selected=rank is not None,
        rank=rank,
        score=ScoreBreakdown(total=total),
        reason="scored" if rank else "below the cut",
    )


def item(event_id: str, **changes: object) -> DigestItem:
    data: dict[str, object] = {
        "event_id": event_id,
        "organisation": "Acme",
        "title": f"Title {event_id}",
        "sources": [f"https://acme.example.com/{event_id}"],
        "what": f"What {event_id} is.",
        "technical": [f"Point of {event_id}."],
        "selection_reason": "scored",
    }
    data.update(changes)
    return DigestItem.model_validate(data)


# -- the log -------------------------------------------------------------------------------


def test_log_keeps_every_edit_with_its_time_and_folds_latest_first(log: EditLog) -> None:
    before = datetime.now(UTC)
    log.record("p", "2026-11-27", "pin", event_id="a")
    log.record("p", "2026-11-27", "drop", event_id="a")  # the later decision wins
    log.record("p", "2026-11-27", "drop", event_id="b")
    log.record("p", "2026-11-27", "restore", event_id="b")
    log.record("p", "2026-11-27", "order", value=["c", "a"])
    log.record("p", "2026-11-27", "text", event_id="c", field="what", value="one")
    log.record("p", "2026-11-27", "text", event_id="c", field="title", value="T")
    log.record("p", "2026-11-27", "revert", event_id="c", field="title")
    log.record("p", "2026-11-26", "pin", event_id="z")  # another day
    log.record("q", "2026-11-27", "pin", event_id="y")  # another profile

    history = log.history("p", "2026-11-27")
    assert len(history) == 8 and [e.id for e in history] == sorted(e.id for e in history)
    assert all(before <= e.created_at <= datetime.now(UTC) for e in history)
    state = log.state("p", "2026-11-27")
    assert state.decisions == {"a": "drop"}
    assert state.pinned == [] and state.dropped == ["a"]
    assert state.order == ["c", "a"]
    assert state.texts == {"c": {"what": "one"}}
    assert not state.empty and log.state("p", "2026-11-25").empty
    assert [e.describe() for e in history[:4]] == [
        "pinned a",
        "dropped a",
        "dropped b",
        "b back to the score",
    ]


def test_describe_names_each_kind_in_words(log: EditLog) -> None:
    """Guards against 'digest publishd' in the history."""
    approve = log.record("p", "d", "approve")
    publish = log.record("p", "d", "publish")
    assert approve.describe() == "digest approved"
    assert publish.describe() == "digest published"


def test_unknown_kind_is_refused(log: EditLog) -> None:
    with pytest.raises(ValueError, match="unknown edit kind"):
        log.record("p", "d", "rewrite")  # type: ignore[arg-type]
    assert log.history("p", "d") == []


def test_revert_of_the_last_field_forgets_the_item() -> None:
    state = ReviewEdits(texts={"c": {"what": "x"}})
    from deepdaily.store.edits import Edit

    state.apply(Edit(1, "p", "d", "revert", "c", "what", None, datetime.now(UTC)))
    assert state.texts == {} and state.empty


# -- form values ---------------------------------------------------------------------------


def test_field_values_from_form_text() -> None:
    assert field_value("technical", "a\r\n\n  b   c \n") == ["a", "b c"]
    assert field_value("technical", "  \n") == []
    assert field_value("impact", "\n") is None
    assert field_value("why", "   ") is None
    assert field_value("advice_lead", "  ") == ""
    assert field_value("what", " two\nlines ") == "two lines"
    with pytest.raises(UsageError, match="title: may not be empty"):
        field_value("title", " ")
    with pytest.raises(UsageError, match="cannot be edited"):
        field_value("sources", "x")
    edited = item("a", technical=["x", "y"], why=None)
    assert field_text(edited, "technical") == "x\ny" and field_text(edited, "why") == ""


# -- pins, drops and order -----------------------------------------------------------------


def test_select_lays_pins_drops_and_order_over_the_ranking() -> None:
    ranking = [
        selection("a", 0.9, 1),
        selection("b", 0.8, 2),
        selection("c", 0.7, 3),
        selection("d", 0.5),
        selection("e", 0.6),
    ]
    edits = ReviewEdits(decisions={"b": "drop", "d": "pin", "gone": "pin"}, order=["d", "c"])
    review = Review(edits)
    result = {s.event_id: s for s in review.select(ranking)}
    chosen = sorted((s for s in result.values() if s.selected), key=lambda s: s.rank or 0)
    assert [s.event_id for s in chosen] == ["d", "c", "a"]  # the editor's order, then score
    assert [s.rank for s in chosen] == [1, 2, 3]
    assert not result["b"].selected and result["b"].rank is None
    assert result["b"].reason.startswith("dropped by the editor (the score had selected it")
    assert result["d"].reason.startswith("pinned by the editor (the score alone left it out")
    assert not result["e"].selected  # a drop frees no place for the next by score
    assert review.orphaned == ["pin of gone: not among the day's candidates any more"]
    assert "order of 2 items set by the editor" in review.applied


def test_select_without_edits_changes_nothing() -> None:
    ranking = [selection("a", 0.9, 1), selection("b", 0.1)]
    assert Review().select(ranking) == ranking


# -- re-analyses, text, synthesis ----------------------------------------------------------


def test_stored_reanalysis_replaces_the_engines_answer_but_not_the_runs_fields() -> None:
    stored = item("a", what="Re-analysed text.", selection_reason="old", follow_up="old")
    edits = ReviewEdits(analyses={"a": stored.model_dump(mode="json"), "b": {"bad": 1}, "x": {}})
    review = Review(edits)
    fresh = [item("a", follow_up="today's"), item("b")]
    result = review.reanalysed(fresh)
    assert result[0].what == "Re-analysed text."
    assert result[0].follow_up == "today's" and result[0].selection_reason == "scored"
    assert result[1] == fresh[1]  # unreadable: the engine's answer stays
    assert any("re-analysis of b: unreadable" in line for line in review.orphaned)
    assert any(
        "re-analysis of x: its item is not in the digest" in line for line in review.orphaned
    )


def test_text_edits_mark_the_item_and_drop_the_backing_of_rewritten_sections() -> None:
    original = item(
        "a",
        engine="llm",
        backing=[
            Backing(section="what", text="What a is.", claims=[1]),
            Backing(section="technical", text="Point of a.", claims=[1]),
        ],
    )
    edits = ReviewEdits(
        texts={"a": {"what": "Rewritten.", "sources": "ignored"}, "gone": {"what": "x"}}
    )
    review = Review(edits)
    items, _ = review.edit([original, item("b")], Synthesis())
    assert items[0].what == "Rewritten." and items[0].sources == original.sources
    assert items[0].edited and items[0].edited_fields == ["what"]
    assert [b.section for b in items[0].backing] == ["technical"]
    assert items[1] == item("b")
    assert any("text of gone" in line for line in review.orphaned)

    broken = Review(ReviewEdits(texts={"a": {"technical": 5}}))
    kept, _ = broken.edit([original], Synthesis())
    assert kept[0] == original and "unreadable" in broken.orphaned[0]


def test_regenerated_synthesis_is_used_only_for_the_items_it_was_made_for() -> None:
    made = Synthesis(trends=[Trend(lead="Lead", text="A trend.", items=[1])])
    stored = {"items": ["a", "b"], "synthesis": made.model_dump(mode="json")}
    engine = Synthesis()
    review = Review(ReviewEdits(synthesis=stored))
    _, used = review.edit([item("a"), item("b")], engine)
    assert used == made and "trends and watch list regenerated by the editor" in review.applied
    stale = Review(ReviewEdits(synthesis=stored))
    _, used = stale.edit([item("b"), item("a")], engine)  # reordered since
    assert used == engine and "made for other items" in stale.orphaned[0]


def test_renderer_publishes_edited_text_as_written() -> None:
    """An unverified claim inside engine text is marked 未核实; the same words typed by the
    editor are published as written (the editor answers for them)."""
    claim = Claim(id=1, text="It runs 3x faster.", status="unverified")
    engine_item = item("a", engine="llm", what="It runs 3x faster.", claims=[claim])
    edited_item = engine_item.model_copy(update={"edited": True, "edited_fields": ["what"]})

    def digest(one: DigestItem) -> Digest:
        return Digest(
            date="2026-11-27",
            profile="zh",
            language="zh",
            title="日报",
            tagline="",
            tags=[],
            categories=[],
            published_at=datetime(2026, 11, 27, 8, tzinfo=UTC),
            items=[one],
            synthesis=Synthesis(),
            engine="llm",
            window_start=datetime(2026, 11, 26, tzinfo=UTC),
            window_end=datetime(2026, 11, 27, tzinfo=UTC),
            generated_at=datetime(2026, 11, 27, tzinfo=UTC),
        )

    assert "未核实" in render_markdown(digest(engine_item))
    assert "未核实" not in render_markdown(digest(edited_item))
    assert "It runs 3x faster." in render_markdown(digest(edited_item))
