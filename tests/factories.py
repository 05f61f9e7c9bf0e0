"""Small builders for test data, shared by the test modules.

Each goes through the services a user's action would (people excepted: the directory
feed writes those), so what a factory makes is something Desk itself could have made.
"""
from __future__ import annotations

import datetime as dt
import io
from collections import deque
from collections.abc import Mapping
from typing import Any, TypeVar

from PIL import Image, ImageDraw

from db.engine import Database
from db.enums import IncidentStatus, PersonStatusKind, ProblemStatus, Role
from db.models import Affiliation, Calendar, CalendarVersion, Department, Person, PersonStatus
from desk.actor import Actor
from desk.bootstrap import Services
from desk.common.records import IncidentView, ProblemView
from desk.counter.bundle import CounterServices
from desk.counter.intake import IntakeResult
from desk.counter.views import DeviceInfo, IntakeRequest
from desk.incidents.service import NewIncident
from desk.rules.lifecycle import INCIDENT_TRANSITIONS, PROBLEM_TRANSITIONS, reason_required

_counter = iter(range(1, 10**9))

S = TypeVar("S", IncidentStatus, ProblemStatus)


def person(db: Database, *, given: str = "Ada", family: str = "Lovelace", university_id: str | None = None,
           statuses: tuple[str, ...] = ("student",), departments: tuple[str, ...] = (),
           email: str | None = None) -> str:
    """Insert a person with statuses and affiliations; returns the university ID."""
    uid = university_id or f"9{next(_counter):08d}"
    now = dt.datetime.now(dt.UTC)
    with db.writing() as s:
        p = Person(university_id=uid, given_name=given, family_name=family, email=email or f"{uid}@example.edu",
                   created_at=now, updated_at=now)
        s.add(p)
        s.flush()
        for st in statuses:
            s.add(PersonStatus(person_id=p.id, kind=PersonStatusKind(st), start_date=dt.date(2024, 8, 1)))
        for i, name in enumerate(departments):
            dept = s.query(Department).filter_by(name=name).one()
            s.add(Affiliation(person_id=p.id, department_id=dept.id, title="Member", is_primary=i == 0))
    return uid


def staff(services: Services, admin: Actor, username: str, *roles: Role, teams: tuple[str, ...] = ()) -> Actor:
    return services.staff.add(admin, username, display_name=username.title(), roles=[r.value for r in roles],
                              teams=list(teams))


def move_desk_to(db: Database, time_zone: str) -> None:
    """Put the desk's own calendar (and with it the site) in another time zone, as an
    administrator of a desk elsewhere would have it."""
    from desk.common.site import DESK_CALENDAR

    with db.writing() as s:
        cal = s.query(Calendar).filter_by(name=DESK_CALENDAR).one()
        for v in s.query(CalendarVersion).filter_by(calendar_id=cal.id):
            v.time_zone = time_zone


def _path(table: Mapping[S, tuple[S, ...]], start: S, goal: S) -> list[S]:
    """The shortest walk from ``start`` to ``goal`` in a lifecycle table (breadth first),
    so a factory follows the rules instead of writing a status the lifecycle forbids."""
    came: dict[S, S | None] = {start: None}
    todo = deque([start])
    while todo:
        at = todo.popleft()
        if at == goal:
            steps: list[S] = []
            while (before := came[at]) is not None:
                steps.append(at)
                at = before
            return steps[::-1]
        for nxt in table[at]:
            if nxt not in came:
                came[nxt] = at
                todo.append(nxt)
    raise ValueError(f"the lifecycle has no way from {start.value} to {goal.value}")


def incident(services: Services, actor: Actor, title: str = "Printer jam in the library", *,
             status: str | IncidentStatus | None = None, assignee: str | None = None, caller: str | None = None,
             service: str | None = None, impact: str = "medium", urgency: str = "medium",
             **fields: Any) -> IncidentView:
    """An incident opened by ``actor`` (P3 by default), walked to ``status`` through the
    lifecycle as a technician would: work started by ``actor`` (who then holds it unless
    ``assignee`` is given), resolved as "fixed", cancelled or reopened with a reason.
    ``fields`` are the other NewIncident fields (team, channel, description, …)."""
    v = services.incidents.open(actor, NewIncident(title=title, service=service, impact=impact, urgency=urgency,
                                                   caller_university_id=caller, assignee=assignee, **fields))
    if status is None:
        return v
    steps = _path(INCIDENT_TRANSITIONS, IncidentStatus(v.status), IncidentStatus(status))
    if steps and steps[0] is IncidentStatus.ASSIGNED and assignee is None and fields.get("team") is None:
        # Assigned needs a holder: ``actor`` starts the work (and so takes it) first.
        steps = [IncidentStatus.IN_PROGRESS, *_path(INCIDENT_TRANSITIONS, IncidentStatus.IN_PROGRESS,
                                                    IncidentStatus(status))]
    for step in steps:
        why = reason_required(IncidentStatus(v.status), step)
        v = services.incidents.transition(
            actor, v.number, step, reason=f"{why.capitalize()} in a test." if why else None,
            resolution_code="fixed" if step is IncidentStatus.RESOLVED else None,
            resolution_note="Fixed at the desk." if step is IncidentStatus.RESOLVED else None)
    return v


def problem(services: Services, actor: Actor, title: str = "Printers drop off the network", *,
            status: str | ProblemStatus | None = None, service: str | None = None, category: str | None = None,
            incidents: tuple[str, ...] = (), root_cause: str = "cause",
            workaround: str = "Forget the network and rejoin", **fields: Any) -> ProblemView:
    """A problem record opened by ``actor``, linked to ``incidents``, walked to ``status``
    through the lifecycle; a known error gets ``root_cause`` and ``workaround``."""
    p = services.problems.open(actor, title=title, service=service, category=category, incidents=incidents,
                               **fields)
    if status is None:
        return p
    for step in _path(PROBLEM_TRANSITIONS, ProblemStatus(p.status), ProblemStatus(status)):
        documented = step is ProblemStatus.KNOWN_ERROR
        p = services.problems.transition(actor, p.number, step.value,
                                         root_cause=root_cause if documented else None,
                                         workaround=workaround if documented else None)
    return p


# -- walk-in repairs, through the counter's intake as at the desk --------------------------
def signature_png(seed: int = 0) -> bytes:
    """A small scribble as PNG, like the signature pad produces."""
    img = Image.new("RGB", (300, 100), "white")
    d = ImageDraw.Draw(img)
    d.line([(10, 70), (60, 20 + seed % 30), (110, 80), (170, 25), (230, 75), (290, 30)], fill="black", width=3)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def intake_request(uid: str, **overrides: object) -> IntakeRequest:
    """Ada's laptop at the counter: a Dell with charger and bag, backup wanted; any field
    of IntakeRequest may be given instead."""
    base = dict(
        caller_university_id=uid,
        device=DeviceInfo(asset_tag="NU-104233", serial="5CG1234XYZ", make="Dell", model="Latitude 7440",
                          os="Windows 11", warranty_until=dt.date(2027, 6, 30)),
        symptoms="Screen flickers and goes black after ten minutes.\nFan very loud.",
        signature_png=signature_png(), staff_initials="AN", acting_status="student",
        condition=("Screen scratched",), damage_notes="Small dent on the lid, left corner.",
        accessories=("Charger", "Bag"), backup_wanted=True, wipe_allowed=False, login_needed=True,
    )
    base.update(overrides)
    return IntakeRequest(**base)  # type: ignore[arg-type]


def repair(db: Database, counter: CounterServices, actor: Actor, *, given: str = "Ada",
           family: str = "Lovelace", loaner: str | None = None, **overrides: object) -> IntakeResult:
    """A walk-in repair taken in at the counter for a new person ``given family``, with
    ``loaner`` lent until a week later; ``overrides`` are IntakeRequest fields."""
    uid = person(db, given=given, family=family)
    if loaner:
        overrides.setdefault("loaner_asset_tag", loaner)
        overrides.setdefault("loan_due", dt.date(2026, 11, 9))
    return counter.intake.intake(actor, intake_request(uid, **overrides))
