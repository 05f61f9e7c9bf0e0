"""Finding the targets that have crossed their at-risk point or their due time and have no
alert yet, and the next instant one will: read straight off the SLA columns each event
keeps current (``desk.sla.stored``), so the job is a few indexed queries however large
the desk is.

What "running", "breached now" and "at risk" mean is ``desk.sla.outcome``'s, the same the
views, the dashboard and the report use: a target is breached once business time beyond
it has passed, i.e. after its stored due (the last instant it can still be met).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, literal_column, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from db.models import Incident, SlaAlert
from desk.rules import lifecycle
from desk.sla import outcome

TARGETS = ("response", "resolution")
LEVELS = ("at_risk", "breach")
C = Incident.__table__.c


@dataclass(frozen=True)
class Crossing:
    incident_id: int
    target: str        # response | resolution
    level: str         # at_risk | breach
    at: dt.datetime    # the instant, as the ticket's SLA columns give it


def _column(target: str, level: str) -> ColumnElement[dt.datetime]:
    name = f"{target}_{'at_risk_at' if level == 'at_risk' else 'due_at'}"
    col: ColumnElement[dt.datetime] = getattr(Incident, name)
    return col


def _running(target: str) -> ColumnElement[bool]:
    return outcome.running_sql(C, target)  # type: ignore[arg-type]


def _crossed(target: str, level: str, now: dt.datetime) -> ColumnElement[bool]:
    """At risk: the clock runs and its at-risk point has passed. Breach: breached now, on a
    ticket still open (a breach an event recorded counts as well as one by the clock)."""
    if level == "breach":
        return and_(outcome.open_sql(C), outcome.breached_now_sql(C, target, now))  # type: ignore[arg-type]
    col = _column(target, level)
    # Compared through coalesce(col, col), which no index serves: the planner then finds
    # the running tickets by status (a few thousand) instead of walking the at-risk index,
    # where closed history keeps its past instants too (700 ms at 1M on SQLite).
    return and_(_running(target), col.is_not(None), func.coalesce(col, col) <= now)


def _not_alerted(target: str, level: str) -> ColumnElement[bool]:
    return ~exists().where(SlaAlert.incident_id == Incident.id, SlaAlert.target == target,
                           SlaAlert.level == level)


def crossings(s: Session, now: dt.datetime, *, limit: int = 500) -> list[Crossing]:
    """Targets that have crossed a point by ``now`` without an alert, earliest first."""
    parts: list[Select[Any, Any, Any, Any]] = []
    for target in TARGETS:
        for level in LEVELS:
            col = _column(target, level)
            # A breach an event recorded (its due may be NULL: paused since) is at its own instant.
            at = func.coalesce(getattr(Incident, f"{target}_breached_at"), col) if level == "breach" else col
            parts.append(select(Incident.id.label("incident_id"), at.label("at"),
                                # Constants of this module, never user text.
                                literal_column(f"'{target}'").label("target"),
                                literal_column(f"'{level}'").label("level"))
                         .where(_crossed(target, level, now), _not_alerted(target, level)))
    q = union_all(*parts).subquery()
    rows = s.execute(select(q.c.incident_id, q.c.target, q.c.level, q.c.at)
                     .order_by(q.c.at, q.c.incident_id).limit(limit)).all()
    return [Crossing(int(r[0]), str(r[1]), str(r[2]), aware(r[3])) for r in rows]


def still_holds(inc: Incident, c: Crossing, now: dt.datetime) -> bool:
    """Whether the crossing found is still what the ticket says now (on PostgreSQL another
    session's event may have committed since the search: a response given, the ticket
    resolved or paused, its priority changed)."""
    if c.target == "response":
        running = inc.status in lifecycle.OPEN_STATUSES and inc.responded_at is None
    else:
        running = inc.status in lifecycle.WORKING
    if c.level == "breach":
        # As the search has it (desk.sla.outcome): breached now, on a ticket still open.
        breached = getattr(inc, f"{c.target}_breached_at")
        due = getattr(inc, f"{c.target}_due_at")
        return inc.status in lifecycle.OPEN_STATUSES and outcome.breached_now(
            aware(breached) if breached is not None else None, aware(due) if due is not None else None,
            running, now)
    value = getattr(inc, f"{c.target}_at_risk_at")
    if not running or value is None:
        return False
    value = aware(value)
    return value <= now and value == c.at


def next_crossing(s: Session, now: dt.datetime) -> dt.datetime | None:
    """When the next target crosses a point, as things stand (a later event may move it)."""
    best: dt.datetime | None = None
    for target in TARGETS:
        for level in LEVELS:
            col = _column(target, level)
            later = col >= now if level == "breach" else col > now
            when = s.execute(select(func.min(col)).where(
                _running(target), later, getattr(Incident, f"{target}_breached_at").is_(None),
                _not_alerted(target, level))).scalar()
            if when is not None:
                when = aware(when)
                if level == "breach":
                    when += dt.timedelta(seconds=1)   # breached once the due instant has passed
                best = when if best is None or when < best else best
    return best


def aware(value: dt.datetime) -> dt.datetime:
    """UTC-aware (raw SQL over SQLite gives naive UTC), for every time this package compares."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
