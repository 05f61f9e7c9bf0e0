"""desk problem list | show | new | link | unlink | transition."""
from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from db.enums import ProblemStatus
from desk.cli.args import enum_choice, listing
from desk.cli.context import CliContext
from desk.cli.output import local_time, to_json
from desk.common.records import ProblemView
from desk.errors import InvalidInput
from desk.problems.listing import ProblemQuery
from desk.rules import labels

problem_status_choice = enum_choice(ProblemStatus, labels.PROBLEM_STATUS)
SCOPES = {"open": "open", "known-error": "known_error", "known_error": "known_error", "all": "all"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("problem", help="problems: the causes behind incidents")
    s = p.add_subparsers(dest="problem_command", required=True, metavar="ACTION")

    ls = s.add_parser("list", help="problems, latest change first")
    ls.add_argument("--scope", choices=("open", "known-error", "all"), default="open",
                    help="open (default), known-error or all")
    ls.add_argument("--search", default="", help="words in the number or title")
    ls.add_argument("--limit", type=int, default=50, help="at most this many (default: 50)")
    ls.add_argument("--json", action="store_true", help="the list as JSON for scripts (times in UTC)")
    ls.set_defaults(func=list_cmd)

    show = s.add_parser("show", help="one problem with its root cause, workaround and incidents")
    show.add_argument("number", help="problem number (PRB-000007 or 7)")
    show.add_argument("--json", action="store_true", help="the problem as JSON for scripts (times in UTC)")
    show.set_defaults(func=show_cmd)

    new = s.add_parser("new", help="open a problem; prints its number")
    new.add_argument("--title", help="one line naming the cause (default with --from: the incident's title)")
    new.add_argument("--description", help="what is known so far")
    new.add_argument("--from", dest="from_incident", metavar="INCIDENT",
                     help="open it for this incident: its service, category and team, linked")
    new.add_argument("--service", help="service from the catalogue")
    new.add_argument("--category", help="category (created if new)")
    new.add_argument("--team", help="team investigating it")
    new.add_argument("--incident", action="append", default=[], metavar="INCIDENT",
                     help="link this incident too (repeatable)")
    new.add_argument("--json", action="store_true", help="print the new problem as JSON instead of its number")
    new.set_defaults(func=new_cmd)

    ln = s.add_parser("link", help="link incidents to a problem")
    ln.add_argument("number", help="problem number")
    ln.add_argument("incidents", nargs="+", metavar="INCIDENT", help="incident numbers")
    ln.set_defaults(func=link_cmd)

    un = s.add_parser("unlink", help="unlink incidents from a problem")
    un.add_argument("number", help="problem number")
    un.add_argument("incidents", nargs="+", metavar="INCIDENT", help="incident numbers")
    un.set_defaults(func=unlink_cmd)

    tr = s.add_parser("transition", help="move a problem to another status")
    tr.add_argument("number", help="problem number")
    tr.add_argument("status", type=problem_status_choice, metavar="STATUS",
                    help=listing(x.value for x in ProblemStatus))
    tr.add_argument("--root-cause", help="the cause found (required for known-error)")
    tr.add_argument("--workaround", help="how callers get by meanwhile (required for known-error)")
    tr.set_defaults(func=transition_cmd)


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.limit < 1:
        raise InvalidInput("--limit must be at least 1.", "limit")
    ctx.require_staff()
    rows = ctx.services.problems.page(ProblemQuery(scope=SCOPES[args.scope], search=args.search), 0, args.limit)
    if args.json:
        print(to_json([r._asdict() for r in rows]))
        return 0
    if not rows:
        print("No problems.")
    for r in rows:
        print(f"{r.number}  {labels.problem_status(r.status):<13} {labels.count(r.incidents, 'incident'):<12} "
              f"{(r.team or '—')[:18]:<18} {r.title}")
    return 0


def show_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    d = ctx.services.problems.detail(args.number)
    p = d.problem
    if args.json:
        out = asdict(p)
        out["category"] = d.category
        out["incidents"] = [asdict(i) for i in d.incidents]
        print(to_json(out))
        return 0
    site = ctx.services.site
    rows = [
        ("Number", p.number), ("Title", p.title), ("Status", labels.problem_status(p.status)),
        ("Service", p.service or "—"), ("Category", d.category or "—"), ("Team", p.team or "—"),
        ("Assignee", p.assignee or "—"), ("Opened", local_time(p.opened_at, site)),
        ("Updated", local_time(p.updated_at, site)), ("Root cause", p.root_cause or "—"),
        ("Workaround", p.workaround or "—"), ("Incidents", labels.count(len(d.incidents), "incident")),
    ]
    width = max(len(k) for k, _ in rows)
    w = sys.stdout.write
    for k, v in rows:
        w(f"{k:<{width}}  {v}\n")
    for i in d.incidents:
        w(f"  {i.number}  {i.priority}  {labels.status(i.status):<18} {i.title}\n")
    if p.description:
        w(f"\n{p.description}\n")
    return 0


def new_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    svc = ctx.services.problems
    if args.from_incident:
        if args.service or args.category or args.team:
            raise InvalidInput("--from takes the incident's service, category and team; change them afterwards.")
        v: ProblemView = svc.open_from_incident(actor, args.from_incident, title=args.title,
                                                description=args.description)
        for number in args.incident:
            v = svc.link(actor, v.number, number)
    else:
        if not args.title:
            raise InvalidInput("A problem needs a --title (or --from INCIDENT to take the incident's).", "title")
        v = svc.open(actor, title=args.title, description=args.description or "", service=args.service,
                     category=args.category, team=args.team, incidents=tuple(args.incident))
    print(to_json(asdict(v)) if args.json else v.number)
    return 0


def _links(args: argparse.Namespace, ctx: CliContext, *, link: bool) -> int:
    actor = ctx.require_staff()
    svc = ctx.services.problems
    v = None
    for number in args.incidents:
        v = svc.link(actor, args.number, number) if link else svc.unlink(actor, args.number, number)
    assert v is not None  # nargs="+"
    print(f"{v.number}: {labels.count(len(v.incident_numbers), 'incident')} linked"
          + (f" ({', '.join(v.incident_numbers)})" if v.incident_numbers else ""))
    return 0


def link_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    return _links(args, ctx, link=True)


def unlink_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    return _links(args, ctx, link=False)


def transition_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    before = ctx.services.problems.get(args.number)
    v = ctx.services.problems.transition(actor, before.number, args.status, root_cause=args.root_cause,
                                         workaround=args.workaround, base_version=before.version)
    print(f"{v.number}: Status {labels.problem_status(before.status)} → {labels.problem_status(v.status)}")
    return 0
