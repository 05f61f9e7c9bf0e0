"""The SLA columns stored on ``incidents``: what each one means, and how they are filled.

They are maintained by ``desk.sla.tracking.refresh`` after every event and by
``desk.sla.backfill.recompute_all`` in bulk; both write exactly ``columns(result)``.
All times are UTC, all durations are *business* seconds on the target's calendar.
A ticket without an SLA (no service, or a service without one) has all of them NULL.

The rule (reference: "breached past 100 %"): a target is met while the business time
used is at most the target and breached once it is more. So that every check is one
column comparison, a due time is the *last instant at which the target can still be
met* (for a target used up inside working hours, the instant it is used up; for one used
up exactly at the end of a working period, Friday 18:00, the start of the next one,
Monday 08:00: no business time passes in between). Met, missed, breached now and at
risk now are decided in ``desk.sla.outcome`` (values and SQL), and nowhere else.

``response_target_s`` / ``resolution_target_s``
    The targets of the ticket's current priority (a priority change re-targets).
``response_due_at``
    The last instant the response target can be met, measured from opening; kept after
    the response. With one priority throughout, "responded in time" is
    ``responded_at <= response_due_at``; after a priority change a breach recorded under
    the earlier target still decides (met = responded and no breach recorded).
``resolution_due_at``
    The last instant the resolution target can be met if the clock keeps running:
    projected while running, NULL while paused (Pending), and after Resolved/Closed/
    Cancelled the due as it stood when the clock stopped. If the target was exceeded in
    the past, the last instant it could still have been met then.
``response_at_risk_at`` / ``resolution_at_risk_at``
    The first instant the at-risk share (75 % by default) of the target is (or was)
    used. NULL while paused (resolution), and NULL when the clock stopped before it.
    "At risk now" = running, ``at_risk_at <= now <= due_at``, no breach recorded.
``response_breached_at`` / ``resolution_breached_at``
    The first recorded breach: the first instant the time used exceeded the target in
    force then (one business second past the due; at a priority change, the old target's
    too), while the clock had not stopped with an outcome. Recorded only once that
    instant has passed (at the next event, by ``desk sla sweep``, or by a recompute);
    never cleared by a later priority change.
    "Breached now" = ``breached_at IS NOT NULL`` or (running and ``due_at < now``).
``response_elapsed_s``
    Business seconds from opening to the response; NULL until responded.
``resolution_elapsed_s``
    Business seconds the resolution clock has run, pauses excluded: up to the resolution
    once resolved, else up to the last event (or the recompute).
``sla_paused_at``
    When the current pause began: the start of the unbroken run of Pending states the
    ticket is in (Pending customer → Pending vendor does not restart it); NULL when not
    paused.
``sla_version_id``
    The SLA version (``sla_versions.id``) the ticket is measured against: fixed at its
    first measurement, changed only when the ticket's own service changes.
``responded_at`` is written by the incident service (first acknowledgement) and only
read here.

Outcome for reports, the queue and the ticket page (``desk.sla.outcome.met_sql``): a
target is met iff it was answered (``responded_at`` / ``resolved_at``) and its
``*_breached_at`` IS NULL.

Columns stored before this rule (migration ``0018_sla_outcomes``) recorded a breach at the
due instant itself; ``desk db upgrade`` recomputes them (``backfill.recompute_all``).
"""
from __future__ import annotations

from typing import Any

from desk.sla.clock import from_epoch
from desk.sla.replay import SlaResult

COLUMNS = (
    "response_due_at", "resolution_due_at", "response_breached_at", "resolution_breached_at",
    "response_at_risk_at", "resolution_at_risk_at", "response_target_s", "resolution_target_s",
    "response_elapsed_s", "resolution_elapsed_s", "sla_paused_at", "sla_version_id",
)


TIME_COLUMNS = frozenset(c for c in COLUMNS if c.endswith("_at"))


def raw_columns(r: SlaResult, sla_version_id: int | None) -> tuple[int | None, ...]:
    """Column values in ``COLUMNS`` order, times as epoch seconds."""
    resp, res = r.response, r.resolution
    if resp is None or res is None:
        return (None,) * 10 + (r.paused_since, sla_version_id)
    paused = r.paused_since is not None
    return (
        resp.due, None if paused else res.due, resp.breached_at, res.breached_at,
        resp.at_risk_at, None if paused else res.at_risk_at, resp.target_s, res.target_s,
        resp.used_s if resp.done_at is not None else None, res.used_s, r.paused_since, sla_version_id,
    )


def columns(r: SlaResult, sla_version_id: int | None) -> dict[str, Any]:
    """Column values for one replay result, times as aware UTC datetimes."""
    return {k: (from_epoch(v) if v is not None and k in TIME_COLUMNS else v)
            for k, v in zip(COLUMNS, raw_columns(r, sla_version_id))}
