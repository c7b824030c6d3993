"""Analysis engines: turn a selected event into a digest item, and the items into a synthesis.

``base.Analyser`` is the seam; ``offline.OfflineAnalyser`` is the engine that needs no LLM and
quotes its sources instead of judging them. LLM engines live in ``providers/``.
"""

from __future__ import annotations

from deepdaily.analyse.base import Analyser
from deepdaily.analyse.labels import Labels, labels_for
from deepdaily.analyse.offline import OfflineAnalyser

__all__ = ["Analyser", "Labels", "OfflineAnalyser", "labels_for"]
