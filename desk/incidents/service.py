"""Incident services: open, edit, transition, assign, comment, link — the only writers."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.engine import Database
from db.enums import Channel, Impact, IncidentStatus, JournalKind, PersonStatusKind, Urgency
from db.models import Incident, IncidentModel, JournalEntry, Service, Task, Team, TeamMember
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.common import audit, lookups
from desk.common.numbering import next_number
from desk.common.records import EDITABLE_FIELDS, IncidentView
from desk.common.text import clean_text
from desk.errors import ConflictError, InvalidInput
from desk.incidents.read import load_incident
from desk.mail.notify import Notifier
from desk.rules import choices, labels, lifecycle
from desk.rules.permissions import require, transition_action
from desk.rules.priority import derive_priority
from desk.rules.priority import raise_urgency as raise_urgency_step
from desk.sla import tracking

TITLE_MAX = 300
DESCRIPTION_MAX = 100_000
@dataclass(frozen=True)
class NewIncident:
    title: str
    description: str = ""
    caller_university_id: str | None = None
    acting_status: str | None = None
    acting_department: str | None = None
    service: str | None = None
    category: str | None = None
    impact: str | Impact = Impact.LOW
    urgency: str | Urgency = Urgency.MEDIUM
    channel: str | Channel = Channel.PHONE
    team: str | None = None
    assignee: str | None = None
    model: str | None = None
    tasks: tuple[tuple[str, str | None], ...] = field(default_factory=tuple)


class IncidentService:
    def __init__(self, db: Database, clock: Clock = utc_now, notifier: Notifier | None = None) -> None:
        self.db = db
        self.clock = clock
        # Customers' mail is queued in the same unit of work as the change that causes it.
        self.notify = notifier or Notifier(db, clock)

    # -- reading -------------------------------------------------------------
    def get(self, number: str) -> IncidentView:
        with self.db.reading() as s:
            return load_incident(s, lookups.incident_by_number(s, number).id)

    # -- opening -------------------------------------------------------------
    def open(self, actor: Actor, new: NewIncident) -> IncidentView:
        require(actor, "incident.open")
        now = self.clock()
        with self.db.writing() as s:
            return load_incident(s, self.open_in(s, actor, new, now).id)

    def open_in(self, s: Session, actor: Actor, new: NewIncident, now: dt.datetime) -> Incident:
        """Open an incident inside the caller's unit of work (e.g. a counter intake that
        writes the incident, its device and loan in one transaction); returns the row."""
        require(actor, "incident.open")
        inc = self._build(s, actor, new, now)
        s.add(inc)
        s.flush()
        for position, (title, condition) in enumerate(new.tasks, start=1):
            s.add(Task(incident_id=inc.id, position=position, title=title, condition=condition))
        audit.record(s, actor, now, "incident", inc.id, "created", None, inc.number)
        audit.record(s, actor, now, "incident", inc.id, "status", None, inc.status)
        audit.record(s, actor, now, "incident", inc.id, "priority", None, inc.priority)
        if inc.assignee_id:
            audit.record(s, actor, now, "incident", inc.id, "assignee_id", None, inc.assignee_id)
        tracking.refresh(s, inc, now)
        s.flush()
        self.notify.opened(s, inc, actor, now)
        return inc

    def _build(self, s: Session, actor: Actor, new: NewIncident, now: dt.datetime) -> Incident:
        title = clean_text(new.title, "title", required=True, max_length=TITLE_MAX, single_line=True)
        description = clean_text(new.description, "description", max_length=DESCRIPTION_MAX)
        impact = choices.parse(Impact, new.impact, "impact")
        urgency = choices.parse(Urgency, new.urgency, "urgency")
        channel = choices.parse(Channel, new.channel, "channel")
        caller = lookups.person_id(s, new.caller_university_id) if new.caller_university_id else None
        acting_status = choices.parse(PersonStatusKind, new.acting_status, "acting_status") if new.acting_status else None
        acting_department = lookups.department_id(s, new.acting_department) if new.acting_department else None
        service = lookups.service_id(s, new.service, for_new_work=True) if new.service else None
        team = lookups.team_id(s, new.team) if new.team else None
        if team is None and service is not None:
            team = s.get_one(Service, service).default_team_id
        assignee = lookups.staff_id(s, new.assignee) if new.assignee else None
        if assignee is not None and assignee != actor.staff_id:
            require(actor, "incident.assign")  # opening a ticket for someone else is assigning it
        model = None
        if new.model:
            model = s.execute(select(IncidentModel.id).where(IncidentModel.name == new.model)).scalar()
            if model is None:
                raise InvalidInput(f"No incident model called {new.model!r}.", "model")
        category = lookups.category_id(s, new.category, create=True) if new.category else None
        pr = derive_priority(impact, urgency, lookups.vip_policy_for(s, caller, now))
        status = IncidentStatus.ASSIGNED if assignee else IncidentStatus.NEW
        return Incident(
            number=next_number(s, "INC"), title=title, description=description, caller_id=caller,
            acting_status=acting_status, acting_department_id=acting_department, service_id=service,
            category_id=category, impact=impact, urgency=urgency, priority=pr.priority,
            priority_explanation=pr.explanation,
            vip_policy_id=pr.vip_policy.id if pr.vip_policy else None, status=status, team_id=team,
            assignee_id=assignee, channel=channel, opened_at=now, updated_at=now, model_id=model,
            created_by_id=actor.staff_id, version=1,
        )

    # -- editing -------------------------------------------------------------
    def update(
        self, actor: Actor, number: str, base_version: int, changes: Mapping[str, Any]
    ) -> IncidentView:
        """Apply field edits made on top of ``base_version``.

        A stale base raises ConflictError carrying both sides; nothing is overwritten.
        """
        require(actor, "incident.edit")
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise InvalidInput(f"These fields cannot be edited here: {', '.join(sorted(unknown))}.")
        now = self.clock()
        try:
            with self.db.writing() as s:
                inc = lookups.incident_by_number(s, number, for_update=True)
                self._check_version(s, inc, base_version, changes)
                if inc.status in lifecycle.FINAL:
                    raise InvalidInput(f"{inc.number} is {labels.status(inc.status)} and can no longer be edited.")
                changed = self._apply(s, actor, inc, changes, now)
                if changed:
                    inc.updated_at = now
                    tracking.refresh(s, inc, now)
                s.flush()
                return load_incident(s, inc.id)
        except StaleDataError:
            # Someone committed between our read and our write.
            with self.db.reading() as s:
                current = load_incident(s, lookups.incident_by_number(s, number).id)
            raise ConflictError("incident", number, base_version, current.version, dict(changes),
                                current.editable()) from None

    def _check_version(self, s: Session, inc: Incident, base_version: int, mine: Mapping[str, Any]) -> None:
        if inc.version != base_version:
            current = load_incident(s, inc.id)
            raise ConflictError("incident", inc.number, base_version, inc.version, dict(mine), current.editable())

    def _apply(self, s: Session, actor: Actor, inc: Incident, changes: Mapping[str, Any], now: dt.datetime) -> bool:
        before = {
            "title": inc.title, "description": inc.description, "caller_id": inc.caller_id,
            "acting_status": inc.acting_status, "acting_department_id": inc.acting_department_id,
            "service_id": inc.service_id, "category_id": inc.category_id, "impact": inc.impact,
            "urgency": inc.urgency, "channel": inc.channel,
        }
        for key, value in changes.items():
            if key == "title":
                inc.title = clean_text(value, "title", required=True, max_length=TITLE_MAX, single_line=True)
            elif key == "description":
                inc.description = clean_text(value, "description", max_length=DESCRIPTION_MAX)
            elif key == "caller_university_id":
                inc.caller_id = lookups.person_id(s, value) if value else None
            elif key == "acting_status":
                inc.acting_status = choices.parse(PersonStatusKind, value, "acting_status") if value else None
            elif key == "acting_department":
                inc.acting_department_id = lookups.department_id(s, value) if value else None
            elif key == "service":
                service_id = lookups.service_id(s, value) if value else None
                if service_id is not None and service_id != inc.service_id:
                    # Moving a ticket onto a retired service is refused; one already on it keeps it.
                    lookups.service_id(s, value, for_new_work=True)
                inc.service_id = service_id
            elif key == "category":
                inc.category_id = lookups.category_id(s, value, create=True) if value else None
            elif key == "impact":
                inc.impact = choices.parse(Impact, value, "impact")
            elif key == "urgency":
                inc.urgency = choices.parse(Urgency, value, "urgency")
            elif key == "channel":
                inc.channel = choices.parse(Channel, value, "channel")
        after = {k: getattr(inc, k) for k in before}
        changed = {k for k in before if before[k] != after[k]}
        for k in sorted(changed):
            audit.record(s, actor, now, "incident", inc.id, k, before[k], after[k])
        if changed & {"impact", "urgency", "caller_id"}:
            self._rederive_priority(s, actor, inc, now)
        return bool(changed)

    def _rederive_priority(self, s: Session, actor: Actor, inc: Incident, now: dt.datetime,
                           reason: str | None = None) -> None:
        pr = derive_priority(inc.impact, inc.urgency, lookups.vip_policy_for(s, inc.caller_id, now))
        if pr.priority != inc.priority:
            audit.record(s, actor, now, "incident", inc.id, "priority", inc.priority, pr.priority, reason)
        inc.priority = pr.priority
        inc.priority_explanation = pr.explanation
        inc.vip_policy_id = pr.vip_policy.id if pr.vip_policy else None

    # -- lifecycle -----------------------------------------------------------
    def transition(
        self, actor: Actor, number: str, target: str | IncidentStatus, *, reason: str | None = None,
        resolution_code: str | None = None, resolution_note: str | None = None,
        base_version: int | None = None,
    ) -> IncidentView:
        target_status = choices.parse(IncidentStatus, target, "status")
        require(actor, transition_action(target_status))
        now = self.clock()
        with self.db.writing() as s:
            inc = lookups.incident_by_number(s, number, for_update=True)
            if base_version is not None:
                self._check_version(s, inc, base_version, {"status": target_status.value})
            self._transition(s, actor, inc, target_status, now, reason=reason,
                             resolution_code=resolution_code, resolution_note=resolution_note)
            s.flush()
            return load_incident(s, inc.id)

    def transition_in(
        self, s: Session, actor: Actor, inc: Incident, target: str | IncidentStatus, now: dt.datetime, *,
        reason: str | None = None, resolution_code: str | None = None, resolution_note: str | None = None,
        action: str | None = None, notify: bool = True,
    ) -> None:
        """A lifecycle step inside the caller's unit of work (pickup resolves and closes at
        once, under its own action: ``repair.pickup``, and tells the customer nothing by
        mail: they are at the desk)."""
        target_status = choices.parse(IncidentStatus, target, "status")
        require(actor, action or transition_action(target_status))
        self._transition(s, actor, inc, target_status, now, reason=reason,
                         resolution_code=resolution_code, resolution_note=resolution_note, notify=notify)

    def _transition(
        self, s: Session, actor: Actor, inc: Incident, target: IncidentStatus, now: dt.datetime, *,
        reason: str | None = None, resolution_code: str | None = None, resolution_note: str | None = None,
        notify: bool = True,
    ) -> None:
        current = inc.status
        allowed = lifecycle.allowed_incident_transitions(current)
        if target not in allowed:
            raise lifecycle_error(current, target)
        why = lifecycle.reason_required(current, target)
        if why:
            if not (reason or "").strip():
                raise InvalidInput(f"A reason is required for {why}.", "reason")
            reason = clean_text(reason, "reason", max_length=4000)
        if target is IncidentStatus.RESOLVED:
            code = choices.resolution_code(resolution_code)
            note = clean_text(resolution_note, "resolution note", required=True, max_length=DESCRIPTION_MAX)
            for f, value in (("resolution_code", code), ("resolution_note", note)):
                audit.record(s, actor, now, "incident", inc.id, f, getattr(inc, f), value)
            inc.resolution_code, inc.resolution_note = code, note
            inc.resolved_at = now
        if target is IncidentStatus.IN_PROGRESS and current is IncidentStatus.RESOLVED:
            inc.resolved_at = None
        if target is IncidentStatus.IN_PROGRESS and inc.assignee_id is None:
            # Starting work on an unassigned ticket means the actor takes it.
            audit.record(s, actor, now, "incident", inc.id, "assignee_id", None, actor.staff_id)
            inc.assignee_id = actor.staff_id
        if target is IncidentStatus.ASSIGNED and inc.assignee_id is None and inc.team_id is None:
            raise InvalidInput("Assign a team or a person before moving to Assigned.", "assignee")
        if target is IncidentStatus.CLOSED:
            inc.closed_at = now
        if target is IncidentStatus.CANCELLED:
            inc.cancel_reason = reason
            inc.closed_at = now
        audit.record(s, actor, now, "incident", inc.id, "status", current, target, reason)
        inc.status = target
        inc.updated_at = now
        if reason and why:
            s.add(JournalEntry(incident_id=inc.id, kind=JournalKind.INTERNAL, author_id=actor.staff_id,
                               at=now, body=f"{why.capitalize()}: {reason}"))
        self._mark_responded(s, inc, now)
        tracking.refresh(s, inc, now)
        if notify and target is IncidentStatus.PENDING_CUSTOMER:
            self.notify.waiting_for_you(s, inc, reason or "", actor, now)
        elif notify and target is IncidentStatus.RESOLVED:
            self.notify.resolved(s, inc, actor, now, reopen_days=lifecycle.AUTO_CLOSE_DAYS)

    # -- assignment ----------------------------------------------------------
    def assign(
        self, actor: Actor, number: str, *, team: str | None = None, assignee: str | None = None,
        base_version: int | None = None,
    ) -> IncidentView:
        require(actor, "incident.assign")
        now = self.clock()
        with self.db.writing() as s:
            inc = lookups.incident_by_number(s, number, for_update=True)
            if base_version is not None:
                self._check_version(s, inc, base_version, {"team": team, "assignee": assignee})
            if inc.status in lifecycle.FINAL:
                raise InvalidInput(f"{inc.number} is {labels.status(inc.status)}; it cannot be reassigned.")
            new_team = lookups.team_id(s, team) if team else inc.team_id
            new_assignee = lookups.staff_id(s, assignee) if assignee else None
            if new_assignee is not None and new_team is not None and team is None:
                member = s.execute(select(exists().where(
                    TeamMember.team_id == new_team, TeamMember.staff_id == new_assignee))).scalar()
                if not member:
                    first = s.execute(select(TeamMember.team_id).where(
                        TeamMember.staff_id == new_assignee).limit(1)).scalar()
                    new_team = first if first is not None else new_team
            for f, old, new in (("team_id", inc.team_id, new_team), ("assignee_id", inc.assignee_id, new_assignee)):
                if old != new:
                    audit.record(s, actor, now, "incident", inc.id, f, old, new)
            inc.team_id, inc.assignee_id = new_team, new_assignee
            if inc.status is IncidentStatus.NEW and (new_assignee or new_team):
                audit.record(s, actor, now, "incident", inc.id, "status", inc.status, IncidentStatus.ASSIGNED)
                inc.status = IncidentStatus.ASSIGNED
            inc.updated_at = now
            self._mark_responded(s, inc, now)
            tracking.refresh(s, inc, now)
            s.flush()
            return load_incident(s, inc.id)

    def escalate_in(self, s: Session, actor: Actor, inc: Incident, now: dt.datetime, *, reason: str,
                    team_id: int | None = None, raise_urgency: bool = False) -> list[str]:
        """An SLA escalation inside the caller's unit of work (desk.escalation): hand the
        ticket to ``team_id`` (its assignee cleared: the new team picks it up) and/or raise
        its urgency one step, the priority following through the matrix. ``reason`` is
        kept on every audit entry and as a work note, so the ticket says why. Returns
        what was done, in words."""
        done: list[str] = []
        if team_id is not None and team_id != inc.team_id:
            for f, old, new in (("team_id", inc.team_id, team_id), ("assignee_id", inc.assignee_id, None)):
                if old != new:
                    audit.record(s, actor, now, "incident", inc.id, f, old, new, reason)
            inc.team_id, inc.assignee_id = team_id, None
            team = s.get(Team, team_id)
            done.append(f"reassigned to {team.name if team else team_id}")
        if raise_urgency:
            raised = raise_urgency_step(inc.urgency, 1)
            if raised != inc.urgency:
                audit.record(s, actor, now, "incident", inc.id, "urgency", inc.urgency, raised, reason)
                before = inc.priority
                inc.urgency = raised
                self._rederive_priority(s, actor, inc, now, reason)
                done.append(f"urgency raised to {labels.urgency(raised)}"
                            + (f" ({before.value} → {inc.priority.value})" if inc.priority != before else ""))
        if done:
            s.add(JournalEntry(incident_id=inc.id, kind=JournalKind.INTERNAL, author_id=actor.staff_id,
                               at=now, body=f"{reason}: {'; '.join(done)}."))
            inc.updated_at = now
            tracking.refresh(s, inc, now)
        return done

    # -- journal -------------------------------------------------------------
    def comment(self, actor: Actor, number: str, body: str, *, internal: bool = False) -> IncidentView:
        require(actor, "incident.comment")
        text = clean_text(body, "comment", required=True, max_length=DESCRIPTION_MAX)
        now = self.clock()
        with self.db.writing() as s:
            inc = lookups.incident_by_number(s, number, for_update=True)
            kind = JournalKind.INTERNAL if internal else JournalKind.PUBLIC
            entry = JournalEntry(incident_id=inc.id, kind=kind, body=text, author_id=actor.staff_id, at=now)
            s.add(entry)
            s.flush()
            if not internal:
                self.notify.public_comment(s, inc, entry.id, text, actor.display_name, actor, now)
            inc.updated_at = now
            self._mark_responded(s, inc, now)
            tracking.refresh(s, inc, now)
            s.flush()
            return load_incident(s, inc.id)

    def customer_reply_in(self, s: Session, actor: Actor, inc: Incident, body: str, now: dt.datetime) -> None:
        """A reply from the customer (an e-mail), inside the caller's unit of work: on the
        conversation as public, and the ticket carries on where the rules say so (a
        resolved ticket reopens, one waiting for the customer is no longer waiting). The
        customer is not mailed their own words back."""
        text = clean_text(body, "reply", required=True, max_length=DESCRIPTION_MAX)
        s.add(JournalEntry(incident_id=inc.id, kind=JournalKind.PUBLIC, body=text, author_id=actor.staff_id, at=now))
        if inc.status is IncidentStatus.RESOLVED or inc.status is IncidentStatus.PENDING_CUSTOMER:
            what = "reopened" if inc.status is IncidentStatus.RESOLVED else "no longer waiting"
            self._transition(s, actor, inc, IncidentStatus.IN_PROGRESS, now,
                             reason=f"The customer replied by e-mail ({what})", notify=False)
        inc.updated_at = now
        tracking.refresh(s, inc, now)
        s.flush()

    def _mark_responded(self, s: Session, inc: Incident, now: dt.datetime) -> None:
        """Response = In progress, or an assignee plus a first public reply (reference)."""
        if inc.responded_at is not None:
            return
        if inc.status is IncidentStatus.IN_PROGRESS:
            inc.responded_at = now
            return
        if inc.assignee_id is not None:
            replied = s.execute(select(exists().where(
                JournalEntry.incident_id == inc.id, JournalEntry.kind == JournalKind.PUBLIC))).scalar()
            if replied:
                inc.responded_at = now

    # -- links ---------------------------------------------------------------
    def link_problem(self, actor: Actor, number: str, problem_number: str | None) -> IncidentView:
        require(actor, "incident.link_problem")
        now = self.clock()
        with self.db.writing() as s:
            inc = lookups.incident_by_number(s, number, for_update=True)
            new = lookups.problem_by_number(s, problem_number).id if problem_number else None
            if new != inc.problem_id:
                audit.record(s, actor, now, "incident", inc.id, "problem_id", inc.problem_id, new)
                inc.problem_id = new
                inc.updated_at = now
            s.flush()
            return load_incident(s, inc.id)

    def rederive_open_for_person(self, s: Session, actor: Actor, person_id: int, now: dt.datetime,
                                 reason: str) -> int:
        """Re-derive priority of a person's open incidents (VIP status changed)."""
        rows = s.execute(select(Incident).where(
            Incident.caller_id == person_id, Incident.status.in_(list(lifecycle.OPEN_STATUSES)))).scalars().all()
        for inc in rows:
            self._rederive_priority(s, actor, inc, now, reason)
            inc.updated_at = now
            tracking.refresh(s, inc, now)
        return len(rows)


def lifecycle_error(current: IncidentStatus, target: IncidentStatus) -> InvalidInput:
    from desk.errors import IllegalTransition

    return IllegalTransition(
        labels.status(current), labels.status(target),
        [labels.status(a) for a in lifecycle.allowed_incident_transitions(current)],
    )

