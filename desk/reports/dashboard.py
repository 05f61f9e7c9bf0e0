"""The supervisor dashboard's figures: what is open, at risk and breached right now per
team, compliance week by week (the last TREND_WEEKS, this one so far included), the open
tickets by age and priority, the oldest open tickets, open major incidents. Counted in
SQL over the stored SLA columns with the SLA report's own queries (sla_queries), so a
week's "met" here is the report's "met" for that week."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select

from db.engine import Database
from db.models import Incident, Service, StaffAccount, Team
from desk.actor import Actor
from desk.clock import Clock
from desk.common.site import Site
from desk.counter.satisfaction import SatisfactionService, SatisfactionSummary
from desk.reports import sla_queries as q
from desk.reports.params import local_midnight
from desk.reports.sla_data import AgeingRow, Counts, WeekRow
from desk.rules import lifecycle
from desk.rules.permissions import require
from desk.sla import outcome

I = Incident.__table__.c
OPEN_STATUSES = lifecycle.values(lifecycle.OPEN_STATUSES)


@dataclass(frozen=True, slots=True)
class TeamLoad:
    team: str
    open: int
    at_risk: int
    breached: int


@dataclass(frozen=True, slots=True)
class OpenTicket:
    number: str
    title: str
    team: str
    priority: str
    status: str                 # the stored value; the words are desk.rules.labels'
    opened_at: dt.datetime
    assignee: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    as_of: dt.datetime
    teams: tuple[TeamLoad, ...]
    this_week: Counts
    last_week: Counts
    week_start: dt.date
    oldest: tuple[OpenTicket, ...]
    majors: tuple[OpenTicket, ...]
    satisfaction: SatisfactionSummary | None = None   # walk-up ratings at pickup, the last weeks
    # TREND_WEEKS weeks, oldest first, each from its Monday; the last one is this week so far.
    weeks: tuple[WeekRow, ...] = ()
    # The open tickets (as in ``teams``) per priority, one count per AGEING_BUCKETS entry.
    ageing: tuple[AgeingRow, ...] = ()

    @property
    def totals(self) -> TeamLoad:
        return TeamLoad("All teams", sum(t.open for t in self.teams), sum(t.at_risk for t in self.teams),
                        sum(t.breached for t in self.teams))


def breached_now(now: dt.datetime) -> ColumnElement[bool]:
    """Either target breached now: ``desk.sla.outcome``'s rule, the Breached view's."""
    return outcome.ticket_breached_now_sql(I, now)


def at_risk_now(now: dt.datetime) -> ColumnElement[bool]:
    """Not breached, a running target past its at-risk share: the At risk view's."""
    return outcome.ticket_at_risk_now_sql(I, now)


SATISFACTION_WEEKS = 8
TREND_WEEKS = 12


class DashboardService:
    def __init__(self, db: Database, clock: Clock, site: Site, satisfaction: SatisfactionService) -> None:
        self.db = db
        self.clock = clock
        self.satisfaction = satisfaction
        # "This week" starts on Monday at midnight on the desk's clock.
        self.zone = site.zone
        self.site = site

    def snapshot(self, actor: Actor, *, oldest: int = 10) -> Dashboard:
        require(actor, "report.run")
        now = self.clock()
        today = now.astimezone(self.zone).date()
        monday = today - dt.timedelta(days=today.weekday())
        mondays = tuple(monday - dt.timedelta(days=7 * k) for k in range(TREND_WEEKS - 1, -1, -1))
        # Each Monday's midnight on the desk's clock (DST moves it in UTC), then now.
        bounds = (*(local_midnight(m, self.zone) for m in mondays), now)
        trend = q.Scope(bounds[0], now, (), (), (), (), bounds, mondays)
        with self.db.reading() as s:
            team_name = dict(s.execute(select(Team.id, Team.name)).all())
            rows = s.execute(
                select(I.team_id, func.count(), func.count().filter(at_risk_now(now)),
                       func.count().filter(breached_now(now)))
                .where(I.status.in_(OPEN_STATUSES)).group_by(I.team_id)
            ).all()
            teams = sorted(
                (TeamLoad(team_name.get(t, "(no team)") if t is not None else "(no team)", int(n), int(r), int(b))
                 for t, n, r, b in rows),
                key=lambda x: (x.team == "(no team)", x.team.casefold()))
            # One grouped pass for all the weeks; this week and last are its last two.
            weeks = q.weeks(s, trend)
            ageing = q.ageing_rows(s, I, [I.status.in_(OPEN_STATUSES)], now)
            base = (select(I.number, I.title, Team.name, I.priority, I.status, I.opened_at,
                           StaffAccount.display_name, Service.name)
                    .join_from(Incident.__table__, Team.__table__, I.team_id == Team.id, isouter=True)
                    .join_from(Incident.__table__, StaffAccount.__table__, I.assignee_id == StaffAccount.id,
                               isouter=True)
                    .join_from(Incident.__table__, Service.__table__, I.service_id == Service.id, isouter=True)
                    .where(I.status.in_(OPEN_STATUSES)))
            old = [self._ticket(r) for r in s.execute(base.order_by(I.opened_at, I.id).limit(oldest))]
            majors = [self._ticket(r) for r in s.execute(base.where(I.is_major.is_(True)).order_by(I.opened_at))]
        return Dashboard(now, tuple(teams), weeks[-1].counts, weeks[-2].counts, monday, tuple(old),
                         tuple(majors), self.satisfaction.summary(weeks=SATISFACTION_WEEKS), weeks, ageing)

    @staticmethod
    def _ticket(r) -> OpenTicket:
        opened = r[5] if r[5].tzinfo else r[5].replace(tzinfo=dt.UTC)
        return OpenTicket(r[0], r[1], r[2] or "(no team)", str(getattr(r[3], "value", r[3])),
                          str(getattr(r[4], "value", r[4])), opened, r[6] or "—")
