"""Reading SLA state: queue snapshots (cheap, from stored columns) and the ticket panel
(a full replay of the ticket's history, "as of" any instant)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from db.engine import Database
from desk.clock import Clock, utc_now
from desk.errors import NotFound
from desk.rules import lifecycle
from desk.sla import catalogue, history, outcome
from desk.sla.catalogue import Catalogue
from desk.sla.clock import BusinessClock, from_epoch, to_epoch
from desk.sla.measure import evaluate
from desk.sla.replay import ClockResult


@dataclass(frozen=True)
class SlaSnapshot:
    """The one SLA figure a queue row shows."""

    target: str | None                 # 'response' while a response is due, else 'resolution'
    state: str                         # on_track | at_risk | breached | paused | met | missed | none
    business_seconds_left: int | None  # negative when overdue
    due_at: dt.datetime | None


NO_SLA = SlaSnapshot(None, "none", None, None)


@dataclass(frozen=True)
class TargetSla:
    kind: str                          # 'response' | 'resolution'
    target_s: int | None
    due_at: dt.datetime | None
    business_seconds_used: int | None
    state: str
    at_risk_at: dt.datetime | None
    breached_at: dt.datetime | None
    done_at: dt.datetime | None        # responded / resolved instant


@dataclass(frozen=True)
class PauseSpan:
    start: dt.datetime
    end: dt.datetime | None
    status: str                        # the Pending status


@dataclass(frozen=True)
class BreachMark:
    target: str                        # 'response' | 'resolution'
    at: dt.datetime
    priority: str                      # the priority whose target was breached


@dataclass(frozen=True)
class IncidentSla:
    number: str
    as_of: dt.datetime
    priority: str
    sla_name: str | None
    sla_version: int | None
    calendar_name: str | None          # calendar of the current priority's targets
    calendar_version: int | None       # its version in force when the ticket opened
    at_risk_percent: int | None
    response: TargetSla
    resolution: TargetSla
    pauses: tuple[PauseSpan, ...]
    breaches: tuple[BreachMark, ...]


def _dt(v: int | None) -> dt.datetime | None:
    return None if v is None else from_epoch(v)


def _target(kind: str, r: ClockResult | None) -> TargetSla:
    if r is None:
        return TargetSla(kind, None, None, None, "none", None, None, None)
    return TargetSla(kind, r.target_s, _dt(r.due), r.used_s, r.state, _dt(r.at_risk_at), _dt(r.breached_at),
                     _dt(r.done_at))


def _running_state(breached_at: Any, due: int, at_risk_at: int | None, now: int) -> str:
    if outcome.breached_now(breached_at, due, True, now):
        return "breached"
    return "at_risk" if outcome.at_risk_now(breached_at, due, at_risk_at, True, now) else "on_track"


def _left(clock: BusinessClock, now: int, due: int) -> int:
    return clock.between_s(now, due) if now <= due else -clock.between_s(due, now)


class SlaService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def catalogue(self) -> Catalogue:
        with self.db.reading() as s:
            return catalogue.load_cached(s)

    # -- the queue -----------------------------------------------------------
    def snapshots(self, incident_ids: Sequence[int], now: dt.datetime) -> dict[int, SlaSnapshot]:
        """SLA figure per incident from the stored columns (no replay): one query."""
        if not incident_ids:
            return {}
        t = to_epoch(now)
        ids = ", ".join(str(int(i)) for i in set(incident_ids))
        with self.db.reading() as s:
            cat = catalogue.load_cached(s)
            rows = s.connection().execute(text(
                "SELECT id, status, priority, service_id, model_id, opened_at, responded_at, "
                "response_due_at, response_at_risk_at, response_breached_at, response_target_s, "
                "resolution_due_at, resolution_at_risk_at, resolution_breached_at, resolution_target_s, "
                f"resolution_elapsed_s, sla_paused_at, sla_version_id FROM incidents WHERE id IN ({ids})")).all()
        out: dict[int, SlaSnapshot] = {}
        for r in rows:
            out[r[0]] = self._snapshot(cat, r, t)
        return out

    def _snapshot(self, cat: Catalogue, r: Sequence[Any], t: int) -> SlaSnapshot:
        (_, status, priority, service_id, model_id, opened_at, responded_at, r_due, r_risk, r_breach,
         r_target, s_due, s_risk, s_breach, s_target, s_used, paused_at, version_id) = r
        if r_target is None or s_target is None:
            return NO_SLA
        policy = cat.by_version_id.get(version_id) if version_id is not None else None
        if policy is None:
            policy = cat.policy(cat.sla_name_for(service_id, model_id),
                                history.epoch_of(opened_at) or 0)
        target = cat.target(policy, str(priority))
        if target is None:
            return NO_SLA
        clock = target.clock
        e = history.epoch_of
        if responded_at is None and status in lifecycle.OPEN_STATUSES and r_due is not None:
            due = e(r_due)
            assert due is not None
            state = _running_state(r_breach, due, e(r_risk), t)
            return SlaSnapshot("response", state, _left(clock, t, due), from_epoch(due))
        used = int(s_used or 0)
        left = int(s_target) - used
        if status in lifecycle.RESOLVED_OR_CLOSED:
            return SlaSnapshot("resolution", outcome.outcome(True, s_breach) or "none", left, _dt(e(s_due)))
        if status == "cancelled":
            return SlaSnapshot("resolution", outcome.outcome(None, s_breach) or "none", None, None)
        if paused_at is not None or status in lifecycle.PENDING:
            # Paused: no running clock, so only a recorded breach counts.
            return SlaSnapshot("resolution", "breached" if outcome.breached_now(s_breach, None, False, t)
                               else "paused", left, None)
        due = e(s_due)
        if due is None:
            return SlaSnapshot("resolution", "none", None, None)
        state = _running_state(s_breach, due, e(s_risk), t)
        return SlaSnapshot("resolution", state, _left(clock, t, due), from_epoch(due))

    # -- the ticket panel ----------------------------------------------------
    def incident_sla(self, number: str, now: dt.datetime) -> IncidentSla:
        """The full SLA picture of one ticket as of ``now`` (any instant, past included)."""
        with self.db.reading() as s:
            conn = s.connection()
            row = conn.execute(text("SELECT id FROM incidents WHERE number = :n"),
                               {"n": number.strip().upper()}).first()
            if row is None:
                raise NotFound(f"No incident {number!r}.")
            cat = catalogue.load_cached(s)
            h = history.load(conn, [row[0]])[row[0]]
        as_of = to_epoch(now)
        result, policy = evaluate(cat, h, as_of)
        cal_name = cal_version = None
        if policy is not None:
            rule = policy.targets.get(result.priority)
            if rule is not None and rule.calendar in cat.calendars:
                cal_name = rule.calendar
                cal_version = cat.calendars[rule.calendar].version_at(h.opened_at)[1]
        breaches = tuple(
            BreachMark(kind, from_epoch(c.breached_at), c.breach_priority or result.priority)
            for kind, c in (("response", result.response), ("resolution", result.resolution))
            if c is not None and c.breached_at is not None)
        return IncidentSla(
            number=number.strip().upper(), as_of=from_epoch(as_of), priority=result.priority,
            sla_name=policy.name if policy else None, sla_version=policy.version if policy else None,
            calendar_name=cal_name, calendar_version=cal_version,
            at_risk_percent=policy.at_risk_percent if policy else None,
            response=_target("response", result.response), resolution=_target("resolution", result.resolution),
            pauses=tuple(PauseSpan(from_epoch(p.start), _dt(p.end), p.status) for p in result.pauses),
            breaches=tuple(sorted(breaches, key=lambda b: b.at)),
        )
