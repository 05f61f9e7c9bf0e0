"""desk service list | add | set | retire: the service catalogue (supervisors change it)."""
from __future__ import annotations

import argparse
from dataclasses import asdict

from desk.cli.context import CliContext
from desk.cli.output import to_json
from desk.errors import InvalidInput
from desk.sla.service_setup import ServiceInfo


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("service", help="the service catalogue: services, their SLA and default team")
    s = p.add_subparsers(dest="service_command", required=True, metavar="ACTION")

    ls = s.add_parser("list", help="services with their SLA, default team and open tickets")
    ls.add_argument("--active", action="store_true", help="leave retired services out")
    ls.add_argument("--json", action="store_true", help="the services as JSON for scripts")
    ls.set_defaults(func=list_cmd)

    add = s.add_parser("add", help="add a service (supervisors)")
    add.add_argument("name", help="the service's name, as tickets show it")
    add.add_argument("--description", default="", help="what the service is, for staff choosing it")
    add.add_argument("--sla", default="standard", help="the SLA its tickets are measured against (default: standard)")
    add.add_argument("--team", help="the team new tickets on it go to")
    add.add_argument("--categories", help="its categories, comma-separated (new ones are created)")
    add.set_defaults(func=add_cmd)

    st = s.add_parser("set", help="rename, describe, change SLA or default team (supervisors)")
    st.add_argument("name", help="the service's current name")
    st.add_argument("--rename", help="its new name")
    st.add_argument("--description", help="a new description ('' clears it)")
    st.add_argument("--sla", help="another SLA (for tickets opened from now on)")
    st.add_argument("--team", help="another default team ('' for none)")
    st.add_argument("--categories", help="its whole list of categories, comma-separated ('' for none)")
    st.add_argument("--active", action="store_true", help="bring a retired service back")
    st.set_defaults(func=set_cmd)

    rt = s.add_parser("retire", help="stop offering a service for new tickets; nothing is deleted (supervisors)")
    rt.add_argument("name", help="the service's name")
    rt.add_argument("--reason", help="why, for the audit log")
    rt.set_defaults(func=retire_cmd)


def _categories(text: str | None) -> list[str] | None:
    return None if text is None else [c for c in text.split(",") if c.strip()]


def _line(i: ServiceInfo) -> str:
    state = "" if i.active else "  (retired)"
    return (f"{i.name:<28} SLA {i.sla or '—':<14} team {i.team or '—':<22} "
            f"{i.open_tickets:>5} open{state}" + (f"  categories: {', '.join(i.categories)}" if i.categories else ""))


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    rows = ctx.services.service_catalogue.services(include_retired=not args.active)
    if args.json:
        print(to_json([asdict(r) for r in rows]))
        return 0
    for r in rows:
        print(_line(r))
    return 0


def add_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    r = ctx.services.service_catalogue.add(ctx.actor, args.name, description=args.description, sla=args.sla,
                                           team=args.team, categories=_categories(args.categories))
    print(f"Added: {_line(r)}")
    return 0


def set_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if all(v is None for v in (args.rename, args.description, args.sla, args.team, args.categories)) \
            and not args.active:
        raise InvalidInput("Give --rename, --description, --sla, --team, --categories or --active.")
    svc = ctx.services.service_catalogue
    r = svc.update(ctx.actor, args.name, new_name=args.rename, description=args.description, sla=args.sla,
                   team=args.team, categories=_categories(args.categories))
    if args.active:
        r = svc.set_active(ctx.actor, r.name, True)
    print(_line(r))
    return 0


def retire_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    r = ctx.services.service_catalogue.retire(ctx.actor, args.name, reason=args.reason)
    print(f"Retired: {_line(r)}" + (f"; its {r.open_tickets} open tickets stay as they are" if r.open_tickets else ""))
    return 0
