"""A business-hours calendar as plain data, and the working intervals it yields.

A calendar says, in its own time zone's wall-clock time, when the desk works:
weekly hours (several intervals a day, e.g. around a lunch break), date ranges with
their own weekly hours (summer hours, exam weeks), public holidays from the
``holidays`` package (``desk.sla.holiday_table``) and university closures (whole or part days).

Working time is the set of real instants whose local wall-clock time falls inside a
working interval of that local date. This one definition settles the daylight-saving
cases: on a spring-forward day the skipped wall hour is simply not there, on a
fall-back day a repeated wall hour inside working hours counts twice (it really is
worked twice), and a 24 × 7 calendar has no gap at midnight because adjacent
intervals are merged.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desk.errors import InvalidInput
from desk.sla.holiday_table import HolidayTable, holiday_table

DAY_S = 86_400
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EPOCH = dt.datetime(1970, 1, 1)

Interval = tuple[int, int]  # [start, end) in epoch seconds (UTC)


@dataclass(frozen=True)
class WeeklyHours:
    weekday: int  # Monday = 0
    start_s: int  # seconds after local midnight
    end_s: int    # up to 86400 (= 24:00)


@dataclass(frozen=True)
class TermPeriod:
    """Dates (inclusive) on which ``hours`` replace the regular week."""

    name: str
    start: dt.date
    end: dt.date
    hours: tuple[WeeklyHours, ...]


@dataclass(frozen=True)
class Closure:
    """A closure in local wall-clock time: [start, end)."""

    name: str
    start: dt.datetime  # naive, local
    end: dt.datetime    # naive, local


@dataclass(frozen=True)
class CalendarSpec:
    """One version of a calendar, everything needed to produce its working intervals."""

    name: str
    time_zone: str
    hours: tuple[WeeklyHours, ...]
    periods: tuple[TermPeriod, ...] = ()
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    closures: tuple[Closure, ...] = ()
    business_day_s: int = 36_000
    version: int = 1
    # Dates the caller wants treated as holidays besides the package's (tests, what-ifs).
    extra_holidays: tuple[dt.date, ...] = field(default=())

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(f"Unknown time zone {self.time_zone!r} (use an IANA name such as "
                               "America/New_York).", "time_zone") from None
        for h in self.hours + tuple(x for p in self.periods for x in p.hours):
            if not (0 <= h.weekday <= 6 and 0 <= h.start_s < h.end_s <= DAY_S):
                raise InvalidInput(f"Working hours {h} are not a valid interval of one day.", "hours")

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @cached_property
    def _holidays(self) -> HolidayTable | None:
        if not self.holiday_country:
            return None
        return holiday_table(self.holiday_country, self.holiday_subdivision)

    @cached_property
    def _weekly(self) -> dict[int, list[tuple[int, int]]]:
        return _by_weekday(self.hours)

    @cached_property
    def _period_weekly(self) -> list[tuple[TermPeriod, dict[int, list[tuple[int, int]]]]]:
        # The period that starts last wins where periods overlap (an exam week inside a term).
        ordered = sorted(self.periods, key=lambda p: (p.start, p.end))
        return [(p, _by_weekday(p.hours)) for p in reversed(ordered)]

    @cached_property
    def _closures_by_date(self) -> dict[dt.date, list[tuple[int, int, str]]]:
        out: dict[dt.date, list[tuple[int, int, str]]] = {}
        for c in self.closures:
            day = c.start.date()
            while dt.datetime.combine(day, dt.time()) < c.end:
                d0 = dt.datetime.combine(day, dt.time())
                s = max(0, int((c.start - d0).total_seconds()))
                e = min(DAY_S, int((c.end - d0).total_seconds()))
                if e > s:
                    out.setdefault(day, []).append((s, e, c.name))
                day += dt.timedelta(days=1)
        return out

    @property
    def has_hours(self) -> bool:
        return bool(self.hours) or any(p.hours for p in self.periods)

    def holiday_name(self, day: dt.date) -> str | None:
        if day in self.extra_holidays:
            return "Holiday"
        h = self._holidays
        return None if h is None else h.name(day)

    def hours_on(self, day: dt.date) -> tuple[list[tuple[int, int]], str | None]:
        """The weekly hours that apply on ``day`` and the period name giving them, if any."""
        for period, weekly in self._period_weekly:
            if period.start <= day <= period.end:
                return weekly.get(day.weekday(), []), period.name
        return self._weekly.get(day.weekday(), []), None

    def wall_intervals(self, day: dt.date) -> list[tuple[int, int]]:
        """Working intervals of ``day`` in seconds after local midnight, closures removed."""
        hours, _ = self.hours_on(day)
        if not hours or self.holiday_name(day):
            return []
        closed = self._closures_by_date.get(day)
        if not closed:
            return hours
        return _subtract(hours, sorted((s, e) for s, e, _ in closed))

    def closures_on(self, day: dt.date) -> list[tuple[int, int, str]]:
        return list(self._closures_by_date.get(day, []))

    def intervals(self, start: dt.date, end: dt.date) -> Iterator[Interval]:
        """Working intervals (UTC epoch seconds) for local dates start..end-1, in order,
        adjacent ones merged."""
        return _merge(self._raw_intervals(start, end))

    def _raw_intervals(self, start: dt.date, end: dt.date) -> Iterator[Interval]:
        day = start
        one = dt.timedelta(days=1)
        zone = self.zone
        while day < end:
            walls = self.wall_intervals(day)
            if walls:
                yield from _to_utc(zone, day, walls)
            day += one


def _by_weekday(hours: Iterable[WeeklyHours]) -> dict[int, list[tuple[int, int]]]:
    out: dict[int, list[tuple[int, int]]] = {}
    for h in hours:
        out.setdefault(h.weekday, []).append((h.start_s, h.end_s))
    return {k: list(_merge(sorted(v))) for k, v in out.items()}


def _merge(intervals: Iterable[Interval]) -> Iterator[Interval]:
    cur: list[int] | None = None
    for s, e in intervals:
        if cur is not None and s <= cur[1]:
            cur[1] = max(cur[1], e)
            continue
        if cur is not None:
            yield cur[0], cur[1]
        cur = [s, e]
    if cur is not None:
        yield cur[0], cur[1]


def _subtract(base: list[tuple[int, int]], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in base:
        pieces = [(s, e)]
        for cs, ce in cuts:
            nxt: list[tuple[int, int]] = []
            for ps, pe in pieces:
                if ce <= ps or cs >= pe:
                    nxt.append((ps, pe))
                    continue
                if cs > ps:
                    nxt.append((ps, cs))
                if ce < pe:
                    nxt.append((ce, pe))
            pieces = nxt
        out.extend(pieces)
    return out


def _offset_s(zone: ZoneInfo, naive_local: dt.datetime) -> int:
    off = naive_local.replace(tzinfo=zone).utcoffset()
    assert off is not None
    return int(off.total_seconds())


def _offset_at_utc(zone: ZoneInfo, epoch: int) -> int:
    off = dt.datetime.fromtimestamp(epoch, dt.UTC).astimezone(zone).utcoffset()
    assert off is not None
    return int(off.total_seconds())


def _to_utc(zone: ZoneInfo, day: dt.date, walls: list[tuple[int, int]]) -> Iterator[Interval]:
    """Map wall-clock intervals of one local date to UTC instants (exact across DST)."""
    midnight = dt.datetime.combine(day, dt.time())
    base = int((midnight - _EPOCH).total_seconds())  # local midnight as if it were UTC
    off0 = _offset_s(zone, midnight)
    u0 = base - off0
    next_base = base + DAY_S
    u1 = next_base - _offset_s(zone, midnight + dt.timedelta(days=1))
    off_end = _offset_at_utc(zone, u1)
    if _offset_at_utc(zone, u0) == off0 and off_end == off0:
        for s, e in walls:
            yield base + s - off0, base + e - off0
        return
    # An offset change inside this local day: find the instant T it happens (at most
    # one per day in practice), then wall time before T uses the old offset, after it
    # the new one. Wall times in a spring-forward gap map to nothing; wall times in a
    # fall-back overlap map to both real occurrences.
    off_start = _offset_at_utc(zone, u0)
    lo, hi = u0, u1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset_at_utc(zone, mid) == off_start:
            lo = mid
        else:
            hi = mid
    t = hi
    split_before = t + off_start - base   # wall seconds where the old offset stops
    split_after = t + off_end - base      # wall seconds where the new offset starts
    for s, e in walls:
        a, b = max(s, 0), min(e, split_before)
        if b > a:
            yield base + a - off_start, base + b - off_start
    for s, e in walls:
        a, b = max(s, split_after), min(e, DAY_S)
        if b > a:
            yield base + a - off_end, base + b - off_end


def parse_hhmm(text: str) -> int:
    """'08:30' → seconds after midnight; '24:00' allowed as the end of the day."""
    try:
        hh, mm = text.strip().split(":")
        h, m = int(hh), int(mm)
    except ValueError:
        raise InvalidInput(f"Time {text!r} is not HH:MM.", "hours") from None
    if not (0 <= m < 60 and (0 <= h < 24 or (h == 24 and m == 0))):
        raise InvalidInput(f"Time {text!r} is not a time of day (00:00–24:00).", "hours")
    return h * 3600 + m * 60


def parse_weekly(spec: str) -> tuple[WeeklyHours, ...]:
    """Parse 'mon-fri 08:00-12:00,13:00-17:00; sat 10:00-14:00' into weekly hours.

    Days not named are closed. 'daily' means every day; '24x7' means all day every day.
    """
    text = spec.strip().lower()
    if text in ("24x7", "24/7"):
        return tuple(WeeklyHours(d, 0, DAY_S) for d in range(7))
    out: list[WeeklyHours] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        try:
            days_text, ranges_text = part.split(None, 1)
        except ValueError:
            raise InvalidInput(f"Hours {part!r} need days and times, e.g. 'mon-fri 08:00-18:00'.",
                               "hours") from None
        days = _parse_days(days_text)
        for rng in ranges_text.replace(" ", "").split(","):
            try:
                a, b = rng.split("-")
            except ValueError:
                raise InvalidInput(f"Time range {rng!r} is not HH:MM-HH:MM.", "hours") from None
            s, e = parse_hhmm(a), parse_hhmm(b)
            if e <= s:
                raise InvalidInput(f"Time range {rng!r} ends before it starts.", "hours")
            out.extend(WeeklyHours(d, s, e) for d in days)
    return tuple(sorted(out, key=lambda h: (h.weekday, h.start_s)))


def _parse_days(text: str) -> list[int]:
    if text in ("daily", "all", "every"):
        return list(range(7))
    days: list[int] = []
    for chunk in text.split(","):
        if "-" in chunk:
            a, b = chunk.split("-")
            i, j = _day(a), _day(b)
            days.extend(range(i, j + 1) if i <= j else [*range(i, 7), *range(j + 1)])
        else:
            days.append(_day(chunk))
    return sorted(set(days))


def _day(text: str) -> int:
    key = text.strip()[:3]
    if key not in WEEKDAYS:
        raise InvalidInput(f"{text!r} is not a day of the week (mon … sun).", "hours")
    return WEEKDAYS.index(key)


def format_weekly(hours: Iterable[WeeklyHours]) -> str:
    by_day = _by_weekday(hours)
    parts = []
    for d in range(7):
        if d in by_day:
            ranges = ",".join(f"{_hhmm(s)}-{_hhmm(e)}" for s, e in by_day[d])
            parts.append(f"{WEEKDAYS[d]} {ranges}")
    return "; ".join(parts) or "closed"


def _hhmm(s: int) -> str:
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}"
