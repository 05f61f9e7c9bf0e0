"""desk ticket show | list | new | update | assign | comment | transition | resolve | reopen."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from db.enums import Channel, Impact, IncidentStatus, Urgency
from desk.cli.args import STATUS_HELP, code_choice, enum_choice, listing, status_choice
from desk.cli.context import CliContext
from desk.cli.output import print_ticket, repair_json, ticket_json, to_json
from desk.common.records import IncidentView
from desk.errors import InvalidInput, NotFound
from desk.incidents.read import list_incidents
from desk.incidents.service import NewIncident
from desk.rules import choices, labels

IMPACT_HELP = listing(x.value for x in choices.IMPACTS)
URGENCY_HELP = listing(x.value for x in choices.URGENCIES)
CHANNEL_HELP = listing(x.value for x in choices.CHANNELS)
CODE_HELP = listing(choices.RESOLUTION_CODES)
impact_choice = enum_choice(Impact, labels.IMPACT)
urgency_choice = enum_choice(Urgency, labels.URGENCY)
channel_choice = enum_choice(Channel, labels.CHANNEL)
resolution_choice = code_choice(choices.RESOLUTION_CODES, labels.RESOLUTION_CODE)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("ticket", help="incidents")
    s = p.add_subparsers(dest="ticket_command", required=True, metavar="ACTION")

    show = s.add_parser("show", help="show one incident")
    show.add_argument("number", help="incident number (INC-000042, inc-42 or 42)")
    show.add_argument("--json", action="store_true",
                      help="the stored values as JSON (times in UTC), with the repair and device if any")
    show.set_defaults(func=show_cmd)

    ls = s.add_parser("list", help="list incidents, newest change first")
    ls.add_argument("--status", action="append", type=status_choice, metavar="STATUS",
                    help=f"only this status, repeat for several: {STATUS_HELP}")
    ls.add_argument("--team", help="only this team's tickets")
    ls.add_argument("--assignee", help="staff username")
    ls.add_argument("--search", help="full-text search")
    ls.add_argument("--limit", type=int, default=50, help="at most this many (default: 50)")
    ls.add_argument("--json", action="store_true", help="the stored values as JSON (times in UTC)")
    ls.set_defaults(func=list_cmd)

    new = s.add_parser("new", help="open an incident; prints its number")
    new.add_argument("--title", required=True, help="one line saying what is wrong")
    new.add_argument("--model", help="incident model (laptop-repair, password-reset, ...): its service, "
                     "category, impact, urgency and task checklist become the defaults")
    new.add_argument("--description", default="", help="the longer story")
    new.add_argument("--caller", help="university ID")
    new.add_argument("--service", help="service from the catalogue")
    new.add_argument("--category", help="category (created if new)")
    new.add_argument("--impact", type=impact_choice, metavar="IMPACT",
                     help=f"{IMPACT_HELP}; default: low (or the model's)")
    new.add_argument("--urgency", type=urgency_choice, metavar="URGENCY",
                     help=f"{URGENCY_HELP}; default: medium (or the model's)")
    new.add_argument("--channel", type=channel_choice, metavar="CHANNEL",
                     help=f"{CHANNEL_HELP}; default: phone (or the model's)")
    new.add_argument("--team", help="assignment group")
    new.add_argument("--assignee", help="staff username")
    new.add_argument("--acting-status", help="the caller acts as: student, staff, faculty, …")
    new.add_argument("--acting-department", help="the department the caller acts for")
    new.add_argument("--json", action="store_true", help="print the new ticket as JSON instead of its number")
    new.set_defaults(func=new_cmd)

    up = s.add_parser("update", help="change a ticket's fields")
    up.add_argument("number", help="incident number")
    up.add_argument("--title", help="new title")
    up.add_argument("--impact", type=impact_choice, metavar="IMPACT", help=IMPACT_HELP)
    up.add_argument("--urgency", type=urgency_choice, metavar="URGENCY", help=URGENCY_HELP)
    up.add_argument("--service", help="service from the catalogue; \"\" clears it")
    up.add_argument("--category", help="category (created if new); \"\" clears it")
    up.add_argument("--json", action="store_true", help="print the ticket as JSON afterwards")
    up.set_defaults(func=update_cmd)

    asg = s.add_parser("assign", help="give a ticket to a team and/or a person")
    asg.add_argument("number", help="incident number")
    asg.add_argument("--team", help="assignment group (alone: the team, nobody in person)")
    who = asg.add_mutually_exclusive_group()
    who.add_argument("--to", metavar="USERNAME", help="staff username")
    who.add_argument("--me", action="store_true", help="take it yourself")
    asg.add_argument("--json", action="store_true", help="print the ticket as JSON afterwards")
    asg.set_defaults(func=assign_cmd)

    com = s.add_parser("comment", help="add a comment (public) or a work note (--internal)")
    com.add_argument("number", help="incident number")
    com.add_argument("text", nargs="?", help="the comment; - reads it from standard input")
    com.add_argument("--canned", type=int, metavar="ID",
                     help="a canned reply (desk reply list), filled from this ticket; TEXT, if given, follows it")
    com.add_argument("--internal", action="store_true", help="a work note the caller never sees")
    com.add_argument("--json", action="store_true", help="print the ticket as JSON afterwards")
    com.set_defaults(func=comment_cmd)

    tr = s.add_parser("transition", help="move a ticket to another status")
    tr.add_argument("number", help="incident number")
    tr.add_argument("status", type=status_choice, metavar="STATUS", help=STATUS_HELP)
    tr.add_argument("--reason", help="why (required to cancel or to reopen)")
    tr.add_argument("--json", action="store_true", help="print the ticket as JSON afterwards")
    tr.set_defaults(func=transition_cmd)

    res = s.add_parser("resolve", help="resolve a ticket with a resolution code and note")
    res.add_argument("number", help="incident number")
    res.add_argument("--code", required=True, type=resolution_choice, metavar="CODE", help=CODE_HELP)
    res.add_argument("--note", required=True, help="what was done (the caller reads it)")
    res.add_argument("--json", action="store_true", help="print the ticket as JSON afterwards")
    res.set_defaults(func=resolve_cmd)

    ro = s.add_parser("reopen", help="reopen a resolved ticket (back to In progress)")
    ro.add_argument("number", help="incident number")
    ro.add_argument("--reason", required=True, help="why it is not solved after all")
    ro.add_argument("--json", action="store_true", help="print the ticket as JSON afterwards")
    ro.set_defaults(func=reopen_cmd)


def show_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    v = ctx.services.incidents.get(args.number)
    if args.json:
        d = ticket_json(v)
        try:
            repair = ctx.services.counter.intake.repair(v.number)
        except NotFound:  # not a counter repair: most tickets
            d["repair"], d["device"] = None, None
        else:
            d["repair"] = repair_json(repair)
            d["device"] = d["repair"].pop("device")
        print(to_json(d))
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


# What `ticket update` can change, and how each option names it for the service.
_UPDATABLE = ("title", "impact", "urgency", "service", "category")
# Fields whose change a person reads in the one-line summary after a write.
_SHOWN = ("title", "impact", "urgency", "priority", "service", "category", "status", "team", "assignee",
          "resolution_code")


def _done(args: argparse.Namespace, before: IncidentView, after: IncidentView) -> int:
    """What changed, in words ("INC-000001: Impact Low → High, Priority P4 Low → P3 Medium"),
    or the ticket as JSON with --json."""
    if args.json:
        print(to_json(ticket_json(after)))
        return 0
    changes = []
    for f in _SHOWN:
        old, new = getattr(before, f), getattr(after, f)
        if old != new:
            changes.append(f"{labels.field(f)} {labels.value(f, old)} → {labels.value(f, new)}")
    print(f"{after.number}: {', '.join(changes) if changes else 'nothing changed'}")
    return 0


def update_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    changes: dict[str, Any] = {f: getattr(args, f) for f in _UPDATABLE if getattr(args, f) is not None}
    if not changes:
        raise InvalidInput("Nothing to change: give at least one of --title, --impact, --urgency, "
                           "--service, --category.")
    actor = ctx.require_staff()
    before = ctx.services.incidents.get(args.number)
    after = ctx.services.incidents.update(actor, before.number, before.version, changes)
    return _done(args, before, after)


def assign_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if not (args.team or args.to or args.me):
        raise InvalidInput("Say who: --team TEAM, --to USERNAME or --me (or a team and a person).")
    actor = ctx.require_staff()
    before = ctx.services.incidents.get(args.number)
    person = actor.username if args.me else args.to
    after = ctx.services.incidents.assign(actor, before.number, team=args.team, assignee=person,
                                          base_version=before.version)
    return _done(args, before, after)


def comment_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    text = sys.stdin.read() if args.text == "-" else (args.text or "")
    actor = ctx.require_staff()
    if args.canned is not None:
        canned = ctx.services.replies.fill(actor, args.canned, args.number)
        text = canned + (f"\n\n{text}" if text.strip() else "")
    elif not text.strip():
        raise InvalidInput("Give the comment's text (or - to read it, or --canned ID).", "text")
    v = ctx.services.incidents.comment(actor, args.number, text, internal=args.internal)
    if args.json:
        print(to_json(ticket_json(v)))
    else:
        print(f"{v.number}: {'work note' if args.internal else 'comment'} added")
    return 0


def transition_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.status == IncidentStatus.RESOLVED.value:
        raise InvalidInput("Resolving needs a code and a note: desk ticket resolve NUMBER --code CODE --note TEXT.",
                           "status")
    actor = ctx.require_staff()
    before = ctx.services.incidents.get(args.number)
    after = ctx.services.incidents.transition(actor, before.number, args.status, reason=args.reason,
                                              base_version=before.version)
    return _done(args, before, after)


def resolve_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    before = ctx.services.incidents.get(args.number)
    after = ctx.services.incidents.transition(actor, before.number, IncidentStatus.RESOLVED,
                                              resolution_code=args.code, resolution_note=args.note,
                                              base_version=before.version)
    return _done(args, before, after)


def reopen_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    before = ctx.services.incidents.get(args.number)
    if before.status != IncidentStatus.RESOLVED.value:
        # In progress also follows New or Pending: "reopen" would quietly start work instead.
        raise InvalidInput(f"{before.number} is {labels.status(before.status)}; only a resolved ticket can be "
                           "reopened.", "status")
    after = ctx.services.incidents.transition(actor, before.number, IncidentStatus.IN_PROGRESS,
                                              reason=args.reason, base_version=before.version)
    return _done(args, before, after)
