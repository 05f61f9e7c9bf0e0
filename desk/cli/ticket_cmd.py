"""desk ticket show | list | new."""
from __future__ import annotations

import argparse

from db.enums import Channel, Impact, IncidentStatus, Urgency
from desk.cli.context import CliContext
from desk.cli.output import print_ticket, ticket_json, to_json
from desk.errors import InvalidInput
from desk.incidents.read import list_incidents
from desk.incidents.service import NewIncident
from desk.rules import choices, labels


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("ticket", help="incidents")
    s = p.add_subparsers(dest="ticket_command", required=True, metavar="ACTION")

    show = s.add_parser("show", help="show one incident")
    show.add_argument("number")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=show_cmd)

    ls = s.add_parser("list", help="list incidents, newest change first")
    ls.add_argument("--status", action="append", choices=[x.value for x in IncidentStatus],
                    help="repeat for several")
    ls.add_argument("--team")
    ls.add_argument("--assignee", help="staff username")
    ls.add_argument("--search", help="full-text search")
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=list_cmd)

    new = s.add_parser("new", help="open an incident; prints its number")
    new.add_argument("--title", required=True)
    new.add_argument("--model", help="incident model (laptop-repair, password-reset, ...): its service, "
                     "category, impact, urgency and task checklist become the defaults")
    new.add_argument("--description", default="")
    new.add_argument("--caller", help="university ID")
    new.add_argument("--service")
    new.add_argument("--category")
    new.add_argument("--impact", choices=[x.value for x in choices.IMPACTS], help="default: low (or the model's)")
    new.add_argument("--urgency", choices=[x.value for x in choices.URGENCIES], help="default: medium (or the model's)")
    new.add_argument("--channel", choices=[x.value for x in choices.CHANNELS], help="default: phone (or the model's)")
    new.add_argument("--team")
    new.add_argument("--assignee")
    new.add_argument("--acting-status")
    new.add_argument("--acting-department")
    new.add_argument("--json", action="store_true")
    new.set_defaults(func=new_cmd)


def show_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    v = ctx.services.incidents.get(args.number)
    if args.json:
        print(to_json(ticket_json(v)))
    else:
        print_ticket(v, ctx.services.site)
    return 0


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.limit < 1:
        raise InvalidInput("--limit must be at least 1.", "limit")
    ctx.require_staff()
    with ctx.db.reading() as s:
        rows = list_incidents(s, statuses=args.status, team=args.team, assignee=args.assignee,
                              search=args.search, limit=args.limit)
    if args.json:
        print(to_json([ticket_json(v) for v in rows]))
        return 0
    for v in rows:
        print(f"{v.number}  {v.priority}  {labels.status(v.status):<18} {(v.team or '—')[:18]:<18} {v.title}")
    return 0


def new_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.model:

        v = ctx.services.incident_models.open(
            ctx.actor, args.model, title=args.title, caller=args.caller,
            description=args.description or None, service=args.service, category=args.category,
            impact=args.impact, urgency=args.urgency, channel=args.channel, team=args.team,
            assignee=args.assignee, acting_status=args.acting_status,
            acting_department=args.acting_department,
        )
    else:
        v = ctx.services.incidents.open(ctx.actor, NewIncident(
            title=args.title, description=args.description, caller_university_id=args.caller,
            service=args.service, category=args.category, impact=args.impact or Impact.LOW.value,
            urgency=args.urgency or Urgency.MEDIUM.value, channel=args.channel or Channel.PHONE.value,
            team=args.team, assignee=args.assignee,
            acting_status=args.acting_status, acting_department=args.acting_department,
        ))
    print(to_json(ticket_json(v)) if args.json else v.number)
    return 0
