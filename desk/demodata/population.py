"""The synthetic university's people: statuses over time, departments, contact details."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from desk.demodata.names import NamePicker
from desk.demodata.timeline import weighted

# Schools and departments added beside the seeded ones (names are unique in the tree).
DEPARTMENTS: tuple[tuple[str, str | None], ...] = (
    ("Chemistry", "School of Arts & Sciences"), ("Biology", "School of Arts & Sciences"),
    ("English & Comparative Literature", "School of Arts & Sciences"),
    ("Economics", "School of Arts & Sciences"), ("Psychology", "School of Arts & Sciences"),
    ("Electrical Engineering", "School of Engineering"),
    ("Mechanical Engineering", "School of Engineering"),
    ("Radiology", "School of Medicine"), ("Cardiology", "School of Medicine"),
    ("Nursing", "School of Medicine"), ("Finance", "School of Business"),
    ("Marketing", "School of Business"), ("School of Law", None), ("Divinity School", None),
    ("Facilities", None), ("Registrar", None), ("Human Resources", None),
    ("Office of the Chancellor", None), ("Research Administration", "Office of the Provost"),
    ("International Student Services", "Office of the Provost"),
)

TITLES = {
    "student": ("Undergraduate", "Graduate Student", "PhD Candidate", "Exchange Student"),
    "staff": ("Coordinator", "Administrative Assistant", "Lab Manager", "Systems Analyst",
              "Librarian", "Accountant", "Program Manager"),
    "faculty": ("Professor", "Associate Professor", "Assistant Professor", "Lecturer",
                "Clinical Professor"),
    "affiliate": ("Visiting Scholar", "Contractor", "Research Associate"),
    "guest": ("Conference Guest", "Visiting Student"),
    "alumni": ("Alumnus",),
    "retiree": ("Professor Emeritus", "Retired Staff"),
}

# (statuses as (kind, started years ago, ended years ago or None), weight)
PROFILES: tuple[tuple[tuple[tuple[str, float, float | None], ...], int], ...] = (
    ((("student", 1.5, None),), 46),
    ((("student", 3.0, None), ("staff", 1.0, None)), 7),          # student employee
    ((("staff", 6.0, None),), 14),
    ((("staff", 4.0, None), ("student", 1.0, None)), 3),          # staff taking a degree
    ((("faculty", 9.0, None),), 8),
    ((("faculty", 7.0, None), ("alumni", 15.0, None)), 2),
    ((("student", 6.0, 1.5), ("alumni", 1.5, None)), 6),          # graduated: history kept
    ((("student", 5.0, 0.9), ("alumni", 0.9, None), ("staff", 0.7, None)), 2),
    ((("affiliate", 1.2, None),), 4),
    ((("guest", 0.3, None),), 2),
    ((("guest", 1.4, 1.1),), 1),                                  # a guest whose visit ended
    ((("staff", 25.0, 3.0), ("retiree", 3.0, None)), 2),
    ((("faculty", 5.0, 2.0), ("affiliate", 2.0, None)), 1),
)
VIP_OFFICES = ("Chancellor", "Provost", "Dean, School of Arts & Sciences", "Dean, School of Medicine",
               "Dean, School of Business", "Dean, School of Engineering", "University Librarian",
               "Vice Chancellor for Research")


@dataclass
class Caller:
    """What the incident generator needs about a person."""

    id: int
    given: str
    statuses: list[tuple[str, dt.date, dt.date | None]]
    department_id: int
    vip_from: int | None = None  # epoch seconds from which VIP status applies
    extra: dict[str, Any] = field(default_factory=dict)

    def acting_status(self, day: dt.date) -> str | None:
        active = [k for k, s, e in self.statuses if s <= day and (e is None or day <= e)]
        return active[0] if active else (self.statuses[-1][0] if self.statuses else None)


@dataclass
class Population:
    people: list[dict[str, Any]]
    statuses: list[dict[str, Any]]
    affiliations: list[dict[str, Any]]
    callers: list[Caller]


def _years_before(today: dt.date, years: float, rng: random.Random) -> dt.date:
    days = int(years * 365 * rng.uniform(0.6, 1.4))
    d = today - dt.timedelta(days=days)
    # Terms start in mid-August or mid-January.
    return dt.date(d.year, 8, 15) if d.month >= 7 else dt.date(d.year, 1, 15)


def generate(rng: random.Random, count: int, first_id: int, first_number: int, today: dt.date,
             departments: list[int], created_at: Any) -> Population:
    names = NamePicker(rng)
    people: list[dict[str, Any]] = []
    statuses: list[dict[str, Any]] = []
    affiliations: list[dict[str, Any]] = []
    callers: list[Caller] = []
    for i in range(count):
        pid = first_id + i
        n = names.name()
        uid = f"{first_number + i:09d}"
        profile = weighted(rng, PROFILES)
        phone = f"+1 919 555 {rng.randrange(10000):04d}" if rng.random() < 0.7 else None
        people.append({
            "id": pid, "university_id": uid, "given_name": n.given, "family_name": n.family,
            "preferred_name": n.preferred, "email": f"{n.email_local}{i}@example.edu",
            "phone": phone, "created_at": created_at, "updated_at": created_at, "version": 1,
        })
        held: list[tuple[str, dt.date, dt.date | None]] = []
        for kind, started, ended in profile:
            start = _years_before(today, started, rng)
            end = _years_before(today, ended, rng) - dt.timedelta(days=1) if ended is not None else None
            if end is not None and end < start:
                end = start + dt.timedelta(days=120)
            if any(k == kind and s == start for k, s, _ in held):
                continue
            held.append((kind, start, end))
            statuses.append({"person_id": pid, "kind": kind, "start_date": start, "end_date": end})
        held.sort(key=lambda h: (h[2] is not None, h[1]))  # active first
        n_depts = 1 if rng.random() < 0.75 else rng.choice((2, 2, 3))
        depts = rng.sample(departments, min(n_depts, len(departments)))
        main_kind = held[0][0]
        for j, dept in enumerate(depts):
            affiliations.append({
                "person_id": pid, "department_id": dept, "title": rng.choice(TITLES[main_kind]),
                "is_primary": j == 0, "start_date": held[0][1], "end_date": None,
            })
        callers.append(Caller(pid, n.preferred or n.given, held, depts[0]))
    return Population(people, statuses, affiliations, callers)
