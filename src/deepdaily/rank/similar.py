"""How alike two events are, for diversity (MMR) and for novelty against published events.

Each event is one bag of terms (all its documents' titles, texts and entities) in a TF-IDF space
fitted on the candidates and the already-published events together. ``cosine`` drives the MMR
penalty; ``same_story`` applies the clustering stage's own rule (text similarity backed by
shared distinctive entities, see ``cluster/stories.py``) to whole events, so two events the
clusterer kept apart can still be recognised as one story at selection time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from deepdaily.cluster.features import DocFeatures, doc_features
from deepdaily.cluster.stories import EntityStats, evidence
from deepdaily.cluster.text import Entity, entities
from deepdaily.cluster.vectors import TfidfSpace
from deepdaily.models import Event

__all__ = ["EventSpace"]


class EventSpace:
    """Events ``0..n-1`` are the candidates, ``n..`` the published ones."""

    def __init__(
        self,
        events: Sequence[Event],
        published: Sequence[Event] = (),
        features: dict[str, DocFeatures] | None = None,
    ) -> None:
        cache = features if features is not None else {}
        self.n_candidates = len(events)
        self._entities: list[frozenset[Entity]] = []
        term_lists: list[list[str]] = []
        for event in [*events, *published]:
            terms: list[str] = []
            ents: set[Entity] = set()
            for doc in event.documents:
                feat = cache.get(doc.id)
                if feat is None:
                    feat = cache[doc.id] = doc_features(doc)
                terms.extend(feat.terms)
                ents |= feat.entities
            term_lists.append(terms)
            self._entities.append(frozenset(ents))
        self._space = TfidfSpace(term_lists)
        self._stats = EntityStats(self._entities)
        self._title_products = [_title_products(event) for event in [*events, *published]]

    def cosines(self, index: int) -> NDArray[np.float64]:
        """Cosine of event ``index`` against every event (candidates, then published)."""
        return self._space.cosine_to_all(self._space.matrix[index])

    def closest_published(self) -> list[tuple[int, float]]:
        """Per candidate: index (0-based among published) and cosine of the closest published
        event; ``(-1, 0.0)`` when nothing was published."""
        matrix = self._space.matrix
        if matrix.shape[0] == self.n_candidates:
            return [(-1, 0.0)] * self.n_candidates
        block = (matrix[: self.n_candidates] @ matrix[self.n_candidates :].T).tocsr()
        best: list[tuple[int, float]] = []
        for row in range(self.n_candidates):
            start, end = block.indptr[row], block.indptr[row + 1]
            if start == end:
                best.append((0, 0.0))
                continue
            k = start + int(np.argmax(block.data[start:end]))
            best.append((int(block.indices[k]), float(block.data[k])))
        return best

    def same_story(self, a: int, b: int, cosine: float) -> bool:
        """The clustering rule, or both events' headlines naming the same versioned product.

        The second test works across languages ("Veridian 发布 Atlas 3" and "Introducing
        Atlas 3"): a digest has no room for two items about one release on one day.
        """
        if self._title_products[a] & self._title_products[b]:
            return True
        return evidence(self._entities[a], self._entities[b], cosine, self._stats).same_story

    def shared_entities(self, a: int, b: int, cosine: float) -> tuple[str, ...]:
        return evidence(self._entities[a], self._entities[b], cosine, self._stats).shared


_QUANTITY = re.compile(r"^[\d.,]+\s*[a-z%]{0,3}$")


def _title_products(event: Event) -> frozenset[str]:
    """Versioned product names (``Atlas 3``, ``GPT-5.3-Codex``) in the event's titles."""
    found: set[str] = set()
    for doc in event.documents:
        for entity in entities(doc.title):
            key = entity.key
            if (
                entity.kind == "model"
                and any(c.isdigit() for c in key)
                and not _QUANTITY.match(key)
            ):
                found.add(key.split()[-2] + " " + key.split()[-1] if " " in key else key)
    return frozenset(found)
