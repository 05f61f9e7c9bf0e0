"""Small builders for test data, shared by the test modules."""
from __future__ import annotations

import datetime as dt

from db.engine import Database
from db.enums import PersonStatusKind, Role
from db.models import Affiliation, Calendar, CalendarVersion, Department, Person, PersonStatus
from desk.actor import Actor
from desk.bootstrap import Services

_counter = iter(range(1, 10**9))


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
