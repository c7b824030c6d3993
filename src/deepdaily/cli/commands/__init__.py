"""Each module registers its commands on :data:`deepdaily.cli.app.app`."""

from deepdaily.cli.commands import (
    db,
    demo,
    digest,
    doctor,
    eval,
    llm,
    run,
    schedule,
    sources,
    watch,
    worker,
)

__all__ = [
    "db",
    "demo",
    "digest",
    "doctor",
    "eval",
    "llm",
    "run",
    "schedule",
    "sources",
    "watch",
    "worker",
]
