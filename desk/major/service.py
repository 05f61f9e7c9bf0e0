"""Major incidents: the only writer of promotions, pages, team, comms log and children.

Every action is one unit of work, permission-checked here and audited on the incident
(entity "incident": fields is_major, major_manager_id, major_team, next_update_due_at,
parent_id, page). Lifecycle steps go through IncidentService, so a major incident and
its children follow the same rules as any ticket.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.enums import Channel, Impact, IncidentStatus, JournalKind, Urgency
from db.models import (
    Incident,
    JournalEntry,
    MajorIncidentRule,
    MajorTeamMember,
    Service,
    StaffAccount,
    Team,
)
from desk.actor import Actor
from desk.clock import Clock
from desk.common import audit, lookups
from desk.common.site import Site
from desk.common.text import clean_text
from desk.errors import DeskError, InvalidInput, NotFound
from desk.incidents.service import IncidentService, NewIncident
from desk.major import read, surge
from desk.major.report_data import ReportData, gather
from desk.major.views import (
    ChildSkipped,
    LinkOutcome,
    MajorSummary,
    MajorView,
    PageOutcome,
    Proposal,
    ResolveOutcome,
    RuleView,
)
from desk.problems.service import ProblemService
from desk.rules import labels, lifecycle
from desk.rules.permissions import require

ROLE_MAX = 60
COMMS_MAX = 20_000
MAX_UPDATE_MINUTES = 7 * 24 * 60
# The seeded team that takes paged major incidents (if the catalogue has it).
MAJOR_TEAM = "Major Incident Team"


class MajorIncidentService:
    def __init__(self, db: Database, clock: Clock, incidents: IncidentService, problems: ProblemService,
                 site: Site) -> None:
        self.db = db
        self.clock = clock
        self.incidents = incidents
        self.problems = problems
        self.site = site

    # -- reading -----------------------------------------------------------------------
    def get(self, number: str) -> MajorView:
        with self.db.reading() as s:
            return read.load_major(s, lookups.incident_by_number(s, number).id, self.clock())

    def staff_choices(self) -> list[tuple[str, str]]:
        """(username, display name) of active staff, for the manager and team pickers."""
        return staff_choices(self.db)

    def open_majors(self) -> list[MajorSummary]:
        with self.db.reading() as s:
            return read.open_majors(s, self.clock())

    def proposals(self) -> list[Proposal]:
        with self.db.reading() as s:
            return surge.find_proposals(s, self.clock())

    def report_data(self, actor: Actor, number: str) -> ReportData:
        """Everything the post-incident report prints (anyone who may work a major may print it)."""
        require(actor, "major.manage")
        with self.db.reading() as s:
            return gather(s, self._major(s, number).id, self.clock(), actor, self.site)

    def write_report(self, actor: Actor, number: str, out: Path, *, paper: str = "letter") -> Path:
        """Build the PDF beside ``out`` and rename it into place: a failed build leaves no file."""
        from desk.major.report import build_post_incident_report

        data = self.report_data(actor, number)
        tmp = out.with_name(out.name + ".part")
        try:
            build_post_incident_report(data, tmp, paper=paper)
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
        return out

    def open_problem(self, actor: Actor, number: str, *, title: str | None = None,
                     description: str | None = None) -> str:
        """A problem for the major incident's underlying cause, linked to it (and it to the problem)."""
        require(actor, "problem.open")
        with self.db.reading() as s:
            inc = self._major(s, number)
            service = s.get_one(Service, inc.service_id).name if inc.service_id else None
            number, inc_title = inc.number, inc.title
        p = self.problems.open(actor, title=title or f"Root cause of {number}: {inc_title}"[:300],
                               description=description if description is not None else
                               f"Opened from major incident {number}.", service=service,
                               incidents=(number,), major_incident=number)
        return p.number

    def rules(self) -> list[RuleView]:
        with self.db.reading() as s:
            default, per_service = surge.rules(s)
            return [default, *sorted(per_service.values(), key=lambda r: r.service or "")]

    # -- starting ----------------------------------------------------------------------
    def promote(self, actor: Actor, number: str, *, reason: str, manager: str | None = None,
                team: Sequence[tuple[str, str]] = ()) -> MajorView:
        """A supervisor declares an incident major: why, who manages it, who is on the team."""
        require(actor, "incident.promote_major")
        why = clean_text(reason, "reason", required=True, max_length=4000)
        now = self.clock()
        with self.db.writing() as s:
            inc = lookups.incident_by_number(s, number, for_update=True)
            self._promote_in(s, actor, inc, why, manager, team, now)
            s.flush()
            return read.load_major(s, inc.id, now)

    def _promote_in(self, s: Session, actor: Actor, inc: Incident, why: str, manager: str | None,
                    team: Sequence[tuple[str, str]], now: dt.datetime) -> None:
        if inc.is_major:
            raise InvalidInput(f"{inc.number} is already a major incident.", "number")
        if inc.status not in lifecycle.OPEN_STATUSES:
            raise InvalidInput(f"{inc.number} is {labels.status(inc.status)}; only an open incident can become "
                               "a major incident.", "number")
        if inc.parent_id is not None:
            parent = s.get(Incident, inc.parent_id)
            raise InvalidInput(f"{inc.number} is a child of {parent.number if parent else 'another incident'}; "
                               "unlink it first.", "number")
        audit.record(s, actor, now, "incident", inc.id, "is_major", False, True, why)
        inc.is_major = True
        self._comms(s, actor, inc, f"Major incident declared: {why}", now)
        if manager:
            self._set_manager(s, actor, inc, manager, now)
        for username, role in team:
            self._add_member(s, actor, inc, username, role, now)
        self._next_update(s, actor, inc, None, now)
        inc.updated_at = now

    def page(self, actor: Actor, *, service: str, summary: str, source: str | None = None) -> PageOutcome:
        """A monitoring alert for a service: opens a major incident, or — when one is
        already open on that service — appends the page to its communication log."""
        require(actor, "incident.promote_major")
        text = clean_text(summary, "summary", required=True, max_length=4000)
        origin = clean_text(source, "source", max_length=120, single_line=True) if source else "monitoring"
        now = self.clock()
        with self.db.writing() as s:
            service_id = lookups.service_id(s, service)
            # Lock the service row: two pages at once for one service must not open two majors.
            s.execute(select(Service.id).where(Service.id == service_id).with_for_update()).all()
            existing = s.execute(
                select(Incident).where(Incident.is_major.is_(True), Incident.service_id == service_id,
                                       Incident.status.in_(list(lifecycle.OPEN_STATUSES)))
                .order_by(Incident.opened_at.desc(), Incident.id.desc()).limit(1)).scalar_one_or_none()
            if existing is not None:
                self._comms(s, actor, existing, f"Page again from {origin}: {text}", now)
                audit.record(s, actor, now, "incident", existing.id, "page", None, origin, text[:500])
                existing.updated_at = now
                s.flush()
                return PageOutcome(read.load_major(s, existing.id, now), created=False)
            title = text.splitlines()[0][:300]
            has_team = s.execute(select(Team.id).where(Team.name == MAJOR_TEAM)).scalar() is not None
            inc = self.incidents.open_in(s, actor, NewIncident(
                title=title, description=f"Paged by {origin}:\n{text}", service=service, impact=Impact.HIGH,
                urgency=Urgency.HIGH, channel=Channel.MONITORING, team=MAJOR_TEAM if has_team else None), now)
            self._promote_in(s, actor, inc, f"page from {origin}", None, (), now)
            audit.record(s, actor, now, "incident", inc.id, "page", None, origin, text[:500])
            self._comms(s, actor, inc, f"Page from {origin}: {text}", now)
            s.flush()
            return PageOutcome(read.load_major(s, inc.id, now), created=True)

    def confirm_proposal(self, actor: Actor, service: str, *, manager: str | None = None,
                         reason: str | None = None) -> LinkOutcome:
        """Confirm the surge proposal for ``service``: either its earliest incident becomes the
        major incident and the others its children, or (a major is already open there) the
        incidents opened during the outage are linked to it."""
        require(actor, "incident.promote_major")
        now = self.clock()
        with self.db.writing() as s:
            service_id = lookups.service_id(s, service)
            s.execute(select(Service.id).where(Service.id == service_id).with_for_update()).all()
            name = s.get_one(Service, service_id).name
            found = [p for p in surge.find_proposals(s, now) if p.service == name]
            if not found:
                raise NotFound(f"There is no current proposal for {name}.")
            p = found[0]
            if p.kind == "open":
                major = lookups.incident_by_number(s, p.incidents[0], for_update=True)
                why = clean_text(reason, "reason", max_length=4000) if reason else (
                    f"surge: {p.count} incidents on {name} from {p.first_opened_at:%H:%M} to "
                    f"{p.last_opened_at:%H:%M} UTC (rule: {p.threshold} within {p.window_minutes} min), confirmed")
                self._promote_in(s, actor, major, why, manager, (), now)
                rest = p.incidents[1:]
            else:
                major = lookups.incident_by_number(s, p.major_number or "", for_update=True)
                rest = p.incidents
            linked, skipped = self._link_in(s, actor, major, rest, now)
            s.flush()
            return LinkOutcome(read.load_major(s, major.id, now), linked, skipped)

    def dismiss_proposal(self, actor: Actor, service: str, *, reason: str) -> Proposal:
        """Not a major incident (e.g. many password resets on the first day of term): the
        proposal goes away; incidents opened after it can make a new one."""
        require(actor, "incident.promote_major")
        why = clean_text(reason, "reason", required=True, max_length=4000)
        now = self.clock()
        with self.db.writing() as s:
            service_id = lookups.service_id(s, service)
            name = s.get_one(Service, service_id).name
            found = [p for p in surge.find_proposals(s, now) if p.service == name and p.kind == "open"]
            if not found:
                raise NotFound(f"There is no current proposal for {name}.")
            audit.record(s, actor, now, "service", service_id, surge.DISMISSED_FIELD, None,
                         found[0].last_opened_at, why)
            return found[0]

    # -- manager and team --------------------------------------------------------------
    def set_manager(self, actor: Actor, number: str, username: str) -> MajorView:
        require(actor, "incident.promote_major")
        return self._write_major(actor, number, lambda s, inc, now: self._set_manager(s, actor, inc, username, now))

    def add_member(self, actor: Actor, number: str, username: str, role: str) -> MajorView:
        require(actor, "major.manage")
        return self._write_major(actor, number,
                                 lambda s, inc, now: self._add_member(s, actor, inc, username, role, now))

    def remove_member(self, actor: Actor, number: str, username: str) -> MajorView:
        require(actor, "major.manage")

        def go(s: Session, inc: Incident, now: dt.datetime) -> None:
            staff_id = lookups.staff_id(s, username, active_only=False)
            member = s.execute(select(MajorTeamMember).where(
                MajorTeamMember.incident_id == inc.id, MajorTeamMember.staff_id == staff_id)).scalar_one_or_none()
            if member is None:
                raise InvalidInput(f"{username} is not on the team of {inc.number}.", "username")
            audit.record(s, actor, now, "incident", inc.id, "major_team", f"{username} ({member.role})", None)
            s.execute(delete(MajorTeamMember).where(MajorTeamMember.id == member.id))

        return self._write_major(actor, number, go)

    def _set_manager(self, s: Session, actor: Actor, inc: Incident, username: str, now: dt.datetime) -> None:
        staff_id = lookups.staff_id(s, username)
        if staff_id != inc.major_manager_id:
            audit.record(s, actor, now, "incident", inc.id, "major_manager_id", inc.major_manager_id, staff_id)
            inc.major_manager_id = staff_id

    def _add_member(self, s: Session, actor: Actor, inc: Incident, username: str, role: str,
                    now: dt.datetime) -> None:
        staff_id = lookups.staff_id(s, username)
        what = clean_text(role, "role", required=True, max_length=ROLE_MAX, single_line=True)
        member = s.execute(select(MajorTeamMember).where(
            MajorTeamMember.incident_id == inc.id, MajorTeamMember.staff_id == staff_id)).scalar_one_or_none()
        if member is not None:
            if member.role != what:  # a new role for someone already on the team
                audit.record(s, actor, now, "incident", inc.id, "major_team",
                             f"{username} ({member.role})", f"{username} ({what})")
                member.role = what
            return
        s.add(MajorTeamMember(incident_id=inc.id, staff_id=staff_id, role=what, added_at=now,
                              added_by_id=actor.staff_id))
        audit.record(s, actor, now, "incident", inc.id, "major_team", None, f"{username} ({what})")

    # -- communication log ------------------------------------------------------------
    def post_update(self, actor: Actor, number: str, body: str, *,
                    next_update_in_minutes: int | None = None, to_users: bool = False) -> MajorView:
        """Record a communication sent out and when the next one is due (default: the rule's
        interval); ``to_users``: its audience is the affected users, who get it by mail (the
        caller of each child incident, once each)."""
        require(actor, "major.manage")
        text = clean_text(body, "update", required=True, max_length=COMMS_MAX)
        if next_update_in_minutes is not None and not 5 <= next_update_in_minutes <= MAX_UPDATE_MINUTES:
            raise InvalidInput(f"The next update must be due in 5 to {MAX_UPDATE_MINUTES} minutes.", "next_update")

        def go(s: Session, inc: Incident, now: dt.datetime) -> None:
            entry = self._comms(s, actor, inc, text, now)
            if to_users:
                self._mail_affected(s, actor, inc, entry, text, now)
            if inc.status in lifecycle.OPEN_STATUSES:
                self._next_update(s, actor, inc, next_update_in_minutes, now)

        return self._write_major(actor, number, go)

    def _comms(self, s: Session, actor: Actor, inc: Incident, body: str, now: dt.datetime) -> JournalEntry:
        entry = JournalEntry(incident_id=inc.id, kind=JournalKind.COMMS, body=body, author_id=actor.staff_id, at=now)
        s.add(entry)
        s.flush()
        return entry

    def _mail_affected(self, s: Session, actor: Actor, major: Incident, entry: JournalEntry, text: str,
                       now: dt.datetime) -> None:
        seen: set[int] = set()
        children = s.execute(select(Incident).where(Incident.parent_id == major.id).order_by(Incident.id)).scalars()
        for child in children:
            if child.caller_id is None or child.caller_id in seen:
                continue     # one message per person, however many of their tickets are children
            seen.add(child.caller_id)
            self.incidents.notify.major_update(s, major, child, entry.id, text, actor, now)

    def _next_update(self, s: Session, actor: Actor, inc: Incident, minutes: int | None, now: dt.datetime) -> None:
        if minutes is None:
            minutes = surge.rule_for(s, inc.service_id).update_interval_minutes
        due = now + dt.timedelta(minutes=minutes)
        audit.record(s, actor, now, "incident", inc.id, "next_update_due_at", inc.next_update_due_at, due)
        inc.next_update_due_at = due

    # -- children ----------------------------------------------------------------------
    def link_children(self, actor: Actor, number: str, children: Iterable[str]) -> LinkOutcome:
        require(actor, "major.manage")
        wanted = tuple(children)
        now = self.clock()
        with self.db.writing() as s:
            major = self._major(s, number)
            linked, skipped = self._link_in(s, actor, major, wanted, now)
            s.flush()
            return LinkOutcome(read.load_major(s, major.id, now), linked, skipped)

    def unlink_child(self, actor: Actor, number: str, child: str) -> MajorView:
        require(actor, "major.manage")

        def go(s: Session, inc: Incident, now: dt.datetime) -> None:
            c = lookups.incident_by_number(s, child, for_update=True)
            if c.parent_id != inc.id:
                raise InvalidInput(f"{c.number} is not a child of {inc.number}.", "child")
            audit.record(s, actor, now, "incident", c.id, "parent_id", inc.id, None)
            c.parent_id = None
            c.updated_at = now

        return self._write_major(actor, number, go)

    def _link_in(self, s: Session, actor: Actor, major: Incident, numbers: Iterable[str],
                 now: dt.datetime) -> tuple[tuple[str, ...], tuple[ChildSkipped, ...]]:
        linked: list[str] = []
        skipped: list[ChildSkipped] = []
        for number in numbers:
            try:
                c = lookups.incident_by_number(s, number, for_update=True)
            except NotFound as exc:
                skipped.append(ChildSkipped(number, str(exc)))
                continue
            why = None
            if c.id == major.id:
                why = "it is the major incident itself"
            elif c.is_major:
                why = "it is a major incident itself"
            elif c.parent_id == major.id:
                why = "already linked"
            elif c.parent_id is not None:
                why = "it is a child of another incident"
            elif c.status in lifecycle.FINAL:
                why = f"it is {labels.status(c.status)}"
            if why:
                skipped.append(ChildSkipped(c.number, why))
                continue
            audit.record(s, actor, now, "incident", c.id, "parent_id", None, major.id)
            c.parent_id = major.id
            c.updated_at = now
            linked.append(c.number)
        if linked:
            major.updated_at = now
        return tuple(linked), tuple(skipped)

    # -- resolving ---------------------------------------------------------------------
    def resolve(self, actor: Actor, number: str, *, code: str, note: str,
                resolve_children: bool = True) -> ResolveOutcome:
        """Resolve the major incident and (if asked) each open child with its resolution.
        A child the lifecycle does not allow to resolve is reported, not forced."""
        require(actor, "major.manage")
        now = self.clock()
        with self.db.writing() as s:
            major = self._major(s, number)
            self.incidents.transition_in(s, actor, major, IncidentStatus.RESOLVED, now,
                                         resolution_code=code, resolution_note=note)
            if major.next_update_due_at is not None:
                audit.record(s, actor, now, "incident", major.id, "next_update_due_at", major.next_update_due_at, None)
                major.next_update_due_at = None
            done, skipped = self._resolve_children_in(s, actor, major, now) if resolve_children else ((), ())
            self._comms(s, actor, major, f"Resolved ({labels.resolution_code(major.resolution_code or '')}): "
                        f"{major.resolution_note}"
                        + (f" — {labels.count(len(done), 'child incident')} resolved with it" if done else ""), now)
            s.flush()
            return ResolveOutcome(read.load_major(s, major.id, now), done, skipped)

    def resolve_children(self, actor: Actor, number: str) -> ResolveOutcome:
        """Resolve the open children of an already resolved major incident with its resolution."""
        require(actor, "major.manage")
        now = self.clock()
        with self.db.writing() as s:
            major = self._major(s, number)
            if major.status not in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED):
                raise InvalidInput(f"{major.number} is {labels.status(major.status)}; resolve it first.", "number")
            done, skipped = self._resolve_children_in(s, actor, major, now)
            s.flush()
            return ResolveOutcome(read.load_major(s, major.id, now), done, skipped)

    def _resolve_children_in(self, s: Session, actor: Actor, major: Incident,
                             now: dt.datetime) -> tuple[tuple[str, ...], tuple[ChildSkipped, ...]]:
        done: list[str] = []
        skipped: list[ChildSkipped] = []
        children = s.execute(select(Incident).where(
            Incident.parent_id == major.id, Incident.status.in_(list(lifecycle.OPEN_STATUSES)))
            .order_by(Incident.id)).scalars().all()
        note = f"Resolved with major incident {major.number}: {major.resolution_note}"
        for child in children:
            try:
                # A savepoint per child: a refused child leaves no half-written trace.
                with s.begin_nested():
                    self.incidents.transition_in(s, actor, child, IncidentStatus.RESOLVED, now,
                                                 resolution_code=major.resolution_code, resolution_note=note)
            except DeskError as exc:
                s.refresh(child)
                skipped.append(ChildSkipped(child.number, str(exc)))
                continue
            done.append(child.number)
        return tuple(done), tuple(skipped)

    # -- rules (data) ------------------------------------------------------------------
    def set_rule(self, actor: Actor, *, service: str | None = None, surge_threshold: int | None = None,
                 surge_window_minutes: int | None = None, update_interval_minutes: int | None = None) -> RuleView:
        """Change the default rule, or a service's override (created from the default)."""
        require(actor, "incident.promote_major")
        for value, lo, what in ((surge_threshold, 2, "surge threshold"), (surge_window_minutes, 1, "surge window"),
                                (update_interval_minutes, 5, "update interval")):
            if value is not None and not lo <= value <= 100_000:
                raise InvalidInput(f"The {what} must be at least {lo}.", what.replace(" ", "_"))
        now = self.clock()
        with self.db.writing() as s:
            service_id = lookups.service_id(s, service) if service else None
            row = s.execute(select(MajorIncidentRule).where(
                MajorIncidentRule.service_id.is_(None) if service_id is None
                else MajorIncidentRule.service_id == service_id)).scalar_one_or_none()
            if row is None:
                base = surge.rule_for(s, None)
                row = MajorIncidentRule(service_id=service_id, surge_threshold=base.surge_threshold,
                                        surge_window_minutes=base.surge_window_minutes,
                                        update_interval_minutes=base.update_interval_minutes, updated_at=now)
                s.add(row)
                s.flush()
                audit.record(s, actor, now, "major_rule", row.id, "created", None, service or "default")
            for f, value in (("surge_threshold", surge_threshold), ("surge_window_minutes", surge_window_minutes),
                             ("update_interval_minutes", update_interval_minutes)):
                if value is not None and getattr(row, f) != value:
                    audit.record(s, actor, now, "major_rule", row.id, f, getattr(row, f), value, service or "default")
                    setattr(row, f, value)
            row.updated_at = now
            s.flush()
            return RuleView(service, row.surge_threshold, row.surge_window_minutes, row.update_interval_minutes)

    # -- helpers -----------------------------------------------------------------------
    def _major(self, s: Session, number: str) -> Incident:
        inc = lookups.incident_by_number(s, number, for_update=True)
        if not inc.is_major:
            raise InvalidInput(f"{inc.number} is not a major incident.", "number")
        return inc

    def _write_major(self, actor: Actor, number: str, fn) -> MajorView:
        now = self.clock()
        with self.db.writing() as s:
            inc = self._major(s, number)
            fn(s, inc, now)
            inc.updated_at = now
            s.flush()
            return read.load_major(s, inc.id, now)


def staff_choices(db: Database) -> list[tuple[str, str]]:
    """(username, display name) of active staff, for the manager and team pickers."""
    with db.reading() as s:
        q = (select(StaffAccount.username, StaffAccount.display_name).where(StaffAccount.active.is_(True))
             .order_by(StaffAccount.display_name))
        return [(u, n) for u, n in s.execute(q)]
