"""A view's skeleton: every Nth row's (sort key, id) with its position in the view.

A jump to row 5,000,000 of a ten-million-ticket view cannot ask the server to skip five
million rows (OFFSET visits every one of them: 170 ms at 100k on PostgreSQL, growing
with the offset). The skeleton is an order-statistic index over one view, built by one
scan of the view's index in the background: the anchor just before any position is
found by bisection, and the rows from there are a keyset walk of fewer than ``stride``
index entries. The same anchors answer the opposite question, "at which row is ticket
INC-…?", with a count bounded by the stride.

The model keeps the skeleton true under live changes (``shift``) and rebuilds it when
it may have drifted (a reconnect, a soft refresh).
"""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from typing import Any

from desk.queue.spec import QueueSpec

# Rows between anchors. 10,000,000 rows make 20,000 anchors (about 2 MB); a seek walks
# at most this many index entries, which costs well under a millisecond.
STRIDE = 512


@dataclass(frozen=True)
class Anchor:
    """One row of the view: its sort key (None in the NULL segment) and id."""

    key: Any
    id: int


def view_order(spec: QueueSpec) -> Any:
    """A sort key for anchors that orders them as the view does (``desk.queue.service``
    sorts NULL keys last in either direction, then by id in the view's direction)."""
    desc = spec.descending

    def compare(a: Anchor, b: Anchor) -> int:
        if spec.sort != "number":
            if (a.key is None) != (b.key is None):
                return 1 if a.key is None else -1
            if a.key is not None and a.key != b.key:
                less = a.key < b.key
                return (1 if less else -1) if desc else (-1 if less else 1)
        if a.id == b.id:
            return 0
        less = a.id < b.id
        return (1 if less else -1) if desc else (-1 if less else 1)

    return functools.cmp_to_key(compare)


@dataclass
class Skeleton:
    """Anchors of one view in view order, each with its 0-based position."""

    spec: QueueSpec
    total: int
    positions: list[int] = field(default_factory=list)
    anchors: list[Anchor] = field(default_factory=list)
    # False when the server's order of the anchors is not Python's (a string sort key
    # under a locale collation): positions still work, ranks of a row then ask the server.
    comparable: bool = True

    def __post_init__(self) -> None:
        order = view_order(self.spec)
        keys = [order(a) for a in self.anchors]
        self.comparable = all(keys[i] < keys[i + 1] for i in range(len(keys) - 1))
        self._keys = keys if self.comparable else []

    def copy(self) -> Skeleton:
        """A copy whose positions a worker may read while the model shifts the original
        (the anchors themselves never change, so they are shared)."""
        twin = object.__new__(Skeleton)
        twin.spec, twin.total, twin.comparable = self.spec, self.total, self.comparable
        twin.positions, twin.anchors, twin._keys = list(self.positions), self.anchors, self._keys
        return twin

    def seek(self, position: int) -> tuple[Anchor | None, int]:
        """The anchor a walk starts after to reach ``position`` (None: the view's start),
        and how many rows after it to skip."""
        j = bisect.bisect_left(self.positions, position) - 1
        if j < 0:
            return None, max(position, 0)
        return self.anchors[j], position - self.positions[j] - 1

    def before(self, row: Anchor) -> tuple[Anchor | None, int]:
        """The last anchor strictly before ``row`` in view order and its position
        (None, -1: the row comes before every anchor). Needs ``comparable``."""
        j = bisect.bisect_left(self._keys, view_order(self.spec)(row)) - 1
        if j < 0:
            return None, -1
        return self.anchors[j], self.positions[j]

    def shift(self, at: int, delta: int) -> None:
        """A row was inserted at ``at`` (delta +1) or the row at ``at`` removed (-1).

        A removed anchor row stays as a boundary one place earlier: the rows after its
        key still start at ``at``, which is all a seek needs of it.
        """
        if delta > 0:
            j = bisect.bisect_left(self.positions, at)
        else:
            j = bisect.bisect_right(self.positions, at)
            k = bisect.bisect_left(self.positions, at)
            for i in range(k, j):
                self.positions[i] = at - 1
        for i in range(j, len(self.positions)):
            self.positions[i] += delta
        self.total = max(self.total + delta, 0)
