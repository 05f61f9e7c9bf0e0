"""The alert job across several workstations, on a fake clock: at most one holds it, a
stand-by takes over once the holder is gone, every crossing is recorded once with its own
instant, and nobody is told twice — whatever the order of ticks, crashes and quits."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from db.enums import Role
from db.models import Incident, JobLease, SlaAlert, StaffNotification
from desk.actor import Actor
from desk.bootstrap import Services
from desk.escalation.lease import TTL, TableLease, current_holder
from desk.escalation.service import EscalationService
from desk.escalation.watch import AlertWatch
from desk.incidents.service import NewIncident
from tests import factories

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
NY = ZoneInfo("America/New_York")
BASE = dt.datetime(2026, 11, 2, 9, 0, tzinfo=NY).astimezone(dt.UTC)

STEP = st.one_of(
    st.tuples(st.just("tick"), st.integers(0, 2)),
    st.tuples(st.just("advance"), st.integers(1, 150)),
    st.tuples(st.just("crash"), st.integers(0, 2)),     # gone without a word (kill -9, power)
    st.tuples(st.just("quit"), st.integers(0, 2)),      # a clean exit gives the lease back
    st.tuples(st.just("start"), st.integers(0, 2)),
)


class Workstation:
    def __init__(self, services: Services, actor: Actor, name: str, clock) -> None:  # type: ignore[no-untyped-def]
        self.service = EscalationService(services.db, clock, services.incidents, services.site)
        self.actor = actor
        self.name = name
        self.clock = clock
        self.alive = True
        self.watch = AlertWatch(self.service, actor, TableLease(services.db, name, clock=clock), clock)
        self.last_hold: dt.datetime | None = None


def _reset(services: Services) -> None:
    """Each example starts from a quiet desk: earlier examples' tickets closed, no alerts."""
    with services.db.writing() as s:
        s.execute(delete(StaffNotification))
        s.execute(delete(SlaAlert))
        s.execute(delete(JobLease))
        s.execute(update(Incident).values(status="closed"))


@pytest.fixture
def team(services: Services, admin: Actor) -> dict[str, Actor]:
    return {name: factories.staff(services, admin, name, Role.TECHNICIAN, teams=("Desktop Support",))
            for name in ("tina", "uma")}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=5, max_size=60))
def test_one_holder_takeover_and_every_crossing_once(services: Services, admin: Actor, clock,  # type: ignore[no-untyped-def]
                                                     team: dict[str, Actor], steps: list[tuple[str, int]]) -> None:
    _reset(services)
    clock.set(BASE)
    # P1 on a round-the-clock calendar: response at risk after 11:15, breached after 15:00;
    # P2 on business hours: 22:30 and 30:00.
    numbers = [services.incidents.open(admin, NewIncident(
        title=f"Ticket {k}", service=svc, impact="high" if k == 0 else "medium", urgency="high",
        team="Desktop Support", assignee="tina")).number
        for k, svc in enumerate(("Wi-Fi & Network", "Printing"))]
    # Tina works at two workstations; Uma at one.
    stations = [Workstation(services, team["tina"], "ws-a", clock), Workstation(services, team["uma"], "ws-b", clock),
                Workstation(services, team["tina"], "ws-c", clock)]
    for op, arg in [*steps, ("advance", int(TTL.total_seconds()) + 1), ("start", 1), ("tick", 1)]:
        ws = stations[arg % len(stations)]
        if op == "advance":
            clock.advance(seconds=arg)
        elif op == "crash":
            ws.alive = False
        elif op == "quit" and ws.alive:
            ws.watch.stop()
            ws.alive, ws.last_hold = False, None
        elif op == "start" and not ws.alive:
            ws.alive, ws.last_hold = True, None
        elif op == "tick" and ws.alive:
            now = clock()
            tick = ws.watch.tick()
            if tick.holding:
                # Nobody else alive renewed the job within the lease's life.
                for other in stations:
                    if other is not ws and other.alive and other.last_hold is not None:
                        assert now - other.last_hold >= TTL, (ws.name, other.name)
                ws.last_hold = now
                holder = current_holder(services.db, now)
                assert holder is not None and holder[0] == ws.name
            else:
                ws.last_hold = None
                holder = current_holder(services.db, now)
                assert holder is not None and holder[0] != ws.name
    # The last steps: a lapse, then a live workstation's tick, which must have taken over.
    assert stations[1].last_hold == clock()

    now = clock()
    with services.db.reading() as s:
        rows = s.execute(select(SlaAlert, Incident).join(Incident, Incident.id == SlaAlert.incident_id)).all()
        told = Counter(s.execute(select(StaffNotification.alert_id, StaffNotification.staff_id)).all())
    seen = Counter((a.incident_id, a.target, a.level) for a, _ in rows)
    assert all(n == 1 for n in seen.values())
    assert all(n == 1 for n in told.values())
    # Every crossing up to now is recorded, at its own instant (the ticket's own columns).
    p1_opened = BASE
    expected = {("response", "at_risk"): p1_opened + dt.timedelta(seconds=675),
                ("response", "breach"): p1_opened + dt.timedelta(seconds=900)}
    for (target, level), at in expected.items():
        if at < now - dt.timedelta(seconds=1):
            match = [a for a, inc in rows if inc.number == numbers[0] and (a.target, a.level) == (target, level)]
            assert len(match) == 1, (target, level)
            reached = match[0].reached_at.replace(tzinfo=dt.UTC)
            assert at <= reached <= at + dt.timedelta(seconds=1)
    for a, inc in rows:
        col = getattr(inc, f"{a.target}_{'at_risk_at' if a.level == 'at_risk' else 'breached_at'}")
        assert a.reached_at == col
        assert a.reached_at.replace(tzinfo=dt.UTC) <= a.recorded_at.replace(tzinfo=dt.UTC)
    # Tina's two workstations show each of her notifications once between them.
    shown = [n.id for ws in (stations[0], stations[2]) for n in ws.service.claim_unshown(team["tina"])]
    assert len(shown) == len(set(shown))


def test_a_holder_that_cannot_do_the_job_gives_it_up(services: Services, admin: Actor, clock) -> None:  # type: ignore[no-untyped-def]
    """A workstation whose job fails (its account deactivated under it: on PostgreSQL its
    open connection keeps the advisory lock but may no longer write) gives the job back,
    so a stand-by takes over at its next look instead of the alerts stopping for everyone
    until that window is closed."""
    from desk.errors import PermissionDenied

    clock.set(BASE)
    failing = Workstation(services, admin, "deactivated one", clock)
    other = Workstation(services, admin, "stand-by", clock)

    def refused(*_a, **_k):  # type: ignore[no-untyped-def]
        raise PermissionDenied("The server refused: permission denied for table sla_alerts")

    failing.service.run = refused  # type: ignore[method-assign]
    with pytest.raises(PermissionDenied):
        failing.watch.tick()
    assert current_holder(services.db, clock()) is None
    assert other.watch.tick().holding
