"""The SLA alert job and everything around it: escalation rules, staff notifications.

``run`` is the job. Any number of callers may run it at once (the workstation holding the
lease, cron's ``desk sla sweep``, a second workstation that has not heard the lease is
taken): an alert is a row unique per ticket, target and level, inserted with ON CONFLICT
DO NOTHING, and only the caller whose insert went in tells anyone. So nobody is ever told
twice, whoever runs it and however often.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.engine import Database
from db.enums import Role
from db.models import (
    EscalationRule,
    Incident,
    Service,
    SlaAlert,
    StaffAccount,
    StaffNotification,
    StaffRole,
    Team,
    TeamMember,
)
from desk.actor import Actor
from desk.clock import Clock
from desk.common import audit, lookups
from desk.common.site import Site
from desk.errors import InvalidInput, NotFound
from desk.escalation import detect
from desk.escalation.rules import SETTINGS, Rule, RuleRow, all_rules, changed, rule_for, rule_of_scope
from desk.incidents.service import IncidentService
from desk.rules.permissions import require
from desk.sla import tracking
from desk.sla.durations import format_duration

# A crossing noticed this long after it happened is recorded but tells no one: after a
# desk was closed for a week (or Desk was just installed on an old database) the people
# concerned get today's alerts, not a flood of last week's.
STALE_AFTER = dt.timedelta(hours=24)
BATCH = 200

WORDS = {("response", "at_risk"): "response at risk", ("resolution", "at_risk"): "resolution at risk",
         ("response", "breach"): "response target breached",
         ("resolution", "breach"): "resolution target breached"}
REASONS = {"assignee": "assigned to you", "team": "your team's ticket", "lead": "you lead the team"}


@dataclass(frozen=True)
class RunReport:
    recorded: int = 0                     # alerts written by this run
    notified: int = 0                     # notifications written by this run
    silent: int = 0                       # alerts recorded too late to tell anyone
    escalations: tuple[str, ...] = ()     # "INC-000123: reassigned to Tier 2"
    incidents: frozenset[int] = field(default_factory=frozenset)   # tickets that changed


@dataclass(frozen=True)
class Overview:
    services: tuple[str, ...]
    teams: tuple[str, ...]
    members: dict[str, tuple[tuple[str, str], ...]]    # team -> (username, name)
    leads: dict[str, str | None]                       # team -> lead's username
    rules: tuple[RuleRow, ...]
    holder: tuple[str, dt.datetime] | None             # who runs the alert job, since when
    next_crossing: dt.datetime | None


@dataclass(frozen=True)
class NotificationView:
    id: int
    incident_id: int
    number: str
    title: str
    body: str
    reason: str
    created_at: dt.datetime
    shown_at: dt.datetime | None
    read_at: dt.datetime | None


@dataclass(frozen=True)
class AlertView:
    """An alert as the ticket's timeline shows it."""

    target: str
    level: str
    reached_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: str
    actions: str

    @property
    def words(self) -> str:
        return WORDS[(self.target, self.level)]


def alerts_for(s: Session, incident_id: int) -> list[AlertView]:
    rows = s.execute(select(SlaAlert.target, SlaAlert.level, SlaAlert.reached_at, SlaAlert.recorded_at,
                            SlaAlert.recorded_by, SlaAlert.actions)
                     .where(SlaAlert.incident_id == incident_id).order_by(SlaAlert.reached_at, SlaAlert.id)).all()
    return [AlertView(r[0], r[1], detect.aware(r[2]), detect.aware(r[3]), r[4], r[5]) for r in rows]


class EscalationService:
    def __init__(self, db: Database, clock: Clock, incidents: IncidentService, site: Site) -> None:
        self.db = db
        self.clock = clock
        self.incidents = incidents
        self.site = site

    # -- the job -------------------------------------------------------------------------
    def run(self, actor: Actor, *, holder: str, now: dt.datetime | None = None) -> RunReport:
        """Record every crossing up to ``now`` and carry out its rule; returns what it did."""
        require(actor, "sla.alerts")
        moment = now or self.clock()
        recorded = notified = silent = 0
        escalations: list[str] = []
        touched: set[int] = set()
        while True:
            progressed = False
            with self.db.writing() as s:
                found = detect.crossings(s, moment, limit=BATCH)
                for c in found:
                    outcome = self._record(s, actor, c, moment, holder)
                    if outcome is None:
                        continue
                    progressed = True
                    n, words = outcome
                    recorded += 1
                    touched.add(c.incident_id)
                    if n < 0:
                        silent += 1
                    else:
                        notified += n
                    escalations.extend(words)
            # A batch that recorded nothing would be found again as it is: the next run
            # (after the events that moved those targets) takes it up, this one ends.
            if len(found) < BATCH or not progressed:
                break
        return RunReport(recorded, notified, silent, tuple(escalations), frozenset(touched))

    def next_crossing(self, now: dt.datetime | None = None) -> dt.datetime | None:
        """When the job next has something to record (for the watch's alarm)."""
        with self.db.reading() as s:
            return detect.next_crossing(s, now or self.clock())

    def _record(self, s: Session, actor: Actor, c: detect.Crossing, now: dt.datetime,
                holder: str) -> tuple[int, list[str]] | None:
        """One crossing: the alert row, then (if this caller's insert went in) its rule.
        Returns (notifications written, or -1 when too late to tell; escalations in words),
        or None when another caller had recorded it, or it no longer holds."""
        # Locked and read afresh: the search may be older than another session's event.
        inc = s.get(Incident, c.incident_id, with_for_update=True, populate_existing=True)
        if inc is None or not detect.still_holds(inc, c, now):
            return None
        reached = c.at
        if c.level == "breach":
            # Measured afresh as of now, so the breach is stored on the ticket with its own
            # instant (the moment business time ran past the target), not this run's.
            tracking.refresh(s, inc, now)
            breached = getattr(inc, f"{c.target}_breached_at")
            if breached is None:
                return None           # an event since moved the target: nothing to record
            reached = detect.aware(breached)
        stale = now - reached > STALE_AFTER
        # At risk and breached both past before anyone looked: the breach tells; the
        # at-risk point is kept for the record only.
        superseded = c.level == "at_risk" and (due := getattr(inc, f"{c.target}_due_at")) is not None \
            and detect.aware(due) < now
        rule, rule_id = rule_for(s, inc.service_id, inc.priority.value)
        alert_id = self._insert_alert(s, {
            "incident_id": inc.id, "target": c.target, "level": c.level, "reached_at": reached,
            "due_at": getattr(inc, f"{c.target}_due_at"), "priority": inc.priority.value,
            "recorded_at": now, "recorded_by": holder[:200], "rule_id": rule_id, "actions": ""})
        if alert_id is None:
            return None
        if stale or superseded:
            why = "recorded late; no one told" if stale else "breached before it was noticed; the breach tells"
            s.execute(update(SlaAlert).where(SlaAlert.id == alert_id).values(actions=why))
            return -1, []
        done: list[str] = []
        if c.level == "breach" and (rule.breach_reassign_team or rule.breach_raise_urgency):
            team_id = lookups.team_id(s, rule.breach_reassign_team) if rule.breach_reassign_team else None
            reason = f"SLA escalation: {WORDS[(c.target, c.level)]} ({inc.priority.value})"
            done = self.incidents.escalate_in(s, actor, inc, now, reason=reason, team_id=team_id,
                                              raise_urgency=rule.breach_raise_urgency)
        recipients = self._recipients(s, inc, c.level, rule)
        title, body = self._message(s, inc, c, reached)
        for staff_id, why in recipients:
            s.add(StaffNotification(staff_id=staff_id, incident_id=inc.id, alert_id=alert_id, reason=why,
                                    title=title[:300], body=body, created_at=now))
        s.flush()      # the notifications exist before their mail (the server checks it on PostgreSQL)
        mailed = 0
        if rule.by_mail:
            for staff_id, _why in recipients:
                staff = s.get(StaffAccount, staff_id)
                if staff is not None and self.incidents.notify.sla_alert(
                        s, inc, staff, alert_id, WORDS[(c.target, c.level)].capitalize(), body, actor, now):
                    mailed += 1
        told = ", ".join(f"{name} ({REASONS[why]})" for name, why in self._names(s, recipients))
        actions = "; ".join([f"told {told}" if told else "no one to tell",
                             *([f"{mailed} by e-mail"] if mailed else []), *done])
        s.execute(update(SlaAlert).where(SlaAlert.id == alert_id).values(actions=actions))
        s.flush()
        return len(recipients), [f"{inc.number}: {d}" for d in done]

    @staticmethod
    def _insert_alert(s: Session, row: dict[str, object]) -> int | None:
        dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
        result = s.execute(dialect.insert(SlaAlert).values(**row).on_conflict_do_nothing(
            index_elements=["incident_id", "target", "level"]).returning(SlaAlert.id))
        found = result.first()
        return int(found[0]) if found is not None else None

    def _recipients(self, s: Session, inc: Incident, level: str, rule: Rule) -> list[tuple[int, str]]:
        """Who is told, each once, with why (the first reason that applies)."""
        out: dict[int, str] = {}
        active = set(s.execute(select(StaffAccount.id).where(StaffAccount.active.is_(True))).scalars())
        assignee = rule.at_risk_notify_assignee if level == "at_risk" else rule.breach_notify_assignee
        if assignee and inc.assignee_id in active:
            out[inc.assignee_id] = "assignee"
        team = s.get(Team, inc.team_id) if inc.team_id else None
        if level == "at_risk" and rule.at_risk_notify_team and team is not None:
            for sid in s.execute(select(TeamMember.staff_id).where(TeamMember.team_id == team.id)
                                 .order_by(TeamMember.staff_id)).scalars():
                if sid in active:
                    out.setdefault(sid, "team")
        if level == "breach" and rule.breach_notify_lead and team is not None:
            for sid in self._leads(s, team):
                if sid in active:
                    out.setdefault(sid, "lead")
        return list(out.items())

    @staticmethod
    def _leads(s: Session, team: Team) -> list[int]:
        """The team's lead; a team without one: its supervisors (someone must hear of it).
        A lead who was deactivated or has left the team leads no one: its supervisors."""
        if team.lead_id is not None:
            lead = s.get(StaffAccount, team.lead_id)
            if lead is not None and lead.active and s.get(TeamMember, (team.id, lead.id)) is not None:
                return [team.lead_id]
        return list(s.execute(select(TeamMember.staff_id).join(StaffRole, StaffRole.staff_id == TeamMember.staff_id)
                              .join(StaffAccount, StaffAccount.id == TeamMember.staff_id)
                              .where(TeamMember.team_id == team.id, StaffAccount.active.is_(True),
                                     StaffRole.role.in_([Role.SUPERVISOR, Role.ADMIN]))
                              .distinct().order_by(TeamMember.staff_id)).scalars())

    @staticmethod
    def _names(s: Session, recipients: Iterable[tuple[int, str]]) -> list[tuple[str, str]]:
        out = []
        for sid, why in recipients:
            staff = s.get(StaffAccount, sid)
            out.append((staff.display_name if staff else f"#{sid}", why))
        return out

    def _message(self, s: Session, inc: Incident, c: detect.Crossing, reached: dt.datetime) -> tuple[str, str]:
        target_s = getattr(inc, f"{c.target}_target_s")
        due = getattr(inc, f"{c.target}_due_at")
        when = self.site.local(reached).strftime("%a %d %b %H:%M")
        what = WORDS[(c.target, c.level)]
        title = f"{inc.number} {what}"
        if c.level == "at_risk":
            due_words = f"; due {self.site.local(detect.aware(due)).strftime('%a %d %b %H:%M')}" if due else ""
            body = (f"{inc.title}\n{inc.priority.value}: 75 % or more of the {format_duration(target_s)} "
                    f"{c.target} target used at {when}{due_words}.")
        else:
            body = (f"{inc.title}\n{inc.priority.value}: the {format_duration(target_s)} {c.target} target "
                    f"ran out at {when}.")
        return title, body

    # -- notifications --------------------------------------------------------------------
    def notifications(self, actor: Actor, *, unread_only: bool = True, limit: int = 50) -> list[NotificationView]:
        with self.db.reading() as s:
            return self._views(s, actor, unread_only=unread_only, limit=limit)

    def _views(self, s: Session, actor: Actor, *, unread_only: bool = True, limit: int = 50,
               unshown_only: bool = False) -> list[NotificationView]:
        q = (select(StaffNotification, Incident.number).join(Incident, Incident.id == StaffNotification.incident_id)
             .where(StaffNotification.staff_id == actor.staff_id))
        if unread_only:
            q = q.where(StaffNotification.read_at.is_(None))
        if unshown_only:
            q = q.where(StaffNotification.shown_at.is_(None))
        rows = s.execute(q.order_by(StaffNotification.id.desc()).limit(limit)).all()
        return [NotificationView(n.id, n.incident_id, number, n.title, n.body, n.reason, detect.aware(n.created_at),
                                 detect.aware(n.shown_at) if n.shown_at else None,
                                 detect.aware(n.read_at) if n.read_at else None) for n, number in rows]

    def claim_unshown(self, actor: Actor) -> list[NotificationView]:
        """This person's notifications no workstation has shown yet, marked shown here (so
        two workstations signed in as the same person show each once)."""
        now = self.clock()
        with self.db.writing() as s:
            views = self._views(s, actor, unshown_only=True, limit=20)
            if not views:
                return views
            # Only those this update marked: another workstation of the same person may
            # have read them too and marked them first (PostgreSQL, read committed).
            mine = set(s.execute(update(StaffNotification).where(
                StaffNotification.id.in_([v.id for v in views]), StaffNotification.shown_at.is_(None))
                .values(shown_at=now).returning(StaffNotification.id)).scalars())
            return [v for v in views if v.id in mine]

    def mark_read(self, actor: Actor, ids: Iterable[int] | None = None, *, up_to: int | None = None) -> int:
        """Mark this person's notifications read (``ids``; None: all, or all up to the
        notification ``up_to``); returns how many."""
        now = self.clock()
        with self.db.writing() as s:
            q = update(StaffNotification).where(StaffNotification.staff_id == actor.staff_id,
                                                StaffNotification.read_at.is_(None))
            if ids is not None:
                q = q.where(StaffNotification.id.in_(list(ids)))
            if up_to is not None:
                q = q.where(StaffNotification.id <= up_to)
            return int(s.execute(q.values(read_at=now)).rowcount or 0)  # type: ignore[attr-defined]

    def unread_count(self, actor: Actor) -> int:
        from sqlalchemy import func

        with self.db.reading() as s:
            return int(s.execute(select(func.count(StaffNotification.id)).where(
                StaffNotification.staff_id == actor.staff_id, StaffNotification.read_at.is_(None))).scalar_one())

    # -- rules -----------------------------------------------------------------------------
    def rules(self) -> list[RuleRow]:
        with self.db.reading() as s:
            return all_rules(s)

    def rule_for(self, service: str | None, priority: str) -> tuple[Rule, str]:
        """The rule a ticket of this service and priority gets, and which row it is."""
        with self.db.reading() as s:
            service_id = lookups.service_id(s, service) if service else None
            rule, rule_id = rule_for(s, service_id, _priority(priority))
            row = next((r for r in all_rules(s) if r.id == rule_id), None)
            return rule, row.scope if row else "the built-in default"

    def set_rule(self, actor: Actor, *, service: str | None, priority: str | None, **settings: object) -> RuleRow:
        """Create or change the rule for (service, priority); unnamed settings keep the
        current value (of this row, or of the rule that applied so far)."""
        require(actor, "sla.manage")
        unknown = set(settings) - set(SETTINGS)
        if unknown:
            raise InvalidInput(f"Unknown escalation settings: {', '.join(sorted(unknown))}.", "settings")
        prio = _priority(priority) if priority else None
        now = self.clock()
        with self.db.writing() as s:
            service_id = lookups.service_id(s, service) if service else None
            row = self._row(s, service_id, prio)
            base = rule_of_scope(s, service_id, prio)
            rule = changed(base, **settings)
            team_id = lookups.team_id(s, rule.breach_reassign_team) if rule.breach_reassign_team else None
            values = {"at_risk_notify_assignee": rule.at_risk_notify_assignee,
                      "at_risk_notify_team": rule.at_risk_notify_team,
                      "breach_notify_assignee": rule.breach_notify_assignee,
                      "breach_notify_lead": rule.breach_notify_lead, "breach_reassign_team_id": team_id,
                      "breach_raise_urgency": rule.breach_raise_urgency, "by_mail": rule.by_mail}
            if row is None:
                row = EscalationRule(service_id=service_id, priority=prio, scope=f"{service_id or '*'}:{prio or '*'}",
                                     updated_at=now,
                                     updated_by_id=actor.staff_id, **values)
                s.add(row)
                s.flush()
                audit.record(s, actor, now, "escalation_rule", row.id, "created", None,
                             f"{service or 'any service'}, {prio or 'any priority'}")
            for key, value in values.items():
                old = getattr(row, key)
                if old != value:
                    audit.record(s, actor, now, "escalation_rule", row.id, key, old, value)
                    setattr(row, key, value)
            row.updated_at, row.updated_by_id = now, actor.staff_id
            s.flush()
            return next(r for r in all_rules(s) if r.id == row.id)

    def clear_rule(self, actor: Actor, *, service: str | None, priority: str | None) -> None:
        require(actor, "sla.manage")
        prio = _priority(priority) if priority else None
        now = self.clock()
        with self.db.writing() as s:
            service_id = lookups.service_id(s, service) if service else None
            row = self._row(s, service_id, prio)
            if row is None:
                raise NotFound(f"No escalation rule for {service or 'any service'}, {prio or 'any priority'}.")
            audit.record(s, actor, now, "escalation_rule", row.id, "deleted",
                         f"{service or 'any service'}, {prio or 'any priority'}", None)
            s.delete(row)

    @staticmethod
    def _row(s: Session, service_id: int | None, priority: str | None) -> EscalationRule | None:
        return s.execute(select(EscalationRule).where(
            EscalationRule.scope == f"{service_id or '*'}:{priority or '*'}")).scalars().first()

    # -- team leads --------------------------------------------------------------------------
    def team_leads(self) -> list[tuple[str, str | None]]:
        with self.db.reading() as s:
            rows = s.execute(select(Team.name, StaffAccount.display_name)
                             .outerjoin(StaffAccount, StaffAccount.id == Team.lead_id)
                             .where(Team.active.is_(True)).order_by(Team.name)).all()
            return [(r[0], r[1]) for r in rows]

    def set_team_lead(self, actor: Actor, team: str, staff: str | None) -> None:
        """Who is told of the team's breaches (None: its supervisors). Teams are the
        admin's, as on the server (``teams`` is written by the admin group only)."""
        require(actor, "staff.manage")
        now = self.clock()
        with self.db.writing() as s:
            t = s.get(Team, lookups.team_id(s, team))
            assert t is not None
            lead = lookups.staff_id(s, staff) if staff else None
            if lead is not None and s.get(TeamMember, (t.id, lead)) is None:
                raise InvalidInput(f"{staff} is not a member of {t.name}; a team's lead is one of its members.",
                                   "lead")
            if t.lead_id != lead:
                audit.record(s, actor, now, "team", t.id, "lead_id", t.lead_id, lead)
                t.lead_id = lead

    def job_status(self) -> tuple[tuple[str, dt.datetime] | None, dt.datetime | None]:
        """Who runs the alert job (and since when), and the next crossing."""
        from desk.escalation.lease import current_holder

        now = self.clock()
        with self.db.reading() as s:
            nxt = detect.next_crossing(s, now)
        return current_holder(self.db, now), nxt

    def overview(self) -> Overview:
        """All the set-up page shows, in one read."""
        from desk.escalation.lease import current_holder

        now = self.clock()
        with self.db.reading() as s:
            services = tuple(s.execute(select(Service.name).where(Service.active.is_(True))
                                       .order_by(Service.name)).scalars())
            teams = s.execute(select(Team).where(Team.active.is_(True)).order_by(Team.name)).scalars().all()
            members: dict[str, tuple[tuple[str, str], ...]] = {}
            leads: dict[str, str | None] = {}
            for t in teams:
                rows = s.execute(select(StaffAccount.username, StaffAccount.display_name)
                                 .join(TeamMember, TeamMember.staff_id == StaffAccount.id)
                                 .where(TeamMember.team_id == t.id, StaffAccount.active.is_(True))
                                 .order_by(StaffAccount.display_name)).all()
                members[t.name] = tuple((r[0], r[1]) for r in rows)
                lead = s.get(StaffAccount, t.lead_id) if t.lead_id else None
                leads[t.name] = lead.username if lead else None
            rules = tuple(all_rules(s))
            nxt = detect.next_crossing(s, now)
        return Overview(services, tuple(t.name for t in teams), members, leads, rules,
                        current_holder(self.db, now), nxt)


def _priority(value: str) -> str:
    p = value.strip().upper()
    if p not in ("P1", "P2", "P3", "P4", "P5"):
        raise InvalidInput(f"No priority {value!r}; priorities are P1 to P5.", "priority")
    return p
