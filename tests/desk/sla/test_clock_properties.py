"""The business clock against a second-by-second oracle (hypothesis), on small spans
around DST changes in America/New_York and Europe/London, with holidays, part-day
closures, lunch breaks, term periods and 24 × 7 calendars."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk.sla.calendar import CalendarSpec, Closure, TermPeriod, WeeklyHours, parse_weekly
from desk.sla.clock import BusinessClock, from_epoch
from tests.desk.sla import oracle

UTC = dt.UTC
ZONES = ("America/New_York", "Europe/London")
# DST changes of 2026 (spring forward, fall back) in each zone, and a plain day.
SPECIAL_DAYS = {
    "America/New_York": [dt.date(2026, 3, 8), dt.date(2026, 11, 1), dt.date(2026, 7, 1)],
    "Europe/London": [dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2026, 7, 1)],
}
QUICK = settings(max_examples=45, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Times on a 15-minute grid plus odd seconds, so boundaries land on DST hours (01:00–03:00).
wall_time = st.one_of(st.integers(0, 96).map(lambda q: q * 900), st.integers(0, 86_400))


@st.composite
def day_hours(draw: st.DrawFn) -> list[tuple[int, int]]:
    """0–3 intervals of one day, possibly with a lunch break between them."""
    cuts = sorted(set(draw(st.lists(wall_time, min_size=2, max_size=6))))
    pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i] < cuts[i + 1]]
    return pairs


@st.composite
def specs(draw: st.DrawFn) -> tuple[CalendarSpec, dt.date]:
    zone = draw(st.sampled_from(ZONES))
    # Mostly the DST day itself; sometimes a neighbour (transitions seen from either side).
    shift = draw(st.sampled_from([0, 0, 0, -1, 1]))
    anchor = draw(st.sampled_from(SPECIAL_DAYS[zone])) + dt.timedelta(days=shift)
    if draw(st.booleans()) and draw(st.booleans()):
        hours = parse_weekly("24x7")
    else:
        week = [draw(day_hours()) for _ in range(7)]
        hours = tuple(WeeklyHours(d, s, e) for d, pairs in enumerate(week) for s, e in pairs)
    holidays = tuple(anchor + dt.timedelta(days=k) for k in draw(st.sets(st.integers(-1, 2), max_size=1)))
    closures = []
    for _ in range(draw(st.integers(0, 2))):
        day = anchor + dt.timedelta(days=draw(st.integers(-1, 2)))
        s = draw(wall_time)
        length = draw(st.integers(60, 8 * 3600))
        start = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=s)
        closures.append(Closure("closure", start, start + dt.timedelta(seconds=length)))
    periods = ()
    if draw(st.booleans()):
        pday = anchor + dt.timedelta(days=draw(st.integers(-1, 1)))
        phours = tuple(WeeklyHours(d, s, e) for d in range(7) for s, e in draw(day_hours()))
        periods = (TermPeriod("exam week", pday, pday + dt.timedelta(days=draw(st.integers(0, 1))), phours),)
    spec = CalendarSpec("prop", zone, hours, periods=periods, closures=tuple(closures), extra_holidays=holidays)
    return spec, anchor


def _start(spec: CalendarSpec, anchor: dt.date, offset: int) -> int:
    midnight = dt.datetime.combine(anchor, dt.time(), tzinfo=spec.zone)
    return int(midnight.timestamp()) - 6 * 3600 + offset


# Offsets from 18:00 the evening before the anchor day: quarter hours plus a jitter, so
# windows start before, across and after the 01:00–03:00 DST hours.
offsets = st.tuples(st.integers(0, 144), st.integers(0, 899)).map(lambda t: t[0] * 900 + t[1])


@QUICK
@given(specs(), offsets, st.integers(0, 8 * 3600))
def test_between_matches_oracle(case: tuple[CalendarSpec, dt.date], offset: int, span: int) -> None:
    spec, anchor = case
    a = _start(spec, anchor, offset)
    clock = BusinessClock(spec)
    works = oracle.working_second(spec)
    assert clock.between_s(a, a + span) == oracle.between(works, a, a + span)
    assert clock.between(from_epoch(a + span), from_epoch(a)) == -oracle.between(works, a, a + span)


@QUICK
@given(specs(), offsets, st.integers(0, 3 * 3600))
def test_add_matches_oracle(case: tuple[CalendarSpec, dt.date], offset: int, seconds: int) -> None:
    spec, anchor = case
    a = _start(spec, anchor, offset)
    works = oracle.working_second(spec)
    expected = oracle.add(works, a, seconds, limit=12 * 3600)
    if expected is None:  # not enough working time nearby: only check the round trip
        return
    clock = BusinessClock(spec)
    due = clock.add(from_epoch(a), seconds)
    assert due == from_epoch(expected)
    assert clock.between(from_epoch(a), due) == seconds


@QUICK
@given(specs(), offsets, st.integers(1, 3 * 3600), st.integers(1, 3 * 3600))
def test_add_is_additive(case: tuple[CalendarSpec, dt.date], offset: int, x: int, y: int) -> None:
    spec, anchor = case
    if not spec.has_hours:
        return
    clock = BusinessClock(spec)
    a = from_epoch(_start(spec, anchor, offset))
    assert clock.add(clock.add(a, x), y) == clock.add(a, x + y)


def test_24x7_has_no_midnight_gap_and_dst_days_are_23_and_25_hours() -> None:
    clock = BusinessClock(CalendarSpec("24x7", "America/New_York", parse_weekly("24x7")))
    zone = clock.spec_at(0).zone
    spring, spring_end = dt.datetime(2026, 3, 8, tzinfo=zone), dt.datetime(2026, 3, 9, tzinfo=zone)
    fall, fall_end = dt.datetime(2026, 11, 1, tzinfo=zone), dt.datetime(2026, 11, 2, tzinfo=zone)
    assert clock.between(spring, spring_end) == 23 * 3600
    assert clock.between(fall, fall_end) == 25 * 3600
    assert len(clock.intervals_s(int(spring.timestamp()), int(spring.timestamp()) + 10 * 86_400)) == 1


def test_multi_year_span_is_exact() -> None:
    spec = CalendarSpec("sd", "America/New_York", parse_weekly("mon-fri 08:00-18:00"),
                        holiday_country="US", holiday_subdivision="NC")
    clock = BusinessClock(spec)
    a = dt.datetime(2026, 1, 5, 13, 0, tzinfo=UTC)   # Mon 08:00 EST
    b = dt.datetime(2029, 1, 1, 13, 0, tzinfo=UTC)
    total = clock.between(a, b)
    # Count it the slow way, day by day, from the spec itself.
    day, expected = dt.date(2026, 1, 5), 0
    while day < dt.date(2029, 1, 1):
        if day.weekday() < 5 and not spec.holiday_name(day):
            expected += 36_000
        day += dt.timedelta(days=1)
    assert total == expected
    assert clock.add(a, total) <= b and clock.between(a, clock.add(a, total)) == total
    # Asking far in the past after far in the future extends the table backwards too.
    old = dt.datetime(2019, 3, 4, 13, 0, tzinfo=UTC)
    assert clock.add(old, 36_000) == dt.datetime(2019, 3, 4, 23, 0, tzinfo=UTC)


def test_fall_back_hour_inside_working_hours_counts_twice_and_spring_gap_not_at_all() -> None:
    spec = CalendarSpec("night", "America/New_York", parse_weekly("daily 00:00-03:00"))
    clock = BusinessClock(spec)
    fall = dt.datetime(2026, 11, 1, tzinfo=spec.zone)
    spring = dt.datetime(2026, 3, 8, tzinfo=spec.zone)
    assert clock.between(fall, fall + dt.timedelta(hours=6)) == 4 * 3600   # 01:00–02:00 happens twice
    assert clock.between(spring, spring + dt.timedelta(hours=6)) == 2 * 3600  # 02:00–03:00 never happens
    works = oracle.working_second(spec)
    a = int(fall.timestamp())
    assert oracle.between(works, a, a + 6 * 3600) == 4 * 3600
