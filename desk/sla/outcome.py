"""What met, missed, breached now and at risk now mean: decided here, once, for the ticket
page, the queue (SLA column and views), the dashboard, the SLA report and what-if.

The rule (reference, "Service level targets"; details in ``desk.sla.replay``): a target
is met while the business time used is at most the target and breached once it is
more; a breach is recorded with its time and stays recorded. Hence:

* **met** ⇔ the clock stopped with an outcome (responded / resolved) and no breach is
  recorded. A breach recorded under an earlier, shorter target (before a priority
  change) stays a miss even if the answer came before the later, longer target's due.
* **missed** ⇔ a breach is recorded (whether or not the target was ever answered).
* **breached now** ⇔ a breach is recorded, or the clock runs and ``now > due_at``
  (``due_at`` is the last instant at which the target can still be met; the sweep
  records the breach at its next run, a list does not wait for it).
* **at risk now** ⇔ the clock runs, ``at_risk_at <= now <= due_at`` and no breach is
  recorded (the at-risk share, 75 % by default, is used, the target not yet exceeded).

A ticket is *breached now* if either of its targets is, and *at risk now* if it is not
breached now and either target is at risk: the two are disjoint, so the At risk and
Breached views and the dashboard's two counts never hold the same ticket.

Each rule exists twice, side by side: as a function of values (a replayed
``ClockResult``, a row already read) and as an SQL condition over the stored columns
(``c`` is a table's column collection: ``incidents`` or the report's working set).
Every SQL term is plainly true or false, never NULL, so conditions can be negated.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, literal, literal_column, not_, or_

from db.models import views
from db.types import UTCDateTime
from desk.rules import lifecycle

Kind = Literal["response", "resolution"]
KINDS: tuple[Kind, ...] = ("response", "resolution")

OPEN = lifecycle.values(lifecycle.OPEN_STATUSES)
RUNNING = lifecycle.values(lifecycle.WORKING)


# -- values --------------------------------------------------------------------------

def is_met(done_at: Any, breached_at: Any) -> bool:
    return done_at is not None and breached_at is None


def outcome(done_at: Any, breached_at: Any) -> str | None:
    """'met', 'missed' (a breach is recorded), or None (no outcome yet, or none ever)."""
    if breached_at is not None:
        return "missed"
    return "met" if done_at is not None else None


def breached_now(breached_at: Any, due_at: Any, running: bool, now: Any) -> bool:
    return breached_at is not None or (running and due_at is not None and now > due_at)


def at_risk_now(breached_at: Any, due_at: Any, at_risk_at: Any, running: bool, now: Any) -> bool:
    return (running and breached_at is None and due_at is not None and at_risk_at is not None
            and at_risk_at <= now <= due_at)


# -- SQL over the stored columns --------------------------------------------------------

def _at(now: dt.datetime) -> ColumnElement[Any]:
    # Typed like the stored columns, so SQLite compares the same text format.
    return literal(now, UTCDateTime())


def _status_in(c: Any, values: tuple[str, ...]) -> ColumnElement[bool]:
    # The statuses as literals in the order of db.models.views: the spelling of the
    # partial indexes behind the At risk view, which SQLite matches term by term and
    # PostgreSQL proves only from constants.
    return c.status.in_([literal_column(f"'{v}'") for v in values])


def open_sql(c: Any) -> ColumnElement[bool]:
    """The ticket is open (not yet resolved), spelt as the open views' partial indexes
    are: a list of bound values instead made SQLite scan every ticket at 1M (1.2 s)."""
    return _status_in(c, views.OPEN_STATUS_VALUES)


def running_sql(c: Any, kind: Kind) -> ColumnElement[bool]:
    """The target's clock runs: response until answered (while open), resolution while
    New / Assigned / In progress (not Pending, not finished)."""
    if kind == "response":
        return and_(c.responded_at.is_(None), _status_in(c, views.OPEN_STATUS_VALUES))
    return _status_in(c, views.RUNNING_STATUS_VALUES)


def met_sql(c: Any, kind: Kind) -> ColumnElement[bool]:
    done = c.responded_at if kind == "response" else c.resolved_at
    return and_(done.is_not(None), c[f"{kind}_breached_at"].is_(None))


def missed_sql(c: Any, kind: Kind) -> ColumnElement[bool]:
    return c[f"{kind}_breached_at"].is_not(None)


def breached_now_sql(c: Any, kind: Kind, now: dt.datetime) -> ColumnElement[bool]:
    due = c[f"{kind}_due_at"]
    return or_(c[f"{kind}_breached_at"].is_not(None),
               and_(running_sql(c, kind), due.is_not(None), due < _at(now)))


def at_risk_now_sql(c: Any, kind: Kind, now: dt.datetime) -> ColumnElement[bool]:
    # Running and unbreached first: on the incidents table these terms are the predicate
    # of the target's partial index, and the at-risk bound then walks only that index.
    due, risk = c[f"{kind}_due_at"], c[f"{kind}_at_risk_at"]
    t = _at(now)
    return and_(running_sql(c, kind), c[f"{kind}_breached_at"].is_(None), risk <= t, due >= t,
                due.is_not(None), risk.is_not(None))


def ticket_breached_now_sql(c: Any, now: dt.datetime) -> ColumnElement[bool]:
    """Either target breached now (the Breached view, the dashboard's breached count)."""
    return or_(*(breached_now_sql(c, k, now) for k in KINDS))


def ticket_at_risk_now_sql(c: Any, now: dt.datetime) -> ColumnElement[bool]:
    """Not breached now, and either target at risk (the At risk view and count)."""
    return and_(not_(ticket_breached_now_sql(c, now)), or_(*(at_risk_now_sql(c, k, now) for k in KINDS)))
