"""Resolved tickets close automatically after N business days (5 by default) unless
reopened (reference, "Incident lifecycle"). Run from cron: ``desk sla auto-close``.

N comes from the SLA version the ticket is measured against (``auto_close_business_days``)
and is counted on that SLA's calendar; tickets without an SLA use the ``service-desk``
calendar and 5 days. Each close is an ordinary Resolved → Closed transition by the
acting staff account, so it is audited like any other. Like the other SLA jobs it is
supervisor work (``sla.jobs``), dry runs included: cron runs it under a supervisor's login.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import text

from db.engine import Database
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.common.site import DESK_CALENDAR
from desk.errors import InvalidInput
from desk.incidents.service import IncidentService
from desk.rules import lifecycle
from desk.rules.permissions import require
from desk.sla import catalogue, history
from desk.sla.clock import from_epoch, to_epoch

log = logging.getLogger(__name__)

DEFAULT_DAYS = lifecycle.AUTO_CLOSE_DAYS


@dataclass(frozen=True)
class AutoClosed:
    number: str
    resolved_at: dt.datetime
    close_due_at: dt.datetime


def due_for_closing(db: Database, now: dt.datetime) -> list[AutoClosed]:
    """Resolved tickets whose auto-close time has passed, oldest first."""
    t = to_epoch(now)
    with db.reading() as s:
        cat = catalogue.load_cached(s)
        # Business time never runs faster than real time, so this bound loses nothing.
        shortest = min([p.auto_close_business_days * cat.calendars[p.calendar].latest[3].business_day_s
                        for versions in cat.slas.values() for p in versions if p.calendar in cat.calendars]
                       + [DEFAULT_DAYS * 36_000])
        rows = s.connection().execute(text(
            "SELECT id, number, resolved_at, service_id, model_id, opened_at, sla_version_id FROM incidents "
            "WHERE status = 'resolved' AND resolved_at IS NOT NULL ORDER BY resolved_at, id")).all()
    out: list[AutoClosed] = []
    for _, number, resolved_at, service_id, model_id, opened_at, version_id in rows:
        resolved = history.epoch_of(resolved_at)
        assert resolved is not None
        if resolved > t - shortest:
            continue
        policy = cat.by_version_id.get(version_id) if version_id is not None else None
        if policy is None:
            policy = cat.policy(cat.sla_name_for(service_id, model_id), history.epoch_of(opened_at) or 0)
        cal_name = policy.calendar if policy else DESK_CALENDAR
        days = policy.auto_close_business_days if policy else DEFAULT_DAYS
        if cal_name not in cat.calendars:
            continue
        clock = cat.clock(cal_name)
        per_day = clock.spec_at(resolved).business_day_s
        due = clock.add_s(resolved, days * per_day)
        if due <= t:
            out.append(AutoClosed(number, from_epoch(resolved), from_epoch(due)))
    return out


def auto_close(db: Database, incidents: IncidentService, actor: Actor, *, clock: Clock = utc_now,
               dry_run: bool = False) -> list[AutoClosed]:
    """Close every resolved ticket whose auto-close time has passed, through ``incidents``
    (the composition root's); returns those closed."""
    require(actor, "sla.jobs")

    now = clock()
    due = due_for_closing(db, now)
    if dry_run:
        return due
    closed: list[AutoClosed] = []
    for item in due:
        try:
            incidents.transition(actor, item.number, "closed",
                                 reason="Closed automatically: resolved and not reopened within the "
                                        "auto-close period")
        except InvalidInput as exc:  # reopened or closed meanwhile: leave it
            log.info("auto-close skipped %s: %s", item.number, exc)
            continue
        closed.append(item)
    return closed
