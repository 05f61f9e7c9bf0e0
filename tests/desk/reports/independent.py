"""The SLA report's figures recomputed independently: plain Python over a SELECT of the
raw incident columns, sharing no code with desk.reports (only the written definitions)."""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.engine import Database
from db.models import Incident, Service, StaffAccount, Team, VipPolicy

AGE_DAYS = (0, 1, 3, 7, 14, 30)


def raw_rows(db: Database) -> list[dict[str, Any]]:
    with db.reading() as s:
        rows = [dict(r._mapping) for r in s.execute(select(Incident.__table__))]
        names = {
            "service": dict(s.execute(select(Service.id, Service.name)).all()),
            "team": dict(s.execute(select(Team.id, Team.name)).all()),
            "staff": dict(s.execute(select(StaffAccount.id, StaffAccount.display_name)).all()),
            "vip": dict(s.execute(select(VipPolicy.id, VipPolicy.version)).all()),
        }
    for r in rows:
        for k in ("priority", "status", "channel"):
            r[k] = getattr(r[k], "value", r[k])
        r["_names"] = names
    return rows


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    v = sorted(values)
    h = (len(v) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (h - lo) * (v[hi] - v[lo])


@dataclass
class Tally:
    opened: int = 0
    resolved: int = 0
    response_measured: int = 0
    response_met: int = 0
    resolution_measured: int = 0
    resolution_met: int = 0
    resp_times: list[int] = field(default_factory=list)
    res_times: list[int] = field(default_factory=list)
    resp_targets: set[int] = field(default_factory=set)
    res_targets: set[int] = field(default_factory=set)


@dataclass
class Expected:
    total: Tally
    backlog_start: int
    backlog_end: int
    groups: dict[str, dict[tuple[Any, ...], Tally]]
    weeks: dict[dt.date, Tally]
    ageing: dict[str, list[int]]
    vip_by_version: dict[int, int]
    majors: list[str]
    breaches: list[tuple[Any, ...]]


def compute(rows: list[dict[str, Any]], date_from: dt.date, date_to: dt.date, tz: str = "America/New_York",
            keep: Any = lambda r: True) -> Expected:
    zone = ZoneInfo(tz)
    start = dt.datetime(date_from.year, date_from.month, date_from.day, tzinfo=zone)
    end_day = date_to + dt.timedelta(days=1)
    end = dt.datetime(end_day.year, end_day.month, end_day.day, tzinfo=zone)

    def inside(t: dt.datetime | None) -> bool:
        return t is not None and start <= t < end

    def monday(t: dt.datetime) -> dt.date:
        # Weeks run Monday to Sunday in the desk zone; the first one starts with the period.
        d = t.astimezone(zone).date()
        return max(d - dt.timedelta(days=d.weekday()), date_from)

    def open_at(r: dict[str, Any], t: dt.datetime) -> bool:
        return (r["opened_at"] < t and r["status"] != "cancelled"
                and (r["resolved_at"] is None or r["resolved_at"] >= t)
                and (r["closed_at"] is None or r["closed_at"] >= t))

    rows = [r for r in rows if keep(r)]
    total = Tally()
    groups: dict[str, dict[tuple[Any, ...], Tally]] = {g: defaultdict(Tally) for g in
                                                        ("service-priority", "team", "assignee", "week")}
    weeks: dict[dt.date, Tally] = defaultdict(Tally)
    ageing: dict[str, list[int]] = {}
    vip: dict[int, int] = defaultdict(int)
    majors, breaches = [], []
    backlog_start = backlog_end = 0

    def attr_keys(r: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
        return {"service-priority": (r["service_id"], r["priority"]), "team": (r["team_id"],),
                "assignee": (r["assignee_id"],)}

    def add(r: dict[str, Any], when: dt.datetime, fn: Any) -> None:
        fn(total)
        for g, k in attr_keys(r).items():
            fn(groups[g][k])
        fn(groups["week"][(monday(when),)])
        fn(weeks[monday(when)])

    for r in rows:
        resp_outcome = r["response_breached_at"] or r["responded_at"]
        res_outcome = r["resolution_breached_at"] or r["resolved_at"]
        touched = False
        if inside(r["opened_at"]):
            touched = True
            add(r, r["opened_at"], lambda t: setattr(t, "opened", t.opened + 1))
            if r["vip_policy_id"] is not None:
                vip[r["_names"]["vip"][r["vip_policy_id"]]] += 1
            if r["is_major"]:
                majors.append(r["number"])
        if inside(r["resolved_at"]):
            touched = True
            add(r, r["resolved_at"], lambda t: setattr(t, "resolved", t.resolved + 1))
        if inside(resp_outcome):
            touched = True
            met = r["response_breached_at"] is None

            def f(t: Tally, met: bool = met) -> None:
                t.response_measured += 1
                t.response_met += met
            add(r, resp_outcome, f)
        if inside(res_outcome):
            touched = True
            met2 = r["resolution_breached_at"] is None

            def f2(t: Tally, met: bool = met2) -> None:
                t.resolution_measured += 1
                t.resolution_met += met
            add(r, res_outcome, f2)
        if touched:
            # Targets are reported for every group the ticket's events fall in.
            def tg(t: Tally, r: dict[str, Any] = r) -> None:
                t.resp_targets.add(r["response_target_s"])
                t.res_targets.add(r["resolution_target_s"])
            for g, k in attr_keys(r).items():
                tg(groups[g][k])
            for when in (r["opened_at"], r["resolved_at"], resp_outcome, res_outcome):
                if inside(when):
                    tg(groups["week"][(monday(when),)])
        if inside(r["responded_at"]) and r["response_elapsed_s"] is not None:
            add(r, r["responded_at"], lambda t, v=r["response_elapsed_s"]: t.resp_times.append(v))
        if inside(r["resolved_at"]) and r["resolution_elapsed_s"] is not None:
            add(r, r["resolved_at"], lambda t, v=r["resolution_elapsed_s"]: t.res_times.append(v))
        backlog_start += open_at(r, start)
        if open_at(r, end):
            backlog_end += 1
            age = end - r["opened_at"]
            b = max(i for i, d in enumerate(AGE_DAYS) if age >= dt.timedelta(days=d))
            ageing.setdefault(r["priority"], [0] * len(AGE_DAYS))[b] += 1
        svc = r["_names"]["service"].get(r["service_id"], "(no service)")
        for kind, at, target, elapsed in (
                ("response", r["response_breached_at"], r["response_target_s"], r["response_elapsed_s"]),
                ("resolution", r["resolution_breached_at"], r["resolution_target_s"], r["resolution_elapsed_s"])):
            if inside(at):
                breaches.append((at, r["number"], kind, r["title"], svc, r["priority"], target, elapsed))
    breaches.sort(key=lambda b: (b[0], b[1], b[2]))
    return Expected(total, backlog_start, backlog_end, groups, dict(weeks), ageing, dict(vip),
                    sorted(majors), breaches)
