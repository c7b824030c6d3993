"""Union-find over document indices, where a set may carry the id of a known event.

Two sets that already belong to different known events are never joined: an event that was
stored (and perhaps published) keeps its identity even when a new article bridges two stories.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping

import numpy as np

__all__ = ["UnionFind"]


class UnionFind:
    def __init__(self, size: int, labels: Mapping[int, str] | None = None) -> None:
        self._parent = list(range(size))
        self._size = [1] * size
        self._label: dict[int, str] = dict(labels or {})

    def find(self, item: int) -> int:
        root = item
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[item] != root:  # path compression
            self._parent[item], item = root, self._parent[item]
        return root

    def label(self, item: int) -> str | None:
        return self._label.get(self.find(item))

    def size(self, item: int) -> int:
        return self._size[self.find(item)]

    def can_union(self, a: int, b: int) -> bool:
        la, lb = self.label(a), self.label(b)
        return la is None or lb is None or la == lb

    def union(self, a: int, b: int) -> bool:
        """Join the sets of ``a`` and ``b``; False when they are one set or cannot be joined."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb or not self.can_union(ra, rb):
            return False
        if self._size[ra] < self._size[rb]:
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._size[ra] += self._size[rb]
        label = self._label.pop(rb, None)
        if label is not None:
            self._label[ra] = label
        return True

    def groups(self) -> list[list[int]]:
        """Every set as a sorted list of members, ordered by smallest member."""
        members: dict[int, list[int]] = defaultdict(list)
        for item in range(len(self._parent)):
            members[self.find(item)].append(item)
        return sorted(members.values(), key=lambda group: group[0])

    def each_group(self) -> Iterator[list[int]]:
        """What :meth:`groups` lists, one group at a time: on a large batch the lists of every
        group at once would be held beside whatever the caller builds from them."""
        n = len(self._parent)
        if not n:
            return
        roots = np.fromiter((self.find(item) for item in range(n)), dtype=np.int64, count=n)
        first = np.full(n, n, dtype=np.int64)  # each root's smallest member
        np.minimum.at(first, roots, np.arange(n, dtype=np.int64))
        rank = first[roots]
        del roots, first
        order = np.argsort(rank, kind="stable")  # by group, members ascending within each
        rank = rank[order]
        starts = np.flatnonzero(np.diff(rank, prepend=-1)).tolist()
        del rank
        for start, end in zip(starts, [*starts[1:], n], strict=True):
            yield order[start:end].tolist()
