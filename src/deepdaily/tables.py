"""Every table of a store, gathered from the modules that define them.

Most tables live in :mod:`deepdaily.store.schema`; a few are defined beside the one module
that uses them (the LLM cache, the watch list, the review edits, the deliveries, the event
memory, the ledger of distributed runs). Whole-store operations (``deepdaily db copy``) take
them from here; ``tests/test_db.py`` checks that this list and the tables the migrations
create are the same, so a new table cannot be forgotten.
"""

from __future__ import annotations

from sqlalchemy import Table

__all__ = ["store_tables"]


def store_tables() -> list[Table]:
    """The tables the migrations create, ``schema_migrations`` included."""
    from deepdaily.analyse.providers.cache import llm_cache
    from deepdaily.deliver.record import deliveries
    from deepdaily.distributed.tables import dist_runs, dist_tasks
    from deepdaily.store import schema
    from deepdaily.store.edits import review_edits
    from deepdaily.store.memory import event_keys
    from deepdaily.watch.store import watch_topics

    return [
        *schema.metadata.sorted_tables,
        llm_cache,
        watch_topics,
        review_edits,
        deliveries,
        event_keys,
        dist_runs,
        dist_tasks,
    ]
