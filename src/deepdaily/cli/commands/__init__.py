"""Each module registers its commands on :data:`deepdaily.cli.app.app`."""

from deepdaily.cli.commands import (
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
)

__all__ = [
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
]
