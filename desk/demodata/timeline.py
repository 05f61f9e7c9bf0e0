"""The life of one demo incident, written as the services would have written it.

Each ticket is planned as an ordered list of events (audit rows and journal entries)
from opening to closure, with delays that depend on priority and desk hours; events
after "now" are cut off, so old tickets end closed and recent ones are still new,
assigned, in progress or pending — the status mix falls out of the timing instead of
being dealt from a table. Audit rows use the services' fields and text forms
('created', 'status', 'priority', 'assignee_id', … via desk.common.audit.as_text)
because the SLA engine replays them.
"""
from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from typing import Any

from db.enums import Impact, Urgency
from desk.demodata import texts
from desk.demodata.clockwork import DAY, HOUR, MINUTE, DeskHours
from desk.rules.priority import PriorityResult, VipPolicyRef, derive_priority

# (at, actor_id, field, old, new, reason)
Audit = tuple[int, int | None, str, str | None, str | None, str | None]
# (at, author_id, kind, body)
Journal = tuple[int, int | None, str, str]

# Seconds to first assignment, by priority (min, max) before snapping into desk hours.
_RESPONSE = {"P1": (2 * MINUTE, 15 * MINUTE), "P2": (5 * MINUTE, 40 * MINUTE),
             "P3": (15 * MINUTE, 4 * HOUR), "P4": (1 * HOUR, 1 * DAY), "P5": (2 * HOUR, 2 * DAY)}
# Working time to a fix once in progress.
_WORK = {"P1": (30 * MINUTE, 4 * HOUR), "P2": (1 * HOUR, 10 * HOUR), "P3": (2 * HOUR, 3 * DAY),
         "P4": (4 * HOUR, 6 * DAY), "P5": (1 * DAY, 20 * DAY)}
_IMPACT = ((Impact.LOW, 70), (Impact.MEDIUM, 23), (Impact.HIGH, 7))
_URGENCY = ((Urgency.MEDIUM, 50), (Urgency.LOW, 25), (Urgency.HIGH, 25))
_PENDING = ("pending_customer", "pending_vendor", "pending_parts")


def weighted(rng: random.Random, options: tuple[tuple[Any, int], ...]) -> Any:
    table = _WEIGHTS.get(id(options))
    if table is None or table[0] is not options:
        cum, total = [], 0
        for _, w in options:
            total += w
            cum.append(total)
        table = _WEIGHTS[id(options)] = (options, cum, total)
    _, cum, total = table
    return options[bisect.bisect_right(cum, rng.randrange(total))][0]


# Cumulative weights per option table (the tables are module constants, built once).
_WEIGHTS: dict[int, tuple[Any, list[int], int]] = {}


@dataclass
class Staffing:
    """Staff ids the generator draws actors from."""

    system_id: int                      # automatic closure
    monitoring_id: int                  # monitoring bridge (opens alert tickets)
    mail_id: int                        # e-mail / self-service intake
    counter_ids: list[int]              # walk-in and phone
    techs_by_team: dict[int, list[int]]
    supervisor_ids: list[int]
    display_names: dict[int, str] = field(default_factory=dict)  # staff id -> shown name


@dataclass
class Ticket:
    """One incident row plus its audit and journal rows (times as epoch seconds)."""

    row: dict[str, Any]
    audits: list[Audit]
    journal: list[Journal]


class Priorities:
    """derive_priority with its results cached (nine matrix cells × VIP or not)."""

    def __init__(self, policy: VipPolicyRef | None) -> None:
        self.policy = policy
        self._cache: dict[tuple[Impact, Urgency, bool], PriorityResult] = {}

    def derive(self, impact: Impact, urgency: Urgency, vip: bool) -> PriorityResult:
        key = (impact, urgency, vip)
        r = self._cache.get(key)
        if r is None:
            r = derive_priority(impact, urgency, self.policy if vip else None)
            self._cache[key] = r
        return r


class TicketWriter:
    def __init__(self, rng: random.Random, hours: DeskHours, staff: Staffing, priorities: Priorities,
                 now: int) -> None:
        self.rng = rng
        self.hours = hours
        self.staff = staff
        self.priorities = priorities
        self.now = now

    # -- helpers -------------------------------------------------------------
    def _after(self, t: int, span: tuple[int, int], *, desk: bool = True) -> int:
        t2 = t + self.rng.randint(*span)
        if not desk:
            return t2
        snapped = self.hours.snap(t2)
        # Nobody starts work on the stroke of eight: spread the morning backlog.
        return snapped if snapped == t2 else snapped + self.rng.randint(0, 90 * MINUTE)

    def _intake(self, channel: str) -> int:
        if channel == "monitoring":
            return self.staff.monitoring_id
        if channel in ("email", "self_service"):
            return self.staff.mail_id
        return self.rng.choice(self.staff.counter_ids)

    def choose_impact_urgency(self, channel: str) -> tuple[Impact, Urgency]:
        impact = weighted(self.rng, _IMPACT)
        urgency = weighted(self.rng, _URGENCY)
        if channel == "monitoring" and impact is Impact.LOW:
            impact = Impact.MEDIUM
        return impact, urgency

    # -- an ordinary incident ------------------------------------------------
    def ordinary(self, *, incident_id: int, number: str, opened: int, svc: texts.ServiceTexts,
                 service_id: int, team_id: int, category_id: int | None, channel: str,
                 caller: dict[str, Any] | None, vip: bool, title: str, description: str,
                 problem: tuple[int, int] | None = None, parent: tuple[int, int, str, str] | None = None,
                 impact: Impact | None = None, urgency: Urgency | None = None) -> Ticket:
        """Plan the whole life of a ticket, then keep what happened before ``now``.

        ``problem`` = (problem id, link time); ``parent`` = (major incident id, resolve
        time, resolution code, note) for children of a major incident.
        """
        rng = self.rng
        if impact is None or urgency is None:
            impact, urgency = self.choose_impact_urgency(channel)
        pr = self.priorities.derive(impact, urgency, vip)
        p = pr.priority.value
        creator = self._intake(channel)
        ev: list[tuple[int, int, tuple[Any, ...]]] = []  # (at, order, payload)
        seq = 0

        def audit(at: int, actor: int | None, fld: str, old: Any, new: Any, reason: str | None = None) -> None:
            nonlocal seq
            seq += 1
            ev.append((at, seq, ("A", actor, fld, old, new, reason)))

        def note(at: int, author: int | None, kind: str, body: str) -> None:
            nonlocal seq
            seq += 1
            ev.append((at, seq, ("J", author, kind, body)))

        audit(opened, creator, "created", None, number)
        audit(opened, creator, "status", None, "new")
        audit(opened, creator, "priority", None, p)
        techs = self.staff.techs_by_team.get(team_id) or self.staff.techs_by_team[min(self.staff.techs_by_team)]
        tech = rng.choice(techs)
        given = (caller or {}).get("given", "there")
        t = opened

        if parent is not None:
            parent_id, parent_resolved, code, pnote = parent
            sup = rng.choice(self.staff.supervisor_ids)
            t = opened + rng.randint(3 * MINUTE, 20 * MINUTE)
            audit(t, sup, "parent_id", None, str(parent_id))
            note(t, sup, "internal", "Linked to the major incident; caller told about the outage.")
            t = max(parent_resolved, t + MINUTE)
            audit(t, sup, "resolution_code", None, code)
            audit(t, sup, "resolution_note", None, pnote)
            audit(t, sup, "assignee_id", None, str(sup))
            audit(t, sup, "status", "new", "in_progress")
            audit(t, sup, "status", "in_progress", "resolved")
            return self._close_and_finish(ev, audit, note, t, tech, given, incident_id, number, opened,
                                          title, description, svc, service_id, team_id, category_id,
                                          channel, caller, pr, impact, urgency, creator, None)

        cancel = rng.random()
        if cancel < 0.025:
            t = self._after(t, (10 * MINUTE, 2 * DAY))
            reason = rng.choice(texts.CANCEL_REASONS)
            actor = rng.choice(self.staff.counter_ids)
            audit(t, actor, "status", "new", "cancelled", reason)
            note(t, actor, "internal", f"Cancelling: {reason}")
            return self._finish(ev, incident_id, number, opened, title, description, service_id, team_id,
                                category_id, channel, caller, pr, impact, urgency, creator, None)

        # Assignment (a counter member hands walk-ins straight to the bench).
        span = (MINUTE, 10 * MINUTE) if channel == "walk_in" else _RESPONSE[p]
        t = self._after(t, span, desk=p != "P1")
        assigner = rng.choice(self.staff.supervisor_ids + techs)
        if rng.random() < 0.05:
            other = rng.choice(list(self.staff.techs_by_team))
            if other != team_id:
                audit(t, assigner, "team_id", str(team_id), str(other))
                team_id = other
                tech = rng.choice(self.staff.techs_by_team[other])
        audit(t, assigner, "assignee_id", None, str(tech))
        audit(t, assigner, "status", "new", "assigned")
        if cancel < 0.04:
            t = self._after(t, (30 * MINUTE, 1 * DAY))
            reason = rng.choice(texts.CANCEL_REASONS)
            audit(t, tech, "status", "assigned", "cancelled", reason)
            note(t, tech, "internal", f"Cancelling: {reason}")
            return self._finish(ev, incident_id, number, opened, title, description, service_id, team_id,
                                category_id, channel, caller, pr, impact, urgency, creator, None)

        t = t + rng.randint(2 * MINUTE, 45 * MINUTE)
        tech_name = self.staff.display_names.get(tech, "A technician")
        note(t, tech, "public", texts.fill(rng.choice(texts.PUBLIC_REPLIES[:3]), rng, name=given,
                                           tech=tech_name))
        t = self._after(t, (5 * MINUTE, 6 * HOUR), desk=p != "P1")
        audit(t, tech, "status", "assigned", "in_progress")
        work = rng.randint(*_WORK[p])

        if rng.random() < 0.05:  # the caller or a supervisor changes urgency mid-way
            t_u = t + work // 3
            new_u = rng.choice([u for u in Urgency if u is not urgency])
            new_pr = self.priorities.derive(impact, new_u, vip)
            actor = rng.choice(self.staff.supervisor_ids)
            audit(t_u, actor, "urgency", urgency.value, new_u.value)
            if new_pr.priority != pr.priority:
                audit(t_u, actor, "priority", pr.priority.value, new_pr.priority.value,
                      "urgency changed")
        for _ in range(rng.randint(0, 2)):
            note(t + rng.randint(MINUTE, max(work, 2 * MINUTE)), tech, "internal", rng.choice(svc.notes))

        pending_chance = 0.45 if svc.service == "Laptop Repair" else 0.18
        if rng.random() < pending_chance:
            t_p = t + rng.randint(MINUTE, max(work // 2, 2 * MINUTE))
            kind = "pending_parts" if svc.service == "Laptop Repair" and rng.random() < 0.7 \
                else rng.choice(_PENDING)
            audit(t_p, tech, "status", "in_progress", kind)
            note(t_p, tech, "internal", texts.PENDING_NOTES[kind])
            if rng.random() < 0.03:  # stalled: still waiting, whatever its age
                return self._finish(ev, incident_id, number, opened, title, description, service_id,
                                    team_id, category_id, channel, caller, pr, impact, urgency, creator,
                                    problem, stalled=True)
            t_back = self._after(t_p, (4 * HOUR, 10 * DAY))
            audit(t_back, tech, "status", kind, "in_progress")
            t = t_back
        t = self._after(t, (work // 2, work), desk=p != "P1")
        code, rnote = rng.choice(svc.resolutions)
        audit(t, tech, "resolution_code", None, code)
        audit(t, tech, "resolution_note", None, rnote)
        audit(t, tech, "status", "in_progress", "resolved")
        note(t, tech, "public", texts.fill(texts.PUBLIC_REPLIES[4], rng, name=given, tech=""))
        if rng.random() < 0.03:
            t = self._after(t, (4 * HOUR, 3 * DAY))
            reason = rng.choice(texts.REOPEN_REASONS)
            audit(t, tech, "status", "resolved", "in_progress", reason)
            note(t, tech, "internal", f"Reopening: {reason}")
            t = self._after(t, (2 * HOUR, 2 * DAY))
            audit(t, tech, "resolution_code", code, "fixed")
            audit(t, tech, "resolution_note", rnote, "Fixed for good after the reopen; verified with the caller.")
            audit(t, tech, "status", "in_progress", "resolved")
        return self._close_and_finish(ev, audit, note, t, tech, given, incident_id, number, opened, title,
                                      description, svc, service_id, team_id, category_id, channel, caller,
                                      pr, impact, urgency, creator, problem)

    def _close_and_finish(self, ev: list[Any], audit: Any, note: Any, t: int, tech: int, given: str,
                          incident_id: int, number: str, opened: int, title: str, description: str,
                          svc: texts.ServiceTexts, service_id: int, team_id: int, category_id: int | None,
                          channel: str, caller: dict[str, Any] | None, pr: PriorityResult, impact: Impact,
                          urgency: Urgency, creator: int, problem: tuple[int, int] | None) -> Ticket:
        if self.rng.random() < 0.3:
            t = self._after(t, (2 * HOUR, 2 * DAY))
            audit(t, tech, "status", "resolved", "closed", "Caller confirmed the fix")
        else:
            t = t + 7 * DAY  # five business days, give or take a holiday
            audit(t, self.staff.system_id, "status", "resolved", "closed", texts.AUTO_CLOSE_REASON)
        return self._finish(ev, incident_id, number, opened, title, description, service_id, team_id,
                            category_id, channel, caller, pr, impact, urgency, creator, problem)

    # -- cut at now and turn the plan into rows -------------------------------
    def _finish(self, ev: list[tuple[int, int, tuple[Any, ...]]], incident_id: int, number: str, opened: int,
                title: str, description: str, service_id: int, team_id: int, category_id: int | None,
                channel: str, caller: dict[str, Any] | None, pr: PriorityResult, impact: Impact,
                urgency: Urgency, creator: int, problem: tuple[int, int] | None,
                stalled: bool = False) -> Ticket:
        now = self.now
        if problem is not None:
            pid, link_at = problem
            link_at = max(link_at, opened + MINUTE)
            ev.append((link_at, 10_000, ("A", self.rng.choice(self.staff.supervisor_ids), "problem_id",
                                         None, str(pid), None)))
        ev.sort(key=lambda e: (e[0], e[1]))
        audits: list[Audit] = []
        journal: list[Journal] = []
        status = "new"
        assignee: int | None = None
        responded: int | None = None
        resolved: int | None = None
        closed: int | None = None
        code = rnote = cancel = None
        parent_id = problem_id = None
        last = opened
        replied = False
        team = team_id
        for at, _, payload in ev:
            if at > now:
                break
            last = at
            if payload[0] == "J":
                _, author, kind, body = payload
                journal.append((at, author, kind, body))
                if kind == "public":
                    replied = True
                    if assignee is not None and responded is None:
                        responded = at
                continue
            _, actor, fld, old, new, reason = payload
            audits.append((at, actor, fld, old, new, reason))
            if fld == "status":
                status = new
                if new == "in_progress" and responded is None:
                    responded = at
                if new == "resolved":
                    resolved = at
                elif new == "in_progress":
                    resolved = None
                elif new in ("closed", "cancelled"):
                    closed = at
                    if new == "cancelled":
                        cancel = reason
            elif fld == "assignee_id":
                assignee = int(new)
                if replied and responded is None:
                    responded = at
            elif fld == "team_id":
                team = int(new)
            elif fld == "resolution_code":
                code = new
            elif fld == "resolution_note":
                rnote = new
            elif fld == "parent_id":
                parent_id = int(new)
            elif fld == "problem_id":
                problem_id = int(new)
            elif fld == "urgency":
                urgency = Urgency(new)
        if status not in ("resolved", "closed"):
            code = rnote = None
        # Re-derived from the urgency in force now (a kept 'urgency' event changed it).
        prio = self.priorities.derive(impact, urgency, bool(caller and caller.get("vip")))
        row = {
            "id": incident_id, "number": number, "title": title, "description": description,
            "caller_id": caller["id"] if caller else None,
            "acting_status": caller.get("acting_status") if caller else None,
            "acting_department_id": caller.get("department_id") if caller else None,
            "service_id": service_id, "category_id": category_id, "impact": impact.value,
            "urgency": urgency.value, "priority": prio.priority.value,
            "priority_explanation": prio.explanation,
            "vip_policy_id": prio.vip_policy.id if prio.vip_policy else None,
            "status": status, "team_id": team, "assignee_id": assignee, "channel": channel,
            "opened_at": opened, "updated_at": last, "responded_at": responded, "resolved_at": resolved,
            "closed_at": closed, "resolution_code": code, "resolution_note": rnote, "cancel_reason": cancel,
            "parent_id": parent_id, "problem_id": problem_id, "is_major": False, "major_manager_id": None,
            "next_update_due_at": None, "created_by_id": creator,
            # One version per saved change after creation, as the ORM's version counter.
            "version": 1 + len({a[0] for a in audits if a[0] != opened}),
        }
        return Ticket(row, audits, journal)

    # -- a major incident ------------------------------------------------------
    def major(self, *, incident_id: int, number: str, opened: int, svc: texts.ServiceTexts,
              service_id: int, service_team_id: int | None, major_team_id: int, category_id: int | None,
              title: str, description: str) -> tuple[Ticket, int, str, str]:
        """A monitoring alert promoted to a major incident; returns the ticket and the
        (resolve time, code, note) its children are resolved with."""
        rng = self.rng
        pr = self.priorities.derive(Impact.HIGH, Urgency.HIGH, False)
        mon = self.staff.monitoring_id
        manager = rng.choice(self.staff.supervisor_ids)
        ev: list[tuple[int, int, tuple[Any, ...]]] = []
        seq = 0

        def audit(at: int, actor: int | None, fld: str, old: Any, new: Any, reason: str | None = None) -> None:
            nonlocal seq
            seq += 1
            ev.append((at, seq, ("A", actor, fld, old, new, reason)))

        audit(opened, mon, "created", None, number)
        audit(opened, mon, "status", None, "new")
        audit(opened, mon, "priority", None, pr.priority.value)
        t = opened + rng.randint(3 * MINUTE, 10 * MINUTE)
        audit(t, manager, "is_major", "false", "true", "Promoted: outage affects many users")
        # Opened on the service's own team; promotion hands it to the major-incident team.
        audit(t, manager, "team_id", str(service_team_id) if service_team_id else None, str(major_team_id))
        audit(t, manager, "assignee_id", None, str(manager))
        audit(t, manager, "status", "new", "assigned")
        t += rng.randint(2 * MINUTE, 8 * MINUTE)
        audit(t, manager, "status", "assigned", "in_progress")
        comms: list[int] = []
        for i, body in enumerate(texts.COMMS):
            at = t + i * 30 * MINUTE + rng.randint(0, 5 * MINUTE)
            seq += 1
            ev.append((at, seq, ("J", manager, "comms", body)))
            comms.append(at)
        resolve = comms[-1] + rng.randint(20 * MINUTE, 3 * HOUR)
        code, rnote = "fixed", f"{svc.service} restored; root cause handed to problem management."
        audit(resolve, manager, "resolution_code", None, code)
        audit(resolve, manager, "resolution_note", None, rnote)
        audit(resolve, manager, "status", "in_progress", "resolved")
        audit(resolve + 7 * DAY, self.staff.system_id, "status", "resolved", "closed", texts.AUTO_CLOSE_REASON)
        ticket = self._finish(ev, incident_id, number, opened, title, description, service_id,
                              service_team_id or major_team_id, category_id, "monitoring", None, pr,
                              Impact.HIGH, Urgency.HIGH, mon, None)
        row = ticket.row
        if any(a[2] == "is_major" for a in ticket.audits):
            row["is_major"] = True
            row["major_manager_id"] = manager
        if row["status"] not in ("resolved", "closed"):
            kept = [c for c in comms if c <= self.now]
            row["next_update_due_at"] = (kept[-1] if kept else opened) + 30 * MINUTE
        return ticket, resolve, code, rnote
