"""Text and JSON renderings of replays, gate results and floor updates (for ``deepdaily eval``).

In the pick lists ``*`` marks a pick holding a gold record, ``=`` a pick repeating a story
already picked and ``!`` a pick holding an adversarial record.
"""

from __future__ import annotations

from typing import Any

from deepdaily.eval.floors import GateResult, UpdateResult
from deepdaily.eval.metrics import GATED_METRICS, Ratio
from deepdaily.eval.replay import Replay

__all__ = ["gate_json", "gate_text", "replay_json", "replay_text", "update_json", "update_text"]


def _name(run: Replay) -> str:
    return str(run.day.path) if run.day.path else run.day.day.isoformat()


def _hours(run: Replay) -> int:
    return round((run.window[1] - run.window[0]).total_seconds() / 3600)


def _row(label: str, ratio: Ratio, note: str = "") -> str:
    value = "n/a" if ratio.value is None else f"{ratio.value:.3f}"
    return f"  {label:<18}{ratio!s:>7}  {value:>5}  {note}".rstrip()


def _show(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def _follow_up_lines(run: Replay) -> list[str]:
    lines = []
    for f in run.metrics.follow_ups:
        fate = f"picked #{f.rank}" if f.rank else "not picked"
        joined = ", joined the earlier event" if f.joined_earlier else ""
        lines.append(
            f"{f.record} ({'gold' if f.gold else 'distractor'}) follows {f.earlier}: {fate}{joined}"
        )
    return lines


def replay_text(run: Replay, *, reasons: bool = True) -> str:
    """A readable report of one replayed day: window, figures, then the picks."""
    m = run.metrics
    start, end = (w.strftime("%Y-%m-%d %H:%M") for w in run.window)
    attacks = ", ".join(m.adversarial_picked) + " SELECTED" if m.adversarial_picked else "none"
    history = ", ".join(d.path.name if d.path else d.day.isoformat() for d in run.history)
    missed = f"missed: {', '.join(m.gold_missed)}" if m.gold_missed else ""
    repeats = f"at ranks {m.duplicate_ranks}" if m.duplicate_ranks else ""
    out = [
        f"{_name(run)}: digest {run.day.day}, window {start} .. {end} UTC ({_hours(run)} h), "
        f"k={run.k}",
        f"  {len(run.day.documents)} candidates -> {len(run.events)} events, "
        f"{len(m.picks)} picked; history: {history or 'none'}",
        _row("gold recall", m.gold_recall, missed),
        _row(f"precision@{run.k}", m.precision_at_k, "picks bringing a new gold story / k"),
        _row("pick precision", m.pick_precision, "the same, over the picks"),
        _row("duplicate rate", m.duplicates, repeats),
        _row("cluster precision", m.cluster_precision, "event pairs touching a story"),
        _row("cluster recall", m.cluster_recall, "story pairs in one event"),
        f"  {'adversarial':<18}{attacks}",
    ]
    out += [f"  {'follow-up':<18}{line}" for line in _follow_up_lines(run)]
    duplicates = set(m.duplicate_ranks)
    for sel, event in run.picked():
        records = run.ids_of(event)
        mark = (
            ("*" if run.day.gold & set(records) else " ")
            + ("=" if sel.rank in duplicates else " ")
            + ("!" if run.day.adversarial & set(records) else " ")
        )
        out.append(f"  {mark}{sel.rank}. [{', '.join(records)}] {sel.title[:72]}")
        if reasons:
            out.append(f"        {sel.reason}")
    return "\n".join(out)


def replay_json(run: Replay) -> dict[str, Any]:
    """Every figure of one replayed day as plain JSON data."""
    m = run.metrics
    ratios = {
        "gold_recall": m.gold_recall,
        "precision_at_k": m.precision_at_k,
        "pick_precision": m.pick_precision,
        "duplicate_rate": m.duplicates,
        "cluster_precision": m.cluster_precision,
        "cluster_recall": m.cluster_recall,
    }
    return {
        "dataset": _name(run),
        "date": run.day.day.isoformat(),
        "window": [w.isoformat() for w in run.window],
        "window_hours": _hours(run),
        "k": run.k,
        "history": [str(d.path) for d in run.history],
        "candidates": len(run.day.documents),
        "events": len(run.events),
        "picked": len(m.picks),
        "metrics": m.gated(),
        "counts": {name: [r.hits, r.total] for name, r in ratios.items()},
        "gold_found": m.gold_found,
        "gold_missed": m.gold_missed,
        "duplicate_ranks": m.duplicate_ranks,
        "adversarial_picked": m.adversarial_picked,
        "follow_ups": [
            {
                "record": f.record,
                "follows": f.earlier,
                "gold": f.gold,
                "rank": f.rank,
                "joined_earlier": f.joined_earlier,
            }
            for f in m.follow_ups
        ],
        "picks": [
            {
                "rank": sel.rank,
                "records": run.ids_of(event),
                "title": sel.title,
                "score": sel.score.total,
                "reason": sel.reason,
            }
            for sel, event in run.picked()
        ],
    }


def gate_text(result: GateResult) -> str:
    """One line per dataset, then one per breach."""
    lines = []
    for pinned, run in result.replays:
        measured = run.metrics.gated()
        figures = ", ".join(f"{name} {_show(measured[name])}" for name in GATED_METRICS)
        lines.append(f"{pinned.name} (k={pinned.k}): {figures}")
    if result.passed:
        pins = sum(len(pinned.metrics) for pinned, _ in result.replays)
        lines.append(f"gate passed: {len(result.replays)} datasets, {pins} pinned figures")
    else:
        lines += [f"BELOW FLOOR {breach}" for breach in result.breaches]
        lines.append(f"gate failed: {len(result.breaches)} figure(s) worse than pinned")
    return "\n".join(lines)


def update_text(result: UpdateResult) -> str:
    """What an update changed, and which pins it loosened or refused to loosen."""
    lines = [
        f"{c.dataset}: {c.metric} {'unpinned' if c.old is None else _show(c.old)} -> {_show(c.new)}"
        for c in result.changes
    ]
    if not result.written:
        lines += [f"refused to loosen {breach}" for breach in result.loosened]
        lines.append(
            "floors not written: a measured figure is worse than its pin "
            "(fix the regression, or pass --allow-lower to accept it)"
        )
    else:
        lines += [f"loosened {breach}" for breach in result.loosened]
        lines.append(
            f"floors written ({len(result.changes)} change(s))"
            if result.changes
            else "floors unchanged"
        )
    return "\n".join(lines)


def gate_json(result: GateResult) -> dict[str, Any]:
    return {
        "passed": result.passed,
        "breaches": [str(breach) for breach in result.breaches],
        "datasets": [
            {**replay_json(run), "pinned": pinned.metrics} for pinned, run in result.replays
        ],
    }


def update_json(result: UpdateResult) -> dict[str, Any]:
    return {
        "written": result.written,
        "changes": [
            {"dataset": c.dataset, "metric": c.metric, "old": c.old, "new": c.new}
            for c in result.changes
        ],
        "loosened": [str(breach) for breach in result.loosened],
    }
