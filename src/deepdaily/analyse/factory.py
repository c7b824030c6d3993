"""Choose the analysis engine for a run from the settings.

With usable ``[[llm]]`` entries the run gets an :class:`~deepdaily.analyse.llm.LLMAnalyser` over
the provider chain (cached in the store, accounted in a :class:`CallLog`; also exposed as
``Engine.provider`` for the select stage's relevance judgement); otherwise, or with
``offline=True``, the :class:`~deepdaily.analyse.offline.OfflineAnalyser`. Governed by
``[[llm]]`` and ``[analysis]``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from deepdaily.analyse.base import Analyser
from deepdaily.analyse.offline import OfflineAnalyser
from deepdaily.config import Settings
from deepdaily.store import Store

__all__ = ["Engine", "build_engine"]


@dataclass
class Engine:
    """The analyser for one run, and what the manifest should say about it."""

    analyser: Analyser
    notes: list[str] = field(default_factory=list)
    closers: list[Any] = field(default_factory=list)
    log: Any = None  # CallLog when an LLM is configured
    provider: Any = None  # the run's LLM chain (a CachingProvider with a store); None offline
    # provider name -> {"label": "llm[0] name (model)", "address": base URL}, for the summary
    endpoints: dict[str, dict[str, str]] = field(default_factory=dict)

    def manifest(self) -> dict[str, Any]:
        summary: dict[str, Any] = {"notes": self.notes}
        if self.endpoints:
            summary["endpoints"] = dict(self.endpoints)
        if self.log is not None:
            summary.update(self.log.summary())
        report = getattr(self.analyser, "report_summary", None)
        if callable(report):
            summary["verification"] = report()
        return summary

    async def aclose(self) -> None:
        for provider in self.closers:
            await provider.aclose()


def build_engine(
    settings: Settings,
    store: Store | None,
    *,
    offline: bool = False,
    environ: Mapping[str, str] = os.environ,
    http_client: Any = None,
) -> Engine:
    offline_engine = OfflineAnalyser()
    if offline or not settings.llm:
        note = "offline engine requested" if offline and settings.llm else "no [[llm]] configured"
        return Engine(offline_engine, notes=[note])
    from deepdaily.analyse.llm import LLMAnalyser
    from deepdaily.analyse.providers import CallLog, FallbackProvider, build_chain, build_provider

    log = CallLog.for_settings(settings)
    chain, notes = build_chain(
        settings, environ=environ, log=log, store=store, http_client=http_client
    )
    endpoints = _endpoints(settings)
    if chain is None:
        return Engine(offline_engine, notes=notes, log=log, endpoints=endpoints)
    closers: list[Any] = [chain]
    judge = None
    if settings.analysis.judge:
        spec = next((s for s in settings.llm if s.name == settings.analysis.judge), None)
        provider, why = (
            build_provider(spec, environ=environ, http_client=http_client)
            if spec
            else (None, f"analysis.judge: no [[llm]] named {settings.analysis.judge!r}")
        )
        if provider is None:
            notes.append(why)
        else:
            judge = FallbackProvider([provider], log=log)
            closers.append(judge)
    analyser = LLMAnalyser(
        chain, settings=settings.analysis, fallback=offline_engine, log=log, judge=judge
    )
    return Engine(
        analyser, notes=notes, closers=closers, log=log, provider=chain, endpoints=endpoints
    )


def _endpoints(settings: Settings) -> dict[str, dict[str, str]]:
    """Where each enabled ``[[llm]]`` entry is reached, for the run summary (never a key)."""
    from deepdaily.analyse.providers.chain import endpoints

    return {
        endpoint.name: {
            "label": endpoint.label,
            "address": endpoint.base_url or f"the {endpoint.kind} SDK's default URL",
        }
        for endpoint in endpoints(settings)[0]
    }
