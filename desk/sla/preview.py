"""What a calendar or SLA change would do, before it is saved: nothing here writes.

Two questions a supervisor asks before saving:

* **Open tickets whose due time would move.** The change is tried as the new version
  it would be (effective now, as ``SlaAdmin`` saves it), every open ticket is measured
  with and without it, and those whose response or resolution due time differs count.
* **Past outcomes that would flip** (met ↔ missed), the what-if of ``desk.sla.whatif``
  over the tickets opened in the last ``past_days`` days, with the change applied to all
  time, as ``desk sla what-if`` does.

The changes themselves are the ones ``SlaAdmin`` saves (``desk.sla.admin``'s
``*_change`` builders), so the preview and the save cannot disagree on what a change is.
"""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from db.engine import Database
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.errors import InvalidInput, NotFound
from desk.rules import lifecycle
from desk.rules.permissions import require
from desk.sla import catalogue, history, ics, whatif
from desk.sla.admin import CalendarChange, merge_closures
from desk.sla.calendar import CalendarSpec
from desk.sla.catalogue import CalendarInfo, Catalogue
from desk.sla.clock import to_epoch
from desk.sla.measure import evaluate

PAST_DAYS = 90


@dataclass(frozen=True)
class ClosureLine:
    name: str
    start: dt.datetime     # naive, the calendar's wall-clock time
    end: dt.datetime
    status: str            # added | updated | unchanged


@dataclass(frozen=True)
class ChangePreview:
    subject: str                       # the calendar or SLA
    changed: bool                      # False: saving would add no version
    open_tickets_moved: int            # open tickets whose due time would move
    open_tickets: int
    past: whatif.WhatIf | None         # outcomes over the last past_days days
    past_days: int
    closures: tuple[ClosureLine, ...] = ()   # an .ics import: each incoming closure

    @property
    def added(self) -> int:
        return sum(c.status == "added" for c in self.closures)

    @property
    def updated(self) -> int:
        return sum(c.status == "updated" for c in self.closures)

    @property
    def unchanged(self) -> int:
        return sum(c.status == "unchanged" for c in self.closures)


def _with_calendar(cat: Catalogue, info: CalendarInfo,
                   versions: tuple[tuple[int, int, int, CalendarSpec], ...]) -> Catalogue:
    calendars = dict(cat.calendars)
    calendars[info.name] = CalendarInfo(info.id, info.name, info.description, versions)
    return Catalogue(calendars, cat.slas, cat.service_sla, cat.model_override, dict(cat.by_version_id))


class ChangePreviews:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock

    def _catalogue(self) -> Catalogue:
        with self.db.reading() as s:
            return catalogue.load(s)

    def calendar(self, actor: Actor, calendar: str, change: CalendarChange, *, ics_data: bytes | None = None,
                 past_days: int = PAST_DAYS) -> ChangePreview:
        """``change`` (from ``desk.sla.admin``'s builders) tried on ``calendar``; with
        ``ics_data`` the closures of that feed are the change, each listed with its fate."""
        require(actor, "sla.manage")
        base = self._catalogue()
        info = base.calendars.get(calendar)
        if info is None:
            raise NotFound(f"No calendar called {calendar!r} (calendars: {', '.join(sorted(base.calendars))}).")
        # Closures with their UIDs, which the catalogue's specs do not keep.
        with self.db.reading() as s:
            from desk.sla.versions import calendar_draft, calendar_row, latest_calendar_version

            latest = latest_calendar_version(s, calendar_row(s, calendar).id)
            if latest is None:
                raise NotFound(f"Calendar {calendar!r} has no version to change.")
            draft = calendar_draft(s, latest)
        before = copy.deepcopy(draft)
        lines: tuple[ClosureLine, ...] = ()
        if ics_data is not None:
            incoming = ics.read_closures(ics_data, draft.time_zone)
            statuses: list[str] = []
            merge_closures(draft, incoming, statuses)
            lines = tuple(ClosureLine(c.name, c.start, c.end, st) for c, st in zip(incoming, statuses))
        else:
            change(draft)
        changed = draft != before
        _, version, _, _ = info.latest
        spec = draft.spec(calendar, version + 1)
        now = self.clock()
        as_new_version = _with_calendar(base, info, (*info.versions, (to_epoch(now), version + 1, -1, spec)))
        moved, open_n = self._open_moves(base, as_new_version, now) if changed else (0, self._open_count())
        past = None
        if changed:
            for_all_time = _with_calendar(base, info, ((0, version + 1, -1, spec),))
            past = whatif.what_if(self.db, actor, for_all_time, now - dt.timedelta(days=past_days),
                                  now + dt.timedelta(seconds=1), now=now, base=base)
        return ChangePreview(calendar, changed, moved, open_n, past, past_days, lines)

    def targets(self, actor: Actor, sla: str, changes: list[whatif.TargetChange], *,
                past_days: int = PAST_DAYS) -> ChangePreview:
        """New targets for ``sla``: past outcomes that would flip. Open tickets keep the SLA
        version they were opened under, so none of their due times move."""
        require(actor, "sla.manage")
        base = self._catalogue()
        for ch in changes:
            # One at a time first, so a target that does not read is named with its
            # priority (``P3:response``), as SlaAdmin.set_targets names it.
            try:
                whatif.candidate_sla(base, sla, [ch])
            except InvalidInput as exc:
                if exc.field not in ("response", "resolution"):
                    raise
                raise InvalidInput(f"{ch.priority.upper()} {exc}", f"{ch.priority.upper()}:{exc.field}") from None
        candidate = whatif.candidate_sla(base, sla, changes)
        now = self.clock()
        past = whatif.what_if(self.db, actor, candidate, now - dt.timedelta(days=past_days),
                              now + dt.timedelta(seconds=1), now=now, base=base)
        return ChangePreview(sla, bool(changes), 0, self._open_count(), past, past_days)

    def _open_count(self) -> int:
        from sqlalchemy import func, select

        from db.models import Incident

        with self.db.reading() as s:
            return int(s.execute(select(func.count()).select_from(Incident)
                                 .where(Incident.status.in_(list(lifecycle.OPEN_STATUSES)))).scalar_one())

    def _open_moves(self, base: Catalogue, candidate: Catalogue, now: dt.datetime) -> tuple[int, int]:
        from desk.sla.backfill import OPEN_WHERE

        as_of = to_epoch(now)
        moved = total = 0
        with self.db.reading() as s:
            for h in history.stream(s.connection(), where=OPEN_WHERE):
                total += 1
                a, _ = evaluate(base, h, as_of)
                b, _ = evaluate(candidate, h, as_of)
                if _dues(a) != _dues(b):
                    moved += 1
        return moved, total


def _dues(r: object) -> tuple[int | None, int | None]:
    response = getattr(r, "response", None)
    resolution = getattr(r, "resolution", None)
    return (response.due if response is not None and response.done_at is None else None,
            resolution.due if resolution is not None and resolution.done_at is None else None)
