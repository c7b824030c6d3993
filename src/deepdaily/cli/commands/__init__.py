"""Each module registers its commands on :data:`deepdaily.cli.app.app`."""

from deepdaily.cli.commands import (
    db,
    deliver,
    demo,
    digest,
    doctor,
    eval,
    llm,
    publish,
    run,
    schedule,
    serve,
    site,
    sources,
    watch,
    worker,
)

__all__ = [
    "db",
    "deliver",
    "demo",
    "digest",
    "doctor",
    "eval",
    "llm",
    "publish",
    "run",
    "schedule",
    "serve",
    "site",
    "sources",
    "watch",
    "worker",
]
