"""A brute-force reference for the SLA clock: look at every single second.

Deliberately naive and independent of desk.sla.calendar's interval construction: for
each UTC second it asks zoneinfo for the local wall-clock time and checks the
calendar's rules directly.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from desk.sla.calendar import CalendarSpec

UTC = dt.UTC


def working_second(spec: CalendarSpec) -> Callable[[int], bool]:
    zone = ZoneInfo(spec.time_zone)
    periods = sorted(spec.periods, key=lambda p: (p.start, p.end))

    def works(epoch: int) -> bool:
        local = dt.datetime.fromtimestamp(epoch, UTC).astimezone(zone)
        day = local.date()
        wall = local.hour * 3600 + local.minute * 60 + local.second
        hours = spec.hours
        for p in periods:  # the period that starts last wins
            if p.start <= day <= p.end:
                hours = p.hours
        if not any(h.weekday == day.weekday() and h.start_s <= wall < h.end_s for h in hours):
            return False
        if spec.holiday_name(day):
            return False
        naive = local.replace(tzinfo=None)
        return not any(c.start <= naive < c.end for c in spec.closures)

    return works


def between(works: Callable[[int], bool], a: int, b: int) -> int:
    return sum(1 for t in range(a, b) if works(t))


def add(works: Callable[[int], bool], start: int, n: int, limit: int) -> int | None:
    if n == 0:
        return start
    count = 0
    for t in range(start, start + limit):
        if works(t):
            count += 1
            if count == n:
                return t + 1
    return None
