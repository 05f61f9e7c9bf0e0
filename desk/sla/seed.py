"""Seeding the reference calendars and SLAs (resources/reference/sla-defaults.json).

Only what is missing is added, so running it on every upgrade is harmless and a
supervisor's later changes are never overwritten. The first versions take effect from
``SEED_EFFECTIVE`` (long ago), so tickets imported from before the desk existed are
measured with the defaults too.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Calendar, Sla
from desk import resources
from desk.sla.calendar import parse_weekly
from desk.sla.durations import parse_duration
from desk.sla.versions import CalendarDraft, SlaDraft, TargetDraft, write_calendar_version, write_sla_version

SEED_EFFECTIVE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
DEFAULTS = ("reference", "sla-defaults.json")


def seed_sla_defaults(s: Session, now: dt.datetime | None = None) -> None:
    now = now or dt.datetime.now(dt.UTC)
    data: dict[str, Any] = resources.load_json(*DEFAULTS)
    day_s: dict[str, int] = {}
    existing = set(s.execute(select(Calendar.name)).scalars())
    for c in data["calendars"]:
        day_s[c["name"]] = int(c["business_day_hours"] * 3600)
        if c["name"] in existing:
            continue
        cal = Calendar(name=c["name"], description=c.get("description", ""), created_at=now)
        s.add(cal)
        s.flush()
        hol = c.get("holidays") or {}
        draft = CalendarDraft(
            time_zone=c["time_zone"], business_day_s=day_s[c["name"]], hours=list(parse_weekly(c["hours"])),
            holiday_country=hol.get("country"), holiday_subdivision=hol.get("subdivision"),
        )
        write_calendar_version(s, cal, draft, effective_from=SEED_EFFECTIVE, now=now, actor_id=None,
                               note="Reference defaults", allow_past=True)
    slas = set(s.execute(select(Sla.name)).scalars())
    for sla in data["slas"]:
        if sla["name"] in slas:
            continue
        row = Sla(name=sla["name"], description=sla.get("description", ""), created_at=now)
        s.add(row)
        s.flush()
        targets = {}
        for prio, t in sla["targets"].items():
            cal = t.get("calendar")
            per_day = day_s.get(cal or sla["calendar"], 36_000)
            targets[prio] = TargetDraft(parse_duration(t["response"], per_day), parse_duration(t["resolution"], per_day),
                                        cal)
        sla_draft = SlaDraft(calendar=sla["calendar"], at_risk_percent=sla.get("at_risk_percent", 75),
                             auto_close_business_days=sla.get("auto_close_business_days", 5), targets=targets)
        write_sla_version(s, row, sla_draft, effective_from=SEED_EFFECTIVE, now=now, actor_id=None,
                          note="Reference defaults", allow_past=True)
