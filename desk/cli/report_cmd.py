"""desk report sla: the SLA compliance report as PDF and/or CSV, for people and cron."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from db.enums import Channel, Priority
from desk.cli.context import CliContext
from desk.clock import utc_now
from desk.common.site import Site
from desk.errors import InvalidInput
from desk.reports.params import (
    GroupBy,
    Preset,
    ReportParams,
    parse_date,
    preset_period,
    zone_named,
)
from desk.rules import choices


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("report", help="reports (supervisors)")
    s = p.add_subparsers(dest="report_command", required=True, metavar="REPORT")
    sla = s.add_parser(
        "sla", help="SLA compliance report (PDF and/or CSV)",
        description="SLA compliance over a period: summary, compliance by group with targets, "
                    "weekly trend, backlog ageing and every breach. Dates are days in the desk "
                    "time zone, both included.")
    sla.add_argument("--from", dest="date_from", metavar="DATE", help="first day (YYYY-MM-DD)")
    sla.add_argument("--to", dest="date_to", metavar="DATE", help="last day (YYYY-MM-DD), included")
    sla.add_argument("--period", choices=[x.value for x in Preset],
                     help="instead of --from/--to: the last full week, month or academic term")
    sla.add_argument("--service", action="append", default=[], metavar="NAME", help="repeat for several")
    sla.add_argument("--team", action="append", default=[], metavar="NAME", help="repeat for several")
    sla.add_argument("--priority", action="append", default=[], choices=[x.value for x in Priority], help="only this priority (repeatable)")
    sla.add_argument("--channel", action="append", default=[], choices=[x.value for x in Channel], help="only this channel (repeatable)")
    sla.add_argument("--group-by", default=GroupBy.SERVICE_PRIORITY.value, choices=[x.value for x in GroupBy], help="rows per (default: service-priority)")
    sla.add_argument("--tz", help="time zone of the dates (default: the desk's, its calendar's)")
    sla.add_argument("--out", type=Path, metavar="FILE.pdf", help="write the PDF here")
    sla.add_argument("--csv", type=Path, metavar="DIR|FILE.zip",
                     help="also write the tables as CSV files into DIR (or into one .zip)")
    # SUPPRESS: without it this default would overwrite a global 'desk --quiet report sla'.
    sla.add_argument("--quiet", action="store_true", default=argparse.SUPPRESS,
                     help="print nothing on success (for cron)")
    sla.set_defaults(func=sla_cmd)


def params_from_args(args: argparse.Namespace, site: Site) -> ReportParams:
    if args.period and (args.date_from or args.date_to):
        raise InvalidInput("Give either --period or --from/--to, not both.", "period")
    if args.period:
        zone = zone_named(args.tz) if args.tz else site.zone
        today = utc_now().astimezone(zone).date()
        first, last, label = preset_period(args.period, today)
    elif args.date_from and args.date_to:
        first, last, label = parse_date(args.date_from, "--from"), parse_date(args.date_to, "--to"), None
    else:
        raise InvalidInput("Say which period: --from DATE --to DATE, or --period "
                           f"{'|'.join(x.value for x in Preset)}.", "period")
    return ReportParams(
        first, last, services=tuple(args.service), teams=tuple(args.team),
        priorities=tuple(Priority(p) for p in args.priority),
        channels=tuple(Channel(c) for c in args.channel),
        group_by=choices.parse(GroupBy, args.group_by, "group-by"),
        tz=args.tz, label=label,
    )


def sla_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    from desk.reports.csv_export import write_csv
    from desk.reports.sla_pdf import build_sla_report

    if args.out is None and args.csv is None:
        raise InvalidInput("Say where to write the report: --out FILE.pdf and/or --csv DIR.", "out")
    if args.out is not None and args.out.suffix.lower() != ".pdf":
        raise InvalidInput(f"--out {args.out} should end in .pdf.", "out")
    params = params_from_args(args, ctx.services.site)
    reports = ctx.services.reports
    report = reports.sla_report(ctx.actor, params)
    said: list[str] = []
    if args.out is not None:
        pages = build_sla_report(report, args.out)
        said.append(f"{args.out} ({pages} pages, {len(report.breaches):,} breaches)")
    if args.csv is not None:
        files = write_csv(report, args.csv)
        said.append(str(args.csv) if len(files) == 1 else f"{len(files)} CSV files in {args.csv}")
    if not args.quiet:
        c = report.summary.counts
        print(f"SLA report {params.date_from} to {params.date_to}: {c.opened:,} opened, "
              f"response met {_pct(c.response_pct)}, resolution met {_pct(c.resolution_pct)}. "
              f"Wrote {' and '.join(said)}.", file=sys.stdout)
    return 0


def _pct(p: float | None) -> str:
    return "—" if p is None else f"{p:.1f} %"
