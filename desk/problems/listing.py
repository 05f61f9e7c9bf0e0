"""The workstation's problem list and the known errors offered on an incident.

Problems number in the thousands at most, so a page is a plain ORDER BY … LIMIT/OFFSET
in SQL (sort and filter never happen in Python); the linked-incident count is a
correlated count over the indexed ``incidents.problem_id``.

Known-error matching (ITIL: "a workaround on a known error is offered on matching
incidents"): a problem in Known error matches an incident when they share the
service and the categories do not contradict (same, or either unset), or when they
share the category. Same service *and* category ranks first, then the most recent.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from db.engine import Database
from db.enums import ProblemStatus
from db.models import Category, Incident, Problem, Service, StaffAccount, Team
from desk.common import lookups
from desk.common.search import tokens
from desk.errors import InvalidInput

OPEN_PROBLEM_STATUSES = (ProblemStatus.NEW, ProblemStatus.INVESTIGATING, ProblemStatus.KNOWN_ERROR)
PROBLEM_COLUMNS: dict[str, str] = {
    "number": "Number", "status": "Status", "title": "Title", "service": "Service", "team": "Team",
    "assignee": "Assignee", "incidents": "Incidents", "updated": "Updated",
}
PROBLEM_SORTS = ("number", "status", "title", "service", "team", "assignee", "incidents", "updated")
MAX_KNOWN_ERRORS = 5


class ProblemRow(NamedTuple):
    id: int
    number: str
    status: str
    title: str
    service: str | None
    team: str | None
    assignee: str | None
    incidents: int
    updated_at: dt.datetime
    version: int


@dataclass(frozen=True)
class ProblemQuery:
    scope: str = "open"        # "open", "known_error", "all"
    search: str = ""           # words in number or title
    sort: str = "updated"
    descending: bool = True

    def __post_init__(self) -> None:
        if self.scope not in ("open", "known_error", "all"):
            raise InvalidInput(f"Unknown problem scope {self.scope!r}; use open, known_error or all.", "scope")
        if self.sort not in PROBLEM_SORTS:
            raise InvalidInput(f"The problem list cannot sort by {self.sort!r}; it sorts by: "
                               f"{', '.join(PROBLEM_SORTS)}.", "sort")


@dataclass(frozen=True)
class KnownErrorMatch:
    number: str
    title: str
    workaround: str
    root_cause: str | None
    service: str | None
    category: str | None
    matched_on: str            # "service and category", "service", "category"
    linked: bool               # the incident is already linked to it


def _linked_count():
    return (select(func.count(Incident.id)).where(Incident.problem_id == Problem.id)
            .correlate(Problem).scalar_subquery())


def _row_columns() -> list:
    return [Problem.id, Problem.number, Problem.status, Problem.title, Service.name, Team.name,
            StaffAccount.display_name, _linked_count().label("linked"), Problem.updated_at, Problem.version]


def _row(r: Any) -> ProblemRow:
    return ProblemRow(r[0], r[1], r[2].value, r[3], r[4], r[5], r[6], int(r[7] or 0), r[8], r[9])


def _ordered(columns: list, q: ProblemQuery) -> Select:
    """``columns`` of the problems ``q`` lists, in its order (page, rows and ids agree)."""
    keys = {"number": Problem.id, "status": Problem.status, "title": func.lower(Problem.title),
            "service": Service.name, "team": Team.name, "assignee": StaffAccount.display_name,
            "incidents": _linked_count(), "updated": Problem.updated_at}
    key = keys[q.sort]
    # NULLs (no team, no assignee) last either way, the same on both engines.
    order = [key.is_(None), key.desc() if q.descending else key.asc(),
             Problem.id.desc() if q.descending else Problem.id.asc()]
    return (select(*columns)
            .outerjoin(Service, Service.id == Problem.service_id)
            .outerjoin(Team, Team.id == Problem.team_id)
            .outerjoin(StaffAccount, StaffAccount.id == Problem.assignee_id)
            .where(*_where(q)).order_by(*order))


def _where(q: ProblemQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if q.scope == "open":
        where.append(Problem.status.in_(OPEN_PROBLEM_STATUSES))
    elif q.scope == "known_error":
        where.append(Problem.status == ProblemStatus.KNOWN_ERROR)
    for word in tokens(q.search):
        like = f"%{word.lower()}%"
        where.append(or_(func.lower(Problem.title).like(like), func.lower(Problem.number).like(like)))
    return where


class ProblemListService:
    """Counts and pages of problem records; every method is one short read."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def count(self, q: ProblemQuery | None = None) -> int:
        where = _where(q or ProblemQuery())
        with self.db.reading() as s:
            return int(s.execute(select(func.count(Problem.id)).where(*where)).scalar_one())

    def page(self, q: ProblemQuery, offset: int = 0, limit: int = 200) -> list[ProblemRow]:
        stmt = _ordered(_row_columns(), q).offset(max(offset, 0)).limit(max(limit, 1))
        with self.db.reading() as s:
            return [_row(r) for r in s.execute(stmt)]

    def rows(self, q: ProblemQuery, ids: Iterable[int]) -> list[ProblemRow]:
        """Those of ``ids`` that ``q`` lists, as list rows (in the list's order): how a
        live change to a few problems is applied without re-reading the page."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        stmt = _ordered(_row_columns(), q).where(Problem.id.in_(wanted))
        with self.db.reading() as s:
            return [_row(r) for r in s.execute(stmt)]

    def ordered_ids(self, q: ProblemQuery, limit: int) -> list[int]:
        """The first ``limit`` ids in the list's order (where a newcomer goes)."""
        stmt = _ordered([Problem.id], q).limit(max(limit, 1))
        with self.db.reading() as s:
            return [int(i) for i in s.execute(stmt).scalars()]

    # -- change detection (used by desk.live on SQLite) -------------------------------
    def changed_since(self, since: dt.datetime, limit: int = 500) -> list[tuple[int, int, dt.datetime]]:
        """(id, version, updated_at) of problems updated at or after ``since``."""
        stmt = (select(Problem.id, Problem.version, Problem.updated_at)
                .where(Problem.updated_at >= since).order_by(Problem.updated_at, Problem.id).limit(limit))
        with self.db.reading() as s:
            return [(int(i), int(v), u) for i, v, u in s.execute(stmt)]

    def latest_change(self) -> dt.datetime | None:
        with self.db.reading() as s:
            return s.execute(select(func.max(Problem.updated_at))).scalar()

    def known_errors_for(self, incident_number: str) -> tuple[KnownErrorMatch, ...]:
        """Known errors whose workaround applies to this incident (see the module's rule)."""
        with self.db.reading() as s:
            return known_errors_matching(s, lookups.incident_by_number(s, incident_number))


def known_errors_matching(s: Session, inc: Incident) -> tuple[KnownErrorMatch, ...]:
    """The matching rule, inside a caller's unit of work (the ticket detail reads it with the rest)."""
    if inc.service_id is None and inc.category_id is None:
        return ()
    same_service = None
    if inc.service_id is not None:
        same_service = Problem.service_id == inc.service_id
        if inc.category_id is not None:   # a different category contradicts
            same_service = and_(same_service, or_(Problem.category_id.is_(None),
                                                  Problem.category_id == inc.category_id))
    same_category = Problem.category_id == inc.category_id if inc.category_id is not None else None
    match = or_(*[c for c in (same_service, same_category) if c is not None])
    cat = aliased(Category)
    rows = s.execute(
        select(Problem.id, Problem.number, Problem.title, Problem.workaround, Problem.root_cause,
               Problem.service_id, Problem.category_id, Service.name, cat.name)
        .outerjoin(Service, Service.id == Problem.service_id)
        .outerjoin(cat, cat.id == Problem.category_id)
        .where(Problem.status == ProblemStatus.KNOWN_ERROR, Problem.workaround.is_not(None), match)
        .order_by(Problem.updated_at.desc(), Problem.id.desc()).limit(50)
    ).all()
    out = []
    for pid, number, title, workaround, root_cause, service_id, category_id, service, category in rows:
        assert workaround is not None  # the query keeps only known errors with a workaround
        svc = inc.service_id is not None and service_id == inc.service_id
        cat_same = inc.category_id is not None and category_id == inc.category_id
        on = "service and category" if svc and cat_same else "service" if svc else "category"
        out.append(KnownErrorMatch(number, title, workaround, root_cause, service, category, on,
                                   inc.problem_id == pid))
    rank = {"service and category": 0, "service": 1, "category": 2}
    out.sort(key=lambda m: rank[m.matched_on])   # stable: most recent first within a rank
    return tuple(out[:MAX_KNOWN_ERRORS])
