"""The SLA columns stored on ``incidents``: what each one means, and how they are filled.

They are maintained by ``desk.sla.tracking.refresh`` after every event and by
``desk.sla.backfill.recompute_all`` in bulk; both write exactly ``columns(result)``.
All times are UTC, all durations are *business* seconds on the target's calendar.
A ticket without an SLA (no service, or a service without one) has all of them NULL.

``response_target_s`` / ``resolution_target_s``
    The targets of the ticket's current priority (a priority change re-targets).
``response_due_at``
    When the response target is (or was) used up, measured from opening. Kept after the
    response, so "responded before due" is ``responded_at <= response_due_at``.
``resolution_due_at``
    When the resolution target is used up if the clock keeps running: projected while
    running, NULL while paused (Pending), and after Resolved/Closed/Cancelled the due
    as it stood when the clock stopped. If the target was used up in the past, the
    instant that happened.
``response_at_risk_at`` / ``resolution_at_risk_at``
    When the at-risk share (75 % by default) of the target is (or was) used. NULL while
    paused (resolution), and NULL when the clock stopped before reaching it.
    "At risk now" = open, not paused, ``at_risk_at <= now < due_at``.
``response_breached_at`` / ``resolution_breached_at``
    The first recorded breach: the instant the target was used up while the clock kept
    running. Recorded only once that instant has passed (at the next event, by
    ``desk sla sweep``, or by a recompute); never cleared by a later priority change.
    "Breached now" for an open ticket = ``breached_at IS NOT NULL OR due_at <= now``.
``response_elapsed_s``
    Business seconds from opening to the response; NULL until responded.
``resolution_elapsed_s``
    Business seconds the resolution clock has run, pauses excluded: up to the resolution
    once resolved, else up to the last event (or the recompute).
``sla_paused_at``
    When the current pause (Pending state) began; NULL when not paused.
``sla_version_id``
    The SLA version (``sla_versions.id``) the ticket is measured against: fixed at its
    first measurement, changed only when the ticket's own service changes.
``responded_at`` is written by the incident service (first acknowledgement) and only
read here.

Outcome for reports: a resolved ticket met its resolution target iff
``resolution_breached_at IS NULL``; likewise response with ``response_breached_at``.
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
