"""desk sla due | between | show | list | set-target | what-if | recompute | sweep | auto-close."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from desk.cli.calendar_cmd import _zone, parse_date, parse_instant
from desk.cli.context import CliContext
from desk.cli.output import local_time, to_json
from desk.errors import InvalidInput
from desk.rules import labels
from desk.sla.durations import format_duration, parse_duration
from desk.sla.service import TargetSla


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("sla", help="service level targets: due dates, ticket SLA, what-if, auto-close")
    s = p.add_subparsers(dest="sla_command", required=True, metavar="ACTION")

    due = s.add_parser("due", help="when a target falls due: START plus business time on a calendar")
    due.add_argument("--calendar", required=True, help="calendar name (service-desk, …)")
    due.add_argument("--start", required=True, help="ISO time; without an offset, the calendar's local time")
    amount = due.add_mutually_exclusive_group(required=True)
    amount.add_argument("--hours", type=float, help="business hours")
    amount.add_argument("--duration", help="e.g. 15m, 4h, 1h30m, 3bd (business days)")
    due.add_argument("--json", action="store_true", help="the result as JSON for scripts (times in UTC)")
    due.set_defaults(func=due_cmd)

    btw = s.add_parser("between", help="business time between two instants on a calendar")
    btw.add_argument("--calendar", required=True, help="calendar name (service-desk, …)")
    btw.add_argument("--start", required=True, help="first instant (ISO time; local to the calendar unless it has an offset)")
    btw.add_argument("--end", required=True, help="last instant (same form)")
    btw.set_defaults(func=between_cmd)

    show = s.add_parser("show", help="a ticket's SLA: targets, due, used, state, pauses, breaches")
    show.add_argument("number", help="incident number")
    show.add_argument("--as-of", help="ISO time (default now): the SLA as it stood then")
    show.add_argument("--json", action="store_true", help="the SLA as JSON for scripts (times in UTC)")
    show.set_defaults(func=show_cmd)

    ls = s.add_parser("list", help="SLAs and their current targets")
    ls.set_defaults(func=list_cmd)

    st = s.add_parser("set-target", help="change a priority's targets (adds an SLA version)")
    st.add_argument("sla", help="SLA name")
    st.add_argument("priority", help="P1 … P5")
    st.add_argument("--response", help="e.g. 30m, 4h, 1bd")
    st.add_argument("--resolution", help="e.g. 8h, 3bd")
    st.add_argument("--calendar", help="calendar for this priority (default: unchanged)")
    st.add_argument("--at-risk", type=int, help="at-risk share in percent for the whole SLA")
    st.add_argument("--effective", help="ISO time the change takes effect (default now; never earlier)")
    st.set_defaults(func=set_target_cmd)

    cr = s.add_parser("create", help="a new SLA, starting as a copy of another's targets (supervisors)")
    cr.add_argument("name", help="the new SLA's name")
    cr.add_argument("--copy-from", required=True, help="the SLA whose current targets it starts with")
    cr.add_argument("--calendar", help="its calendar (default: the copied SLA's)")
    cr.add_argument("--description", default="", help="what it is for")
    cr.set_defaults(func=create_cmd)

    asg = s.add_parser("assign", help="measure a service's new tickets against an SLA (supervisors)")
    asg.add_argument("service", help="service name")
    asg.add_argument("sla", help="SLA name")
    asg.set_defaults(func=assign_cmd)

    ver = s.add_parser("versions", help="the versions of an SLA, oldest first")
    ver.add_argument("name", help="SLA name")
    ver.set_defaults(func=versions_cmd)

    wi = s.add_parser("what-if", help="how many past tickets would change met/breached outcome under a change "
                                      "(supervisors)")
    wi.add_argument("--calendar", help="calendar to change")
    wi.add_argument("--ics", type=Path, help="closures to add (iCalendar file)")
    wi.add_argument("--hours", help="other weekly hours, e.g. 'mon-fri 08:00-17:00'")
    wi.add_argument("--sla", help="SLA to change")
    wi.add_argument("--target", action="append", default=[],
                    help="P3:response=2h or P3:resolution=2bd (repeatable); needs --sla")
    wi.add_argument("--from", dest="start", required=True, help="tickets opened from this date (YYYY-MM-DD)")
    wi.add_argument("--to", dest="end", required=True, help="… up to and including this date")
    wi.add_argument("--json", action="store_true", help="the comparison as JSON for scripts (times in UTC)")
    wi.set_defaults(func=what_if_cmd)

    rc = s.add_parser("recompute", help="recompute the stored SLA columns of every ticket (supervisors)")
    rc.set_defaults(func=recompute_cmd)

    sw = s.add_parser("sweep", help="record breaches that happened since the tickets' last events, and the "
                                    "SLA alerts with their notifications (cron, as a supervisor)")
    sw.set_defaults(func=sweep_cmd)

    ac = s.add_parser("auto-close", help="close resolved tickets after the auto-close period "
                                         "(cron, as a supervisor)")
    ac.add_argument("--dry-run", action="store_true", help="only list what would be closed")
    ac.set_defaults(func=auto_close_cmd)


def _local(t: dt.datetime | None, zone: dt.tzinfo) -> str:
    return t.astimezone(zone).strftime("%a %Y-%m-%d %H:%M:%S %Z") if t else "—"


def due_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    svc = ctx.services.sla
    cat = svc.catalogue()
    zone = _zone(ctx, args.calendar)
    start = parse_instant(args.start, "--start", zone)
    clock = cat.clock(args.calendar)
    if args.hours is not None:
        if args.hours < 0:
            raise InvalidInput("--hours must not be negative.", "hours")
        seconds = round(args.hours * 3600)
    else:
        seconds = parse_duration(args.duration, clock.spec_at(int(start.timestamp())).business_day_s, "duration")
    due = clock.add(start, seconds)
    if args.json:
        print(to_json({"calendar": args.calendar, "start": start, "business_seconds": seconds, "due": due,
                       "due_local": due.astimezone(zone).isoformat()}))
        return 0
    print(f"Start:  {_local(start, zone)}  ({start.isoformat()})")
    print(f"Add:    {format_duration(seconds)} of business time on {args.calendar}")
    print(f"Due:    {_local(due, zone)}  ({due.isoformat()})")
    return 0


def between_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    cat = ctx.services.sla.catalogue()
    zone = _zone(ctx, args.calendar)
    a, b = parse_instant(args.start, "--start", zone), parse_instant(args.end, "--end", zone)
    seconds = cat.clock(args.calendar).between(a, b)
    print(f"{format_duration(seconds)} of business time ({seconds} s) on {args.calendar}")
    return 0


def _target_line(t: TargetSla, zone: dt.tzinfo, per_day: int | None = None) -> str:
    if t.target_s is None:
        return f"{t.kind:<10}  no target"
    return (f"{t.kind:<10}  target {format_duration(t.target_s, per_day):>7}  "
            f"used {format_duration(t.business_seconds_used):>8}"
            f"  due {_local(t.due_at, zone)}  state {labels.sla_state(t.state)}"
            + (f"  at risk from {_local(t.at_risk_at, zone)}" if t.at_risk_at else "")
            + (f"  BREACHED {_local(t.breached_at, zone)}" if t.breached_at else "")
            + (f"  done {_local(t.done_at, zone)}" if t.done_at else ""))


def show_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    svc = ctx.services.sla
    zone: dt.tzinfo = ctx.services.site.zone
    cat = svc.catalogue()
    as_of = parse_instant(args.as_of, "--as-of", zone) if args.as_of else dt.datetime.now(dt.UTC)
    r = svc.incident_sla(args.number, as_of)
    if args.json:
        from dataclasses import asdict

        print(to_json(asdict(r)))
        return 0
    if r.calendar_name and r.calendar_name in cat.calendars:
        zone = cat.calendars[r.calendar_name].latest[3].zone
    print(f"{r.number}  {r.priority}  as of {_local(r.as_of, zone)}")
    if r.sla_name is None:
        print("No SLA applies (no service, or the service has no SLA).")
        return 0
    print(f"SLA {r.sla_name} v{r.sla_version}, calendar {r.calendar_name} v{r.calendar_version}, "
          f"at risk from {r.at_risk_percent} %")
    per_day = cat.calendars[r.calendar_name].latest[3].business_day_s if r.calendar_name in cat.calendars else None
    print(_target_line(r.response, zone, per_day))
    print(_target_line(r.resolution, zone, per_day))
    for p in r.pauses:
        print(f"paused      {_local(p.start, zone)} → {_local(p.end, zone) if p.end else 'still paused'}  ({p.status})")
    for b in r.breaches:
        print(f"breach      {b.target} at {_local(b.at, zone)} (target of {b.priority})")
    return 0


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    cat = ctx.services.sla.catalogue()
    site = ctx.services.site
    for name, versions in sorted(cat.slas.items()):
        p = versions[-1]
        effective = local_time(dt.datetime.fromtimestamp(p.effective_from, dt.UTC), site)
        print(f"{name} v{p.version} (effective {effective}"
              f"), calendar {p.calendar}, at risk from {p.at_risk_percent} %, auto-close after "
              f"{p.auto_close_business_days} business days")
        for prio, t in sorted(p.targets.items()):
            per_day = cat.calendars[t.calendar].latest[3].business_day_s if t.calendar in cat.calendars else None
            print(f"  {prio}  response {format_duration(t.response_s, per_day):>6}  resolution "
                  f"{format_duration(t.resolution_s, per_day):>6}  on {t.calendar}")
    return 0


def set_target_cmd(args: argparse.Namespace, ctx: CliContext) -> int:

    if not (args.response or args.resolution or args.calendar or args.at_risk is not None):
        raise InvalidInput("Give --response, --resolution, --calendar or --at-risk.")
    eff = parse_instant(args.effective, "--effective", dt.UTC) if args.effective else None
    r = ctx.services.sla_admin.set_target(ctx.actor, args.sla, args.priority, response=args.response,
                                    resolution=args.resolution, calendar=args.calendar,
                                    at_risk_percent=args.at_risk, effective_from=eff)
    print(f"{r.name} v{r.version} (tickets opened from {local_time(r.effective_from, ctx.services.site)}): "
          f"{r.summary}")
    return 0


def create_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    r = ctx.services.sla_admin.create_sla(ctx.actor, args.name, copy_from=args.copy_from, calendar=args.calendar,
                                          description=args.description)
    print(f"{r.name} v{r.version}: {r.summary}. Change its targets with: desk sla set-target {r.name} P3 …; "
          f"give it to a service with: desk sla assign SERVICE {r.name}")
    return 0


def assign_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    r = ctx.services.service_catalogue.assign_sla(ctx.actor, args.service, args.sla)
    print(f"{r.name}: SLA {r.sla} for tickets opened from now on"
          + (f"; its {r.open_tickets} open tickets keep the SLA they were opened under" if r.open_tickets else ""))
    return 0


def versions_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    site = ctx.services.site
    for v in ctx.services.sla_admin.versions("sla", args.name):
        since = "from the start" if v.from_the_start else f"from {local_time(v.effective_from, site)}"
        print(f"v{v.version}  {since}  by {v.created_by or 'Desk'}  {v.note}")
    return 0


def what_if_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    from desk.sla import whatif

    cat = ctx.services.sla.catalogue()
    candidate = cat
    changes = []
    if args.calendar:
        if not (args.ics or args.hours):
            raise InvalidInput("With --calendar give --ics FILE and/or --hours SPEC.", "calendar")
        data = None
        if args.ics:
            if not args.ics.is_file():
                raise InvalidInput(f"No such file: {args.ics}", "ics")
            data = args.ics.read_bytes()
        candidate = whatif.candidate_calendar(candidate, args.calendar, ics=data, hours=args.hours)
        changes.append(f"calendar {args.calendar}" + (f" + closures from {args.ics.name}" if args.ics else "")
                       + (f" with hours '{args.hours}'" if args.hours else ""))
    if args.target:
        if not args.sla:
            raise InvalidInput("--target needs --sla NAME.", "sla")
        parsed = []
        for spec in args.target:
            try:
                prio, rest = spec.split(":", 1)
                key, value = rest.split("=", 1)
            except ValueError:
                raise InvalidInput(f"--target {spec!r} is not like P3:resolution=2bd.", "target") from None
            if key not in ("response", "resolution"):
                raise InvalidInput(f"--target {spec!r}: say response= or resolution=.", "target")
            parsed.append(whatif.TargetChange(prio.strip(), **{key: value.strip()}))
        candidate = whatif.candidate_sla(candidate, args.sla, parsed)
        changes.append(f"SLA {args.sla} targets {', '.join(args.target)}")
    if candidate is cat:
        raise InvalidInput("Nothing to try: give --calendar with --ics/--hours, or --sla with --target.")
    zone = _zone(ctx, args.calendar) if args.calendar else ctx.services.site.zone
    start = dt.datetime.combine(parse_date(args.start, "--from"), dt.time(), tzinfo=zone)
    end = dt.datetime.combine(parse_date(args.end, "--to") + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    r = whatif.what_if(ctx.db, ctx.actor, candidate, start, end, now=dt.datetime.now(dt.UTC), base=cat)
    if args.json:
        from dataclasses import asdict

        print(to_json({**asdict(r), "changed": r.changed, "change": changes}))
        return 0
    print(f"What if: {'; '.join(changes)}")
    print(f"Tickets opened {args.start} … {args.end}: {r.tickets:,} ({r.measured:,} with an SLA outcome)")
    print(f"  response:   {r.response_now_missed:,} met → missed, {r.response_now_met:,} missed → met")
    print(f"  resolution: {r.resolution_now_missed:,} met → missed, {r.resolution_now_met:,} missed → met")
    print(f"  {r.changed:,} outcomes would change")
    for number, kind, a, b in r.examples:
        print(f"    {number}  {kind}: {a} → {b}")
    return 0


def recompute_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    from desk.sla import jobs

    n = jobs.recompute(ctx.db, ctx.actor, lambda m: print(m, file=sys.stderr))
    print(f"{labels.count(n, 'ticket')} had their SLA columns updated")
    return 0


def sweep_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    from desk.sla import jobs

    print(f"{labels.count(jobs.sweep(ctx.db, ctx.actor), 'ticket')} had a breach recorded")
    # The SLA alerts too, each with the instant it happened (not this sweep's), for the
    # hours no workstation was open to record them.
    r = ctx.services.escalation.run(ctx.actor, holder="desk sla sweep")
    print(f"{labels.count(r.recorded, 'SLA alert')} recorded, {labels.count(r.notified, 'notification')} written")
    return 0


def auto_close_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    from desk.incidents.autoclose import auto_close

    done = auto_close(ctx.db, ctx.services.incidents, ctx.actor, dry_run=args.dry_run)
    verb = "would close" if args.dry_run else "closed"
    site = ctx.services.site
    for item in done:
        print(f"{item.number}  resolved {local_time(item.resolved_at, site)}  "
              f"auto-close due {local_time(item.close_due_at, site)}")
    print(f"{verb} {labels.count(len(done), 'resolved ticket')}")
    return 0
