"""SLA clock speed: 100,000 due-date computations (target: at most 1 s), business time
between instants, and the replay of ticket histories that a bulk recompute runs.

    make bench PYTEST_ARGS="-k sla_clock"
"""
from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

from desk.sla.calendar import CalendarSpec, Closure, parse_weekly
from desk.sla.clock import BusinessClock, from_epoch
from desk.sla.history import TicketHistory
from desk.sla.ics import read_closures
from desk.sla.replay import Target, replay

N = 100_000
ICS = Path(__file__).resolve().parents[1] / "data" / "university-closures.ics"


def service_desk() -> CalendarSpec:
    closures = tuple(Closure(c.name, c.start, c.end)
                     for c in read_closures(ICS.read_bytes(), "America/New_York"))
    return CalendarSpec("service-desk", "America/New_York", parse_weekly("mon-fri 08:00-18:00"),
                        holiday_country="US", holiday_subdivision="NC", closures=closures)


def _starts(n: int, seed: int = 7) -> list[dt.datetime]:
    rng = random.Random(seed)
    base = int(dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp())
    return [from_epoch(base + rng.randrange(2 * 365 * 86_400)) for _ in range(n)]


def test_sla_clock_100k_due_dates() -> None:
    clock = BusinessClock(service_desk())
    starts = _starts(N)
    targets = [900, 1800, 4 * 3600, 3 * 36_000, 5 * 36_000, 20 * 36_000]
    clock.add(starts[0], 1)  # build the first year of intervals outside the timing
    t0 = time.perf_counter()
    for i, start in enumerate(starts):
        clock.add(start, targets[i % 6])
    add_s = time.perf_counter() - t0
    ends = [s + dt.timedelta(days=9) for s in starts]
    t0 = time.perf_counter()
    for a, b in zip(starts, ends):
        clock.between(a, b)
    between_s = time.perf_counter() - t0

    cold = BusinessClock(service_desk())
    t0 = time.perf_counter()
    cold.add(starts[0], 36_000)
    cold.between(from_epoch(int(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp())), starts[0])
    build_s = time.perf_counter() - t0
    print(f"\nSLA clock, service-desk calendar (US-NC holidays, {len(service_desk().closures)} closures), "
          f"starts spread over 2 years:")
    print(f"  {N:,} due dates (add):      {add_s:.3f} s  ({add_s / N * 1e6:.2f} µs each; target ≤ 1 s)")
    print(f"  {N:,} between computations: {between_s:.3f} s")
    print(f"  cold clock, intervals for 2020–2027 built on demand: {build_s * 1000:.0f} ms")


def test_sla_replay_throughput() -> None:
    sd = BusinessClock(service_desk())
    h24 = BusinessClock(CalendarSpec("24x7", "America/New_York", parse_weekly("24x7")))
    targets = {"P1": Target(900, 14_400, h24), "P2": Target(1800, 28_800, sd), "P3": Target(14_400, 108_000, sd),
               "P4": Target(36_000, 180_000, sd), "P5": Target(72_000, 720_000, sd)}
    rng = random.Random(11)
    histories = []
    for i, start in enumerate(_starts(N, seed=3)):
        t = int(start.timestamp())
        prio = f"P{rng.randint(1, 5)}"
        ev = [(i, t, "status", None, "new"), (i, t, "priority", None, prio)]
        t += rng.randrange(60, 20_000)
        ev += [(i, t, "assignee_id", None, "7"), (i, t, "status", "new", "assigned")]
        t += rng.randrange(60, 40_000)
        ev.append((i, t, "status", "assigned", "in_progress"))
        if rng.random() < 0.3:
            t += rng.randrange(600, 200_000)
            ev.append((i, t, "status", "in_progress", "pending_customer"))
            t += rng.randrange(600, 400_000)
            ev.append((i, t, "status", "pending_customer", "in_progress"))
        t += rng.randrange(600, 300_000)
        ev.append((i, t, "status", "in_progress", "resolved"))
        histories.append(TicketHistory(i, int(start.timestamp()), "resolved", prio, 1, None, None, t, None,
                                       tuple(ev)))
    as_of = int(dt.datetime(2028, 6, 1, tzinfo=dt.UTC).timestamp())
    t0 = time.perf_counter()
    for h in histories:
        replay(h, targets.get, as_of)
    elapsed = time.perf_counter() - t0
    print(f"\nSLA replay of {N:,} ticket histories (6–8 events each): {elapsed:.2f} s "
          f"({N / elapsed:,.0f} tickets/s; a million ≈ {elapsed * 10:.0f} s of replay)")
