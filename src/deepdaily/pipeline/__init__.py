"""Orchestration: one run of the whole pipeline, and its manifest."""

from deepdaily.pipeline.collect import CollectReport, collect
from deepdaily.pipeline.manifest import Manifest
from deepdaily.pipeline.run import Hooks, RunResult, run_digest

__all__ = ["CollectReport", "Hooks", "Manifest", "RunResult", "collect", "run_digest"]
