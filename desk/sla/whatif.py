"""What-if: how many past tickets would change their met/breached outcome under an
edited calendar (other hours, an imported closure feed) or edited SLA targets.

Every ticket opened in the chosen range is replayed twice from its history: once with
the calendars and SLAs as they are, once with the candidate layered onto each version
that was in force (each keeps its own hours, closures and targets; the change is added
to every one). Only the outcome counts: met vs missed (``desk.sla.outcome``) for
response and for resolution.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from db.engine import Database
from desk.actor import Actor
from desk.errors import InvalidInput, NotFound
from desk.rules.permissions import require
from desk.sla import catalogue, history
from desk.sla.admin import merge_closures
from desk.sla.calendar import parse_weekly
from desk.sla.catalogue import CalendarInfo, Catalogue, SlaPolicy, TargetRule
from desk.sla.clock import to_epoch
from desk.sla.durations import parse_duration
from desk.sla.ics import read_closures
from desk.sla.measure import evaluate
from desk.sla.outcome import outcome
from desk.sla.replay import ClockResult
from desk.sla.versions import CalendarDraft, ClosureDraft

SAMPLE = 10


@dataclass(frozen=True)
class TargetChange:
    priority: str
    response: str | None = None
    resolution: str | None = None


@dataclass(frozen=True)
class WhatIf:
    tickets: int
    measured: int                      # tickets with an SLA outcome in either run
    response_now_missed: int           # met today, missed under the candidate
    response_now_met: int              # missed today, met under the candidate
    resolution_now_missed: int
    resolution_now_met: int
    examples: tuple[tuple[str, str, str, str], ...]  # (number, target, today, candidate)

    @property
    def changed(self) -> int:
        return self.response_now_missed + self.response_now_met + self.resolution_now_missed + self.resolution_now_met


def _outcome(c: ClockResult | None) -> str | None:
    return None if c is None else outcome(c.done_at, c.breached_at)


def candidate_calendar(cat: Catalogue, name: str, *, ics: bytes | None = None, hours: str | None = None) -> Catalogue:
    """The catalogue with the change layered onto every version of calendar ``name``.

    Each version keeps the span it governed and its own hours, periods and closures; the
    candidate replaces the weekly hours (``hours``) or adds the feed's closures (``ics``)
    in each. So a feed of closures changes only the tickets whose time it touches, and
    last spring's tickets keep last spring's hours.
    """
    info = cat.calendars.get(name)
    if info is None:
        raise NotFound(f"No calendar called {name!r}.")
    new_hours = list(parse_weekly(hours)) if hours else None
    versions = []
    for effective_from, number, row_id, spec in info.versions:
        draft = CalendarDraft(
            time_zone=spec.time_zone, business_day_s=spec.business_day_s, hours=list(spec.hours),
            periods=list(spec.periods), holiday_country=spec.holiday_country,
            holiday_subdivision=spec.holiday_subdivision,
            closures=[ClosureDraft(c.name, c.start, c.end) for c in spec.closures],
        )
        if new_hours is not None:
            draft.hours = list(new_hours)
        if ics is not None:
            # Read in the version's own zone: the feed's local times are wall-clock times.
            merge_closures(draft, read_closures(ics, spec.time_zone))
        versions.append((effective_from, number, row_id, draft.spec(name, spec.version)))
    calendars = dict(cat.calendars)
    calendars[name] = CalendarInfo(info.id, info.name, info.description, tuple(versions))
    return Catalogue(calendars, cat.slas, cat.service_sla, cat.model_override, dict(cat.by_version_id))


def candidate_sla(cat: Catalogue, name: str, changes: list[TargetChange]) -> Catalogue:
    """The catalogue with the target changes layered onto every version of SLA ``name``:
    in each, the edited priorities get the new durations, everything else (the other
    priorities, the other half of an edited pair, calendars, at-risk share) stays as
    that version had it. Tickets pinned to a version are measured with its candidate."""
    versions = cat.slas.get(name)
    if not versions:
        raise NotFound(f"No SLA called {name!r}.")
    candidates: list[SlaPolicy] = []
    by_id = dict(cat.by_version_id)
    for v in versions:
        targets = dict(v.targets)
        for ch in changes:
            prio = ch.priority.upper()
            rule = targets.get(prio)
            if rule is None:
                if v is versions[-1]:
                    raise InvalidInput(f"SLA {name!r} has no {prio} target to change.", "priority")
                continue  # an older version without that priority: nothing to layer onto
            info = cat.calendars.get(rule.calendar)
            per_day = info.version_at(v.effective_from)[3].business_day_s if info else 36_000
            targets[prio] = TargetRule(
                prio, parse_duration(ch.response, per_day, "response") if ch.response else rule.response_s,
                parse_duration(ch.resolution, per_day, "resolution") if ch.resolution else rule.resolution_s,
                rule.calendar)
        # A negative id cannot collide with a stored version's (nor its cached targets).
        policy = replace(v, version_id=-v.version_id, targets=targets)
        candidates.append(policy)
        by_id[v.version_id] = policy
    slas = dict(cat.slas)
    slas[name] = candidates
    return Catalogue(cat.calendars, slas, cat.service_sla, cat.model_override, by_id)


def what_if(db: Database, actor: Actor, candidate: Catalogue | None, start: dt.datetime, end: dt.datetime, *,
            now: dt.datetime, base: Catalogue | None = None) -> WhatIf:
    """Compare outcomes of tickets opened in [start, end) today vs under ``candidate``.

    It replays every ticket of the period, for deciding a calendar or SLA change:
    supervisors (``sla.what_if``)."""
    require(actor, "sla.what_if")
    if end <= start:
        raise InvalidInput("--to must be after --from.", "to")
    with db.reading() as s:
        base = base or catalogue.load(s)
        if candidate is None:
            raise InvalidInput("Nothing to compare: give a calendar change (--ics, --hours) or SLA targets.")
        as_of = to_epoch(now)
        tickets = measured = 0
        counts = {("response", "met", "missed"): 0, ("response", "missed", "met"): 0,
                  ("resolution", "met", "missed"): 0, ("resolution", "missed", "met"): 0}
        examples: list[tuple[str, str, str, str]] = []
        numbers: dict[int, str] = {}
        # Epoch bounds inlined as integers; the column is compared through the dialect's
        # own timestamp literal so the same text works on SQLite and PostgreSQL.
        conn = s.connection()
        lo, hi = _literal(conn, start), _literal(conn, end)
        where = f"opened_at >= {lo} AND opened_at < {hi}"
        for h in history.stream(conn, where=where):
            tickets += 1
            a, _ = evaluate(base, h, as_of)
            b, _ = evaluate(candidate, h, as_of)
            pair_seen = False
            for kind, x, y in (("response", a.response, b.response), ("resolution", a.resolution, b.resolution)):
                ox, oy = _outcome(x), _outcome(y)
                if ox is None and oy is None:
                    continue
                pair_seen = True
                if ox != oy and ox is not None and oy is not None:
                    counts[(kind, ox, oy)] += 1
                    if len(examples) < SAMPLE:
                        numbers.setdefault(h.incident_id, "")
                        examples.append((str(h.incident_id), kind, ox, oy))
            measured += pair_seen
        if numbers:
            from sqlalchemy import text

            ids = ", ".join(str(i) for i in numbers)
            names: dict[int, str] = dict(conn.execute(text(f"SELECT id, number FROM incidents WHERE id IN ({ids})")).all())
            examples = [(names.get(int(n), n), k, x, y) for n, k, x, y in examples]
    return WhatIf(tickets, measured, counts[("response", "met", "missed")], counts[("response", "missed", "met")],
                  counts[("resolution", "met", "missed")], counts[("resolution", "missed", "met")],
                  tuple(examples))


def _literal(conn: object, value: dt.datetime) -> str:
    v = value.astimezone(dt.UTC)
    if getattr(getattr(conn, "dialect", None), "name", "") == "sqlite":
        return f"'{v.replace(tzinfo=None).isoformat(sep=' ')}'"
    return f"'{v.isoformat()}'::timestamptz"
