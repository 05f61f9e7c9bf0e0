"""desk calendar list | show | import-ics | close | reopen-closure | hours | period | history."""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from desk.cli.context import CliContext
from desk.cli.output import to_json
from desk.errors import InvalidInput
from desk.sla.calendar import format_weekly
from desk.sla.clock import from_epoch, to_epoch


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("calendar", help="business-hours calendars (working hours, holidays, closures)")
    s = p.add_subparsers(dest="calendar_command", required=True, metavar="ACTION")

    ls = s.add_parser("list", help="calendars and their current hours")
    ls.set_defaults(func=list_cmd)

    show = s.add_parser("show", help="working intervals of a calendar between two dates (local time)")
    show.add_argument("name", help="calendar name (service-desk, …)")
    show.add_argument("--from", dest="start", required=True, help="first date, YYYY-MM-DD")
    show.add_argument("--to", dest="end", required=True, help="last date (inclusive), YYYY-MM-DD")
    show.add_argument("--json", action="store_true", help="the intervals as JSON for scripts (times in UTC)")
    show.set_defaults(func=show_cmd)

    imp = s.add_parser("import-ics", help="import university closures from an iCalendar file")
    imp.add_argument("file", type=Path, help="the .ics file")
    imp.add_argument("--calendar", required=True, help="calendar that gets the closures")
    imp.add_argument("--effective", help="when the change takes effect (ISO time; default now)")
    imp.set_defaults(func=import_cmd)

    close = s.add_parser("close", help="add a closure (whole or part days, local wall-clock time)")
    close.add_argument("name", help="calendar name")
    close.add_argument("--title", required=True, help="e.g. 'Snow day'")
    close.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD or YYYY-MM-DDTHH:MM (local)")
    close.add_argument("--to", dest="end", required=True,
                       help="YYYY-MM-DD (last closed day, inclusive) or YYYY-MM-DDTHH:MM (end, local)")
    close.add_argument("--effective", help="when the change takes effect (ISO time; default now)")
    close.set_defaults(func=close_cmd)

    unclose = s.add_parser("remove-closure", help="remove a closure by its title")
    unclose.add_argument("name", help="calendar name")
    unclose.add_argument("--title", required=True, help="the closure's title")
    unclose.set_defaults(func=remove_closure_cmd)

    hours = s.add_parser("hours", help="set the regular weekly hours")
    hours.add_argument("name", help="calendar name")
    hours.add_argument("--set", dest="hours", required=True,
                       help="e.g. 'mon-fri 08:00-12:00,13:00-18:00; sat 10:00-14:00' or '24x7'")
    hours.add_argument("--effective", help="when the change takes effect (ISO time; default now)")
    hours.set_defaults(func=hours_cmd)

    period = s.add_parser("period", help="hours for a date range (summer hours, exam weeks)")
    period.add_argument("name", help="calendar name")
    period.add_argument("--title", required=True, help="e.g. 'Summer 2027'")
    period.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    period.add_argument("--to", dest="end", required=True, help="last day (inclusive), YYYY-MM-DD")
    period.add_argument("--hours", required=True, help="weekly hours in that range, or 'closed'")
    period.add_argument("--effective", help="when the change takes effect (ISO time; default now)")
    period.set_defaults(func=period_cmd)

    hist = s.add_parser("history", help="versions of a calendar")
    hist.add_argument("name", help="calendar name")
    hist.set_defaults(func=history_cmd)


def parse_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{field} {text!r} is not a date (YYYY-MM-DD).", field) from None


def parse_instant(text: str, field: str, zone: dt.tzinfo) -> dt.datetime:
    """An ISO time; without an offset it is read in ``zone`` (the calendar's)."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{field} {text!r} is not an ISO date-time (e.g. 2026-12-18T17:30).", field) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(dt.UTC)


def _effective(args: argparse.Namespace, zone: ZoneInfo) -> dt.datetime | None:
    return parse_instant(args.effective, "--effective", zone) if getattr(args, "effective", None) else None


def _zone(ctx: CliContext, name: str) -> ZoneInfo:
    cat = ctx.services.sla.catalogue()
    info = cat.calendars.get(name)
    if info is None:
        raise InvalidInput(f"No calendar called {name!r} (calendars: {', '.join(sorted(cat.calendars))}).",
                           "calendar")
    return info.latest[3].zone


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    cat = ctx.services.sla.catalogue()
    for name, info in sorted(cat.calendars.items()):
        _, version, _, spec = info.latest
        hol = f"{spec.holiday_country}-{spec.holiday_subdivision}" if spec.holiday_subdivision else (
            spec.holiday_country or "none")
        print(f"{name}  v{version}  {spec.time_zone}  {format_weekly(spec.hours)}  holidays: {hol}  "
              f"closures: {len(spec.closures)}  periods: {len(spec.periods)}  business day: "
              f"{spec.business_day_s / 3600:g} h")
    return 0


def show_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    cat = ctx.services.sla.catalogue()
    if args.name not in cat.calendars:
        raise InvalidInput(f"No calendar called {args.name!r} (calendars: {', '.join(sorted(cat.calendars))}).",
                           "calendar")
    start, end = parse_date(args.start, "--from"), parse_date(args.end, "--to")
    if end < start:
        raise InvalidInput("--to must not be before --from.", "to")
    if (end - start).days > 400:
        raise InvalidInput("Show at most 400 days at a time.", "to")
    clock = cat.clock(args.name)
    days: list[dict[str, Any]] = []
    day = start
    while day <= end:
        spec = clock.spec_at(to_epoch(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)))
        zone = spec.zone
        lo = to_epoch(dt.datetime.combine(day, dt.time(), tzinfo=zone))
        hi = to_epoch(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone))
        spans = clock.intervals_s(lo, hi)
        intervals = [(from_epoch(a).astimezone(zone), from_epoch(b).astimezone(zone)) for a, b in spans]
        notes = []
        hname = spec.holiday_name(day)
        if hname:
            notes.append(f"holiday: {hname}")
        for s_, e_, cname in spec.closures_on(day):
            notes.append(f"closure: {cname} {s_ // 3600:02d}:{s_ % 3600 // 60:02d}–"
                         f"{e_ // 3600:02d}:{e_ % 3600 // 60:02d}")
        _, period = spec.hours_on(day)
        if period:
            notes.append(f"period: {period}")
        worked = sum(b - a for a, b in spans)  # real seconds: a DST day can hold 23 or 25 h
        days.append({"date": day.isoformat(), "weekday": day.strftime("%a"), "calendar_version": spec.version,
                     "intervals": [[a.isoformat(), b.isoformat()] for a, b in intervals],
                     "business_seconds": worked, "notes": notes})
        day += dt.timedelta(days=1)
    if args.json:
        print(to_json({"calendar": args.name, "days": days}))
        return 0
    total = 0
    for d in days:
        shown = ", ".join(_span(a, b) for a, b in d["intervals"]) or "closed"
        total += d["business_seconds"]
        note = f"   [{'; '.join(d['notes'])}]" if d["notes"] else ""
        print(f"{d['weekday']} {d['date']}  {shown}  = {d['business_seconds'] / 3600:g} h{note}")
    print(f"Total: {total / 3600:g} business hours")
    return 0


def _span(start: str, end: str) -> str:
    """'08:00–18:00 (-04:00)'; across a daylight-saving change the two ends have different
    offsets, and each is shown with its own ('01:45 (-04:00)–01:15 (-05:00)' on a
    fall-back day), since the wall times alone would read backwards or too short."""
    a, b = start[11:16], "24:00" if end[11:16] == "00:00" else end[11:16]
    if start[19:] == end[19:]:
        return f"{a}–{b} ({start[19:]})"
    return f"{a} ({start[19:]})–{b} ({end[19:]})"


def import_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if not args.file.is_file():
        raise InvalidInput(f"No such file: {args.file}", "file")
    zone = _zone(ctx, args.calendar)
    r = ctx.services.sla_admin.import_ics(ctx.actor, args.calendar, args.file, effective_from=_effective(args, zone))
    print(f"{r.name} v{r.version} (effective {r.effective_from.isoformat()}): {r.summary}; "
          f"{r.open_tickets_remeasured} open tickets with new due times")
    return 0


def _closure_bound(text: str, field: str, *, end: bool) -> dt.datetime:
    t = text.strip()
    if "T" in t or " " in t:
        try:
            v = dt.datetime.fromisoformat(t)
        except ValueError:
            raise InvalidInput(f"{field} {text!r} is not YYYY-MM-DDTHH:MM.", field) from None
        if v.tzinfo is not None:
            raise InvalidInput(f"{field}: give the calendar's local time without an offset.", field)
        return v
    d = parse_date(t, field)
    return dt.datetime.combine(d + dt.timedelta(days=1) if end else d, dt.time())


def close_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    zone = _zone(ctx, args.name)
    start = _closure_bound(args.start, "--from", end=False)
    end = _closure_bound(args.end, "--to", end=True)
    r = ctx.services.sla_admin.add_closure(ctx.actor, args.name, args.title, start, end,
                                     effective_from=_effective(args, zone))
    print(f"{r.name} v{r.version}: {r.summary}; {r.open_tickets_remeasured} open tickets with new due times")
    return 0


def remove_closure_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    r = ctx.services.sla_admin.remove_closure(ctx.actor, args.name, args.title)
    print(f"{r.name} v{r.version}: {r.summary}; {r.open_tickets_remeasured} open tickets with new due times")
    return 0


def hours_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    zone = _zone(ctx, args.name)
    r = ctx.services.sla_admin.set_hours(ctx.actor, args.name, args.hours, effective_from=_effective(args, zone))
    print(f"{r.name} v{r.version} (effective {r.effective_from.isoformat()}): {r.summary}; "
          f"{r.open_tickets_remeasured} open tickets with new due times")
    return 0


def period_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    zone = _zone(ctx, args.name)
    r = ctx.services.sla_admin.set_period(ctx.actor, args.name, args.title, parse_date(args.start, "--from"),
                                    parse_date(args.end, "--to"), args.hours, effective_from=_effective(args, zone))
    print(f"{r.name} v{r.version}: {r.summary}; {r.open_tickets_remeasured} open tickets with new due times")
    return 0


def history_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    from sqlalchemy import select

    from db.models import CalendarVersion
    from desk.sla.versions import calendar_row

    with ctx.db.reading() as s:
        cal = calendar_row(s, args.name)
        rows = s.execute(select(CalendarVersion).where(CalendarVersion.calendar_id == cal.id)
                         .order_by(CalendarVersion.version)).scalars().all()
        for v in rows:
            print(f"v{v.version}  effective {v.effective_from.isoformat()}  {v.note}")
    return 0
