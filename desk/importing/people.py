"""Importing the university directory feed: people, their statuses and departments.

Transactions: the whole import runs in ONE unit of work, with a SAVEPOINT per person.
Rows are checked before anything is written (desk.importing.feed), so a savepoint only
rolls back when the database itself refuses a person (a constraint nobody foresaw);
that person is then reported like a bad row and the others still import. A person's
row and all their status and department rows are applied together or not at all —
a bad affiliation row keeps the whole person out, because applying the rest would
end statuses the feed still lists. If the import fails as a whole (server gone, disk
full) nothing of it is committed.

Reconciling (re-import updates in place; importing the same feed twice changes
nothing the second time):
- People are matched by university ID; changed names and contacts are updated and
  each change audited with the old and new value.
- The affiliations file lists the full current set of statuses and of departments for
  every person it mentions. A status is matched by (kind, start date): new ones are
  added, changed end dates applied; an open status the feed no longer lists is ended
  today — never deleted, so history is kept. Departments are matched by name; one no
  longer listed is ended today and loses its primary flag. A person the affiliations
  file does not mention keeps what they have.
- Departments are matched by their name (names are unique in the tree); a missing one
  is created under its parent path ("School of Medicine/Radiology"), parents first.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Affiliation, Department, Person, PersonStatus
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.common import audit
from desk.errors import InvalidInput
from desk.importing.feed import (
    DepartmentRecord,
    Parsed,
    PersonRecord,
    RowProblem,
    StatusRecord,
    parse_affiliations,
    parse_people,
)
from desk.rules.permissions import require

PERSON_FIELDS = ("given_name", "family_name", "preferred_name", "email", "phone")


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int
    rejected: tuple[RowProblem, ...]
    warnings: tuple[RowProblem, ...]
    departments_created: tuple[str, ...]

    @property
    def rejected_rows(self) -> int:
        return len({(p.file, p.line) for p in self.rejected})

    def summary(self) -> str:
        text = (f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.rejected_rows} rows rejected")
        if self.departments_created:
            text += f"; departments created: {', '.join(self.departments_created)}"
        return text


def _status_text(kind: str, start: dt.date | None, end: dt.date | None) -> str:
    return f"{kind} {start.isoformat() if start else '?'}–{end.isoformat() if end else ''}".rstrip()


def _affiliation_text(dept: str, a: Affiliation | DepartmentRecord) -> str:
    title = a.title or "no title"
    primary = ", primary" if a.is_primary else ""
    ended = f", ended {a.end_date.isoformat()}" if a.end_date else ""
    return f"{dept} ({title}{primary}{ended})"


class PeopleImporter:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def run(self, actor: Actor, people_csv: Path, affiliations_csv: Path | None = None) -> ImportReport:
        require(actor, "people.import")
        try:
            people = parse_people(people_csv)
            affs = parse_affiliations(affiliations_csv) if affiliations_csv else Parsed("")
        except FileNotFoundError as exc:
            raise InvalidInput(str(exc), "file") from None
        rejected = list(people.problems) + list(affs.problems)
        warnings = list(people.warnings) + list(affs.warnings)
        now = self.clock()
        today = now.date()
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        created_departments: list[str] = []
        with self.db.writing() as s:
            existing = self._existing_ids(s, set(people.people) | set(affs.statuses) | set(affs.departments)
                                          | set(affs.tainted))
            departments = {name: i for i, name in s.execute(select(Department.id, Department.name))}
            lower = {name.lower(): name for name in departments}
            candidates = set(people.people) | set(affs.statuses) | set(affs.departments) | set(affs.tainted)
            for uid in sorted(candidates):
                record = people.people.get(uid)
                blocked, problems = self._blocked(uid, people, affs, record, existing)
                rejected.extend(problems)
                if blocked:
                    continue
                reason = f"directory import {people.file}" + (f" line {record.line}" if record else "")
                # Department caches are restored if the savepoint rolls back.
                snapshot = (dict(departments), dict(lower), len(created_departments))
                try:
                    with s.begin_nested():
                        outcome = self._apply(
                            s, actor, now, today, uid, record, existing.get(uid), affs.statuses.get(uid),
                            affs.departments.get(uid), departments, lower, created_departments, reason)
                except IntegrityError as exc:
                    departments, lower = snapshot[0], snapshot[1]
                    del created_departments[snapshot[2]:]
                    first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                    line = record.line if record else min(affs.lines.get(uid, [0]))
                    rejected.append(RowProblem(people.file if record else affs.file, line,
                                               f"{uid}: the database refused it ({first})"))
                    continue
                counts[outcome] += 1
        return ImportReport(counts["created"], counts["updated"], counts["unchanged"],
                            tuple(sorted(rejected, key=lambda p: (p.file, p.line))), tuple(warnings),
                            tuple(created_departments))

    # -- checks that need both files -------------------------------------------
    @staticmethod
    def _blocked(uid: str, people: Parsed, affs: Parsed, record: PersonRecord | None,
                 existing: dict[str, int]) -> tuple[bool, list[RowProblem]]:
        """Whether a whole person stays out, and the problems to report against their
        rows not already reported."""
        out: list[RowProblem] = []
        aff_lines = sorted(affs.lines.get(uid, []))
        if uid in people.tainted:
            lines = ", ".join(map(str, sorted(people.tainted[uid])))
            return True, [RowProblem(affs.file, line, f"{uid} not imported: its row in {people.file} "
                                                      f"(line {lines}) was rejected")
                          for line in aff_lines if line not in affs.tainted.get(uid, [])]
        if uid in affs.tainted:
            bad = ", ".join(map(str, sorted(affs.tainted[uid])))
            if record is not None:
                out.append(RowProblem(people.file, record.line,
                                      f"{uid} not imported: {affs.file} line(s) {bad} rejected"))
            for line in aff_lines:
                if line not in affs.tainted[uid]:
                    out.append(RowProblem(affs.file, line, f"{uid} not imported: {affs.file} line(s) "
                                                           f"{bad} rejected"))
            return True, out
        if record is None and uid not in existing:
            return True, [RowProblem(affs.file, line,
                                     f"unknown person: no {uid} in {people.file} or in the database")
                          for line in aff_lines]
        return False, out

    @staticmethod
    def _existing_ids(s: Session, uids: set[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        ordered = sorted(uids)
        for start in range(0, len(ordered), 500):
            batch = ordered[start:start + 500]
            found.update({u: i for i, u in s.execute(
                select(Person.id, Person.university_id).where(Person.university_id.in_(batch)))})
        return found

    # -- writing one person ------------------------------------------------------
    def _apply(self, s: Session, actor: Actor, now: dt.datetime, today: dt.date, uid: str,
               record: PersonRecord | None, person_id: int | None, statuses: list[StatusRecord] | None,
               depts: list[DepartmentRecord] | None, departments: dict[str, int], lower: dict[str, str],
               created_departments: list[str], reason: str) -> str:
        changed = False
        created = False

        def log(entity_id: int, field: str, old: Any, new: Any) -> None:
            nonlocal changed
            changed = True
            audit.record(s, actor, now, "person", entity_id, field, old, new, reason)

        if person_id is None:
            assert record is not None
            person = Person(university_id=uid, created_at=now, updated_at=now,
                            **{f: getattr(record, f) for f in PERSON_FIELDS})
            s.add(person)
            s.flush()
            person_id = person.id
            audit.record(s, actor, now, "person", person_id, "created", None, uid, reason)
            created = True
        elif record is not None:
            person = s.get_one(Person, person_id)
            for f in PERSON_FIELDS:
                old, new = getattr(person, f), getattr(record, f)
                if old != new:
                    log(person_id, f, old, new)
                    setattr(person, f, new)
            if changed:
                person.updated_at = now
        if statuses is not None:
            self._statuses(s, person_id, statuses, today, log)
        if depts is not None:
            self._departments(s, actor, now, person_id, depts, today, departments, lower,
                              created_departments, log, reason)
        s.flush()
        if created:
            return "created"
        return "updated" if changed else "unchanged"

    @staticmethod
    def _statuses(s: Session, person_id: int, feed: list[StatusRecord], today: dt.date,
                  log: Callable[[int, str, Any, Any], None]) -> None:
        rows = {(st.kind, st.start_date): st for st in s.execute(
            select(PersonStatus).where(PersonStatus.person_id == person_id)).scalars()}
        listed = set()
        for rec in feed:
            key = (rec.kind, rec.start_date)
            listed.add(key)
            row = rows.get(key)
            if row is None:
                s.add(PersonStatus(person_id=person_id, kind=rec.kind, start_date=rec.start_date,
                                   end_date=rec.end_date))
                log(person_id, "status", None, _status_text(rec.kind.value, rec.start_date, rec.end_date))
            elif row.end_date != rec.end_date:
                log(person_id, "status", _status_text(row.kind.value, row.start_date, row.end_date),
                    _status_text(rec.kind.value, rec.start_date, rec.end_date))
                row.end_date = rec.end_date
        for key, row in rows.items():
            if key not in listed and (row.end_date is None or row.end_date > today):
                # No longer in the feed: end it, keep it as history.
                end = max(today, row.start_date) if row.start_date else today
                log(person_id, "status", _status_text(row.kind.value, row.start_date, row.end_date),
                    _status_text(row.kind.value, row.start_date, end))
                row.end_date = end

    def _departments(self, s: Session, actor: Actor, now: dt.datetime, person_id: int,
                     feed: list[DepartmentRecord], today: dt.date, departments: dict[str, int],
                     lower: dict[str, str], created_departments: list[str],
                     log: Callable[[int, str, Any, Any], None], reason: str) -> None:
        rows = {a.department_id: a for a in s.execute(
            select(Affiliation).where(Affiliation.person_id == person_id)).scalars()}
        names = {i: n for n, i in departments.items()}
        listed = set()
        # Primary last: clearing an old primary first keeps at most one at every step.
        for rec in sorted(feed, key=lambda r: r.is_primary):
            dept_id = self._department(s, actor, now, rec.path, departments, lower, created_departments,
                                       reason)
            names[dept_id] = lower.get(rec.name.lower(), rec.name)
            listed.add(dept_id)
            row = rows.get(dept_id)
            if row is None:
                s.add(Affiliation(person_id=person_id, department_id=dept_id, title=rec.title,
                                  is_primary=rec.is_primary, start_date=rec.start_date, end_date=rec.end_date))
                log(person_id, "affiliation", None, _affiliation_text(names[dept_id], rec))
                continue
            before = _affiliation_text(names[dept_id], row)
            wanted = (rec.title, rec.is_primary, rec.start_date, rec.end_date)
            if (row.title, row.is_primary, row.start_date, row.end_date) != wanted:
                row.title, row.is_primary, row.start_date, row.end_date = wanted
                log(person_id, "affiliation", before, _affiliation_text(names[dept_id], row))
        for dept_id, row in rows.items():
            if dept_id not in listed and (row.end_date is None or row.is_primary):
                before = _affiliation_text(names.get(dept_id, str(dept_id)), row)
                row.end_date = row.end_date or today
                row.is_primary = False
                log(person_id, "affiliation", before, _affiliation_text(names.get(dept_id, str(dept_id)), row))
        s.flush()

    @staticmethod
    def _department(s: Session, actor: Actor, now: dt.datetime, path: tuple[str, ...],
                    departments: dict[str, int], lower: dict[str, str], created: list[str], reason: str) -> int:
        """The department named last in ``path``, created (with missing parents) if needed."""
        known = lower.get(path[-1].lower())
        if known is not None:
            return departments[known]
        parent_id: int | None = None
        for name in path:
            existing = lower.get(name.lower())
            if existing is not None:
                parent_id = departments[existing]
                continue
            dept = Department(name=name, parent_id=parent_id)
            s.add(dept)
            s.flush()
            departments[name] = dept.id
            lower[name.lower()] = name
            created.append(name)
            audit.record(s, actor, now, "department", dept.id, "created", None, name, reason)
            parent_id = dept.id
        return departments[lower[path[-1].lower()]]

