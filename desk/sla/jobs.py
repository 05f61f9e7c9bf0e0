"""The SLA jobs cron runs: ``desk sla recompute | sweep | auto-close``.

They rewrite the SLA columns, breaches and statuses of every ticket, so they are
supervisor work (``sla.jobs``): cron runs them under a supervisor's login. The engines
underneath (``desk.sla.backfill``) are also used inside other operations that have
already checked their own permission (the demo load, a calendar change), so the check
lives here, at the entry the command line and any other caller share.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from db.engine import Database
from desk.actor import Actor
from desk.rules.permissions import require
from desk.sla import backfill

ACTION = "sla.jobs"


def recompute(db: Database, actor: Actor, progress: Callable[[str], None] | None = None, *,
              now: dt.datetime | None = None) -> int:
    """Recompute the stored SLA columns of every ticket; returns the rows changed."""
    require(actor, ACTION)
    return backfill.recompute_all(db, progress, now=now)


def sweep(db: Database, actor: Actor, *, now: dt.datetime | None = None) -> int:
    """Record the breaches that happened since the tickets' last events; returns the tickets changed."""
    require(actor, ACTION)
    return backfill.sweep(db, now=now)
