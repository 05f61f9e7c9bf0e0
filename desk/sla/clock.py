"""Business time: add it to an instant, measure it between two instants.

A ``BusinessClock`` holds a calendar's working intervals as sorted UTC epoch seconds
plus a running total of working seconds before each interval. An instant's position
on the business time line is then a binary search, and both operations are two
searches and some arithmetic: no minute stepping, exact to the second, whatever the
span. Intervals are produced a year at a time on demand, so a clock built for one
week still answers for a date five years out.

A calendar may have several versions; each governs the instants from its
``effective_from`` until the next version's. Past instants therefore always keep the
working time they had when they were measured, while a closure entered today
affects the open tickets from today on.

All inputs and outputs are timezone-aware UTC datetimes (naive ones are refused).
"""
from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from desk.errors import InvalidInput
from desk.sla.calendar import CalendarSpec, Interval

UTC = dt.UTC
_CHUNK_S = 366 * 86_400
# A calendar with no working time for this long is a mistake, not a slow desk.
_MAX_SEARCH_S = 30 * 366 * 86_400
_MIN_EPOCH = -2_000_000_000


def to_epoch(value: dt.datetime) -> int:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: the SLA clock takes aware UTC datetimes")
    return int(value.timestamp())


def from_epoch(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, UTC)


class BusinessClock:
    """Business-time arithmetic over one calendar's (versioned) working intervals."""

    def __init__(self, versions: Sequence[tuple[int, CalendarSpec]] | CalendarSpec,
                 *, name: str | None = None) -> None:
        if isinstance(versions, CalendarSpec):
            versions = [(_MIN_EPOCH, versions)]
        if not versions:
            raise InvalidInput("A calendar needs at least one version.", "calendar")
        ordered = sorted(versions, key=lambda v: v[0])
        # The first version also governs everything before its start: tickets imported
        # from before the desk existed are measured with the first known hours.
        self._versions = [(_MIN_EPOCH, ordered[0][1]), *ordered[1:]]
        self.name = name or ordered[-1][1].name
        self._fixed = False
        # (starts, ends, cum): cum[i] = working seconds before interval i. Replaced as a
        # whole when the covered range grows, so readers on other threads never see a
        # half-extended table.
        self._iv: tuple[list[int], list[int], list[int]] = ([], [], [])
        self._lo: int | None = None
        self._hi: int | None = None
        self._lock = threading.Lock()
        self._has_hours = any(spec.has_hours for _, spec in self._versions)

    @classmethod
    def from_intervals(cls, intervals: Iterable[Interval], *, name: str = "fixed") -> BusinessClock:
        """A clock over exactly these intervals (tests, tools); nothing outside them works."""
        clock = cls.__new__(cls)
        clock._versions = []
        clock.name = name
        clock._fixed = True
        clock._lock = threading.Lock()
        clock._has_hours = True
        clock._iv = _extend(([], [], []), sorted(intervals))
        clock._lo, clock._hi = -(2**62), 2**62
        return clock

    @property
    def versions(self) -> list[tuple[int, CalendarSpec]]:
        return list(self._versions)

    def spec_at(self, epoch: int) -> CalendarSpec:
        """The calendar version in force at an instant."""
        starts = [v[0] for v in self._versions]
        return self._versions[max(0, bisect_right(starts, epoch) - 1)][1]

    # -- public API ----------------------------------------------------------
    def add(self, start_utc: dt.datetime, business_seconds: int) -> dt.datetime:
        """The earliest instant at which ``business_seconds`` of working time have passed
        since ``start_utc`` (``start_utc`` itself for 0)."""
        return from_epoch(self.add_s(to_epoch(start_utc), business_seconds))

    def between(self, start_utc: dt.datetime, end_utc: dt.datetime) -> int:
        """Working seconds from ``start_utc`` to ``end_utc`` (negative if end is earlier)."""
        return self.between_s(to_epoch(start_utc), to_epoch(end_utc))

    # -- epoch-second versions (the replay engine works in these) --------------
    def add_s(self, start: int, business_seconds: int) -> int:
        if business_seconds < 0:
            raise ValueError("business_seconds must not be negative")
        if business_seconds == 0:
            return start
        if not self._has_hours:
            raise InvalidInput(f"Calendar {self.name!r} has no working hours at all.", "calendar")
        lo, hi = self._lo, self._hi
        if lo is None or hi is None or start < lo or start + 1 > hi:
            self._cover(start, start + 1)
        iv = self._iv
        target = _pos(iv, start) + business_seconds
        searched = 0
        while _total(iv) < target:
            if self._fixed or searched > _MAX_SEARCH_S:
                raise InvalidInput(
                    f"Calendar {self.name!r} has no working time to add {business_seconds} s "
                    f"after {from_epoch(start).isoformat()}.", "calendar")
            assert self._hi is not None
            searched += _CHUNK_S
            self._cover(start, self._hi + _CHUNK_S)
            iv = self._iv
        starts, _, cum = iv
        j = bisect_left(cum, target) - 1
        return starts[j] + (target - cum[j])

    def between_s(self, start: int, end: int) -> int:
        if end < start:
            return -self.between_s(end, start)
        lo, hi = self._lo, self._hi
        if lo is None or hi is None or start < lo or end + 1 > hi:
            self._cover(start, end + 1)
        iv = self._iv
        return _pos(iv, end) - _pos(iv, start)

    def intervals_s(self, start: int, end: int) -> list[Interval]:
        """Working intervals clipped to [start, end)."""
        self._cover(start, end + 1)
        starts, ends, _ = self._iv
        i = bisect_right(ends, start)
        out: list[Interval] = []
        while i < len(starts) and starts[i] < end:
            out.append((max(start, starts[i]), min(end, ends[i])))
            i += 1
        return out

    # -- internals -----------------------------------------------------------
    def _cover(self, lo: int, hi: int) -> None:
        if self._fixed or (self._lo is not None and self._hi is not None
                           and self._lo <= lo and hi <= self._hi):
            return
        with self._lock:
            if self._lo is None or self._hi is None:
                a = lo - 86_400 * 7
                b = max(hi, lo + _CHUNK_S)
                self._iv = _extend(([], [], []), self._generate(a, b))
                self._lo, self._hi = a, b
                return
            if lo < self._lo:
                a = min(lo, self._lo - _CHUNK_S)
                starts, ends, _ = self._iv
                fresh = _extend(([], [], []), self._generate(a, self._lo))
                self._iv = _extend(fresh, zip(starts, ends))
                self._lo = a
            if hi > self._hi:
                b = max(hi, self._hi + _CHUNK_S)
                starts, ends, cum = self._iv
                self._iv = _extend((list(starts), list(ends), list(cum)), self._generate(self._hi, b))
                self._hi = b

    def _generate(self, lo: int, hi: int) -> list[Interval]:
        """Working intervals within [lo, hi), each version clipped to its own span."""
        out: list[Interval] = []
        for k, (eff, spec) in enumerate(self._versions):
            nxt = self._versions[k + 1][0] if k + 1 < len(self._versions) else 2**62
            a, b = max(lo, eff), min(hi, nxt)
            if b <= a:
                continue
            # Local dates around [a, b): time zones are within ±14 h of UTC.
            d0 = from_epoch(a - 86_400).date()
            d1 = from_epoch(b + 86_400).date() + dt.timedelta(days=1)
            for s, e in spec.intervals(d0, d1):
                if e <= a or s >= b:
                    continue
                out.append((max(s, a), min(e, b)))
        return out


def _total(iv: tuple[list[int], list[int], list[int]]) -> int:
    starts, ends, cum = iv
    return cum[-1] + (ends[-1] - starts[-1]) if cum else 0


def _pos(iv: tuple[list[int], list[int], list[int]], t: int) -> int:
    """Working seconds from the start of the covered range up to ``t``."""
    starts, ends, cum = iv
    i = bisect_right(ends, t)
    if i >= len(starts):
        return _total(iv)
    s = starts[i]
    return cum[i] + (t - s if t > s else 0)


def _extend(iv: tuple[list[int], list[int], list[int]],
            intervals: Iterable[Interval]) -> tuple[list[int], list[int], list[int]]:
    """Append intervals (in order) to the table, merging ones that touch."""
    starts, ends, cum = iv
    total = _total(iv)
    for s, e in intervals:
        if e <= s:
            continue
        if ends and s <= ends[-1]:
            # Touching the previous interval (midnight on 24 × 7, a chunk seam): merge.
            if e > ends[-1]:
                total += e - ends[-1]
                ends[-1] = e
            continue
        starts.append(s)
        ends.append(e)
        cum.append(total)
        total += e - s
    return starts, ends, cum
