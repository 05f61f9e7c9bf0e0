"""The SLA engine: business-time clock over calendars, targets, pause/resume, breaches.

Public API (see README, "Service level targets"):

* ``desk.sla.clock.BusinessClock`` — ``add(start_utc, business_seconds)`` and
  ``between(start_utc, end_utc)`` over a calendar's working intervals.
* ``desk.sla.service.SlaService`` — ``snapshots(ids, now)`` for the queue,
  ``incident_sla(number, now)`` for the ticket's SLA panel, ``catalogue()``.
* ``desk.sla.admin.SlaAdmin`` — supervisors' changes (hours, periods, closures, .ics
  import, targets, new calendars and SLAs), each one a new version.
* ``desk.sla.backfill`` — ``recompute_all`` (bulk), ``recompute_open``, ``sweep``.
* ``desk.sla.jobs`` — ``recompute`` and ``sweep`` as the supervisor's cron jobs.
* ``desk.incidents.autoclose.auto_close`` — Resolved → Closed after the auto-close period
  (a cron job too: supervisors).
* ``desk.sla.whatif`` — how many past outcomes a candidate change would flip (supervisors).
* ``desk.sla.tracking.refresh`` — called by the incident service after every event.

What met, missed, breached now and at risk now mean (as values and as SQL, for every
caller): ``desk.sla.outcome``. What the stored columns on ``incidents`` mean: ``desk.sla.stored``. Which history rows
the replay reads: ``desk.sla.history``. The rules themselves: ``desk.sla.replay``.
"""
