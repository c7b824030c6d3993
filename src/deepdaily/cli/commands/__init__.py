"""Each module registers its commands on :data:`deepdaily.cli.app.app`."""

from deepdaily.cli.commands import demo, digest, doctor, llm, run, sources

__all__ = ["demo", "digest", "doctor", "llm", "run", "sources"]
