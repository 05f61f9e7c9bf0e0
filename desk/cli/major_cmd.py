"""desk major …: major incidents from the command line and from monitoring hooks.

``desk major page --service NAME --summary TEXT --source nagios`` is what a monitoring
system calls: it opens a major incident for the service, or appends the page to the one
already open there. The account it runs as needs the supervisor role.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from desk.cli.context import CliContext
from desk.cli.output import local_time, to_json
from desk.common.site import Site
from desk.errors import InvalidInput
from desk.major.service import MajorIncidentService
from desk.major.views import MajorView
from desk.rules import choices


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("major", help="major incidents: page, promote, proposals, comms, children, report")
    msub = p.add_subparsers(dest="major_command", metavar="ACTION", required=True)

    a = msub.add_parser("page", help="a monitoring alert for a service (opens or appends to its major incident)")
    a.add_argument("--service", required=True, help="the service the alert is about")
    a.add_argument("--summary", required=True, help="what the alert says (first line becomes the title)")
    a.add_argument("--source", help="the monitoring system (default: monitoring)")
    a.set_defaults(func=page)

    a = msub.add_parser("promote", help="declare an incident a major incident (supervisors)")
    a.add_argument("number", help="incident number")
    a.add_argument("--reason", required=True, help="why it is a major incident")
    a.add_argument("--manager", help="username of the major incident manager")
    a.add_argument("--member", action="append", default=[], metavar="USER:ROLE", help="team member (repeatable)")
    a.set_defaults(func=promote)

    a = msub.add_parser("proposals", help="surge proposals: many incidents on one service in a short time")
    a.add_argument("--json", action="store_true", help="the proposals as JSON for scripts (times in UTC)")
    a.set_defaults(func=proposals)

    a = msub.add_parser("confirm", help="confirm the surge proposal for a service (supervisors)")
    a.add_argument("service", help="the service the surge is on")
    a.add_argument("--manager", help="staff username who manages it")
    a.add_argument("--reason", help="why (recorded with the confirmation)")
    a.set_defaults(func=confirm)

    a = msub.add_parser("dismiss", help="dismiss the surge proposal for a service: not a major incident")
    a.add_argument("service", help="the service the surge is on")
    a.add_argument("--reason", required=True, help="why it is not a major incident")
    a.set_defaults(func=dismiss)

    a = msub.add_parser("list", help="open major incidents (overdue updates marked)")
    a.add_argument("--json", action="store_true", help="the list as JSON for scripts (times in UTC)")
    a.set_defaults(func=list_open)

    a = msub.add_parser("show", help="a major incident: manager, team, comms log, children")
    a.add_argument("number", help="major incident number")
    a.add_argument("--json", action="store_true", help="the major incident as JSON for scripts (times in UTC)")
    a.set_defaults(func=show)

    a = msub.add_parser("update", help="post to the communication log and set when the next update is due")
    a.add_argument("number", help="major incident number")
    a.add_argument("--text", required=True, help="the update (goes to the communication log)")
    a.add_argument("--next", type=int, metavar="MINUTES", help="next update due in (default: the rule's interval)")
    a.add_argument("--to-users", action="store_true",
                   help="its audience is the affected users: each child's caller gets it by e-mail")
    a.set_defaults(func=update)

    a = msub.add_parser("team", help="add or remove team members, or set the manager")
    a.add_argument("number", help="major incident number")
    a.add_argument("--add", action="append", default=[], metavar="USER:ROLE", help="add a team member with a role (repeatable)")
    a.add_argument("--remove", action="append", default=[], metavar="USER", help="remove a team member (repeatable)")
    a.add_argument("--manager", metavar="USER", help="make this staff member the manager")
    a.set_defaults(func=team)

    a = msub.add_parser("link", help="link child incidents")
    a.add_argument("number", help="major incident number")
    a.add_argument("children", nargs="+", help="child incident numbers")
    a.set_defaults(func=link)

    a = msub.add_parser("unlink", help="unlink a child incident")
    a.add_argument("number", help="major incident number")
    a.add_argument("child", help="child incident number")
    a.set_defaults(func=unlink)

    a = msub.add_parser("resolve", help="resolve the major incident and its open children with its resolution")
    a.add_argument("number", help="major incident number")
    a.add_argument("--code", required=True, choices=choices.RESOLUTION_CODES, help="resolution code, for it and its children")
    a.add_argument("--note", required=True, help="what was done (the callers read it)")
    a.add_argument("--no-children", action="store_true", help="leave the children as they are")
    a.set_defaults(func=resolve)

    a = msub.add_parser("report", help="post-incident report as PDF")
    a.add_argument("number", help="major incident number")
    a.add_argument("--out", required=True, type=Path, help="the PDF file to write")
    a.add_argument("--paper", choices=("letter", "a4"), default="letter", help="paper size (default: letter)")
    a.set_defaults(func=report)

    a = msub.add_parser("problem", help="open a problem from the major incident")
    a.add_argument("number", help="major incident number")
    a.add_argument("--title", help="the problem's title (default: the incident's)")
    a.set_defaults(func=problem)

    a = msub.add_parser("rules", aliases=["rule"],
                        help="show or change the surge rule and update interval (data, not code)")
    a.add_argument("--service", help="a service's own rule (default: the default rule)")
    a.add_argument("--threshold", type=int, help="incidents on one service that make a surge")
    a.add_argument("--window", type=int, metavar="MINUTES", help="within this many minutes")
    a.add_argument("--update-interval", type=int, metavar="MINUTES", help="comms updates due every …")
    a.set_defaults(func=rules)


def _svc(ctx: CliContext) -> MajorIncidentService:
    return ctx.services.major


def _member(text: str) -> tuple[str, str]:
    user, sep, role = text.partition(":")
    if not sep or not user.strip() or not role.strip():
        raise InvalidInput(f"Team member {text!r} must look like USER:ROLE (e.g. alice:communications).", "member")
    return user.strip(), role.strip()


def _print_major(v: MajorView, site: Site) -> None:
    def _when(when: dt.datetime | None) -> str:
        return local_time(when, site)

    w = sys.stdout.write
    w(f"{v.number}  {v.title}\n")
    w(f"Status       {v.status_label}{'' if v.is_major else ' (not major)'}   Priority {v.priority}\n")
    w(f"Service      {v.service or '—'}\nManager      {v.manager or '—'}\n")
    w(f"Next update  {_when(v.next_update_due_at)}{'  OVERDUE' if v.update_overdue else ''}\n")
    for m in v.team:
        w(f"Team         {m.name} ({m.username}) — {m.role}\n")
    w(f"Children     {len(v.children)} ({len(v.open_children)} open)\n")
    for c in v.children:
        w(f"  {c.number}  {c.status_label:<20} {c.title}\n")
    if v.problem_numbers:
        w(f"Problems     {', '.join(v.problem_numbers)}\n")
    w("Communication log:\n")
    for e in v.comms:
        w(f"  {_when(e.at)}  {e.author or 'system'}: {e.body}\n")


def _major_json(v: MajorView) -> dict:
    from dataclasses import asdict

    d = asdict(v)
    d["open_children"] = len(v.open_children)
    return d


def page(args: argparse.Namespace, ctx: CliContext) -> int:
    out = _svc(ctx).page(ctx.actor, service=args.service, summary=args.summary, source=args.source)
    print(f"{'opened' if out.created else 'appended to'} {out.major.number}")
    return 0


def promote(args: argparse.Namespace, ctx: CliContext) -> int:
    v = _svc(ctx).promote(ctx.actor, args.number, reason=args.reason, manager=args.manager,
                          team=[_member(m) for m in args.member])
    print(v.number)
    return 0


def proposals(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    found = _svc(ctx).proposals()
    if args.json:
        print(to_json([{"kind": p.kind, "service": p.service, "count": p.count, "incidents": list(p.incidents),
                        "first_opened_at": p.first_opened_at, "last_opened_at": p.last_opened_at,
                        "threshold": p.threshold, "window_minutes": p.window_minutes,
                        "major": p.major_number} for p in found]))
        return 0
    if not found:
        print("No proposals.")
    for p in found:
        print(f"{p.kind:<5} {p.service}: {p.describe()}\n      {' '.join(p.incidents)}")
    return 0


def confirm(args: argparse.Namespace, ctx: CliContext) -> int:
    out = _svc(ctx).confirm_proposal(ctx.actor, args.service, manager=args.manager, reason=args.reason)
    print(f"{out.major.number}: {len(out.linked)} linked" + (f", {len(out.skipped)} skipped" if out.skipped else ""))
    for sk in out.skipped:
        print(f"  skipped {sk.number}: {sk.reason}", file=sys.stderr)
    return 0


def dismiss(args: argparse.Namespace, ctx: CliContext) -> int:
    p = _svc(ctx).dismiss_proposal(ctx.actor, args.service, reason=args.reason)
    print(f"dismissed: {p.describe()}")
    return 0


def list_open(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    rows = _svc(ctx).open_majors()
    if args.json:
        from dataclasses import asdict

        print(to_json([asdict(r) for r in rows]))
        return 0
    if not rows:
        print("No open major incidents.")
    site = ctx.services.site
    for r in rows:
        due = local_time(r.next_update_due_at, site)
        print(f"{r.number}  {r.status_label:<12} {r.service or '—':<24} children {r.children:<4} "
              f"next update {due}{' OVERDUE' if r.update_overdue else ''}  {r.title}")
    return 0


def show(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    v = _svc(ctx).get(args.number)
    if args.json:
        print(to_json(_major_json(v)))
    else:
        _print_major(v, ctx.services.site)
    return 0


def update(args: argparse.Namespace, ctx: CliContext) -> int:
    v = _svc(ctx).post_update(ctx.actor, args.number, args.text, next_update_in_minutes=args.next,
                              to_users=args.to_users)
    print(f"{v.number}: next update due {local_time(v.next_update_due_at, ctx.services.site)}")
    return 0


def team(args: argparse.Namespace, ctx: CliContext) -> int:
    svc = _svc(ctx)
    if not (args.add or args.remove or args.manager):
        raise InvalidInput("Say what to change: --add USER:ROLE, --remove USER or --manager USER.")
    members = [_member(m) for m in args.add]
    v = None
    if args.manager:
        v = svc.set_manager(ctx.actor, args.number, args.manager)
    for user, role in members:
        v = svc.add_member(ctx.actor, args.number, user, role)
    for user in args.remove:
        v = svc.remove_member(ctx.actor, args.number, user)
    assert v is not None
    _print_major(v, ctx.services.site)
    return 0


def link(args: argparse.Namespace, ctx: CliContext) -> int:
    out = _svc(ctx).link_children(ctx.actor, args.number, args.children)
    print(f"{out.major.number}: {len(out.linked)} linked")
    for sk in out.skipped:
        print(f"  skipped {sk.number}: {sk.reason}", file=sys.stderr)
    return 0


def unlink(args: argparse.Namespace, ctx: CliContext) -> int:
    v = _svc(ctx).unlink_child(ctx.actor, args.number, args.child)
    print(f"{v.number}: {len(v.children)} children")
    return 0


def resolve(args: argparse.Namespace, ctx: CliContext) -> int:
    out = _svc(ctx).resolve(ctx.actor, args.number, code=args.code, note=args.note,
                            resolve_children=not args.no_children)
    print(f"{out.major.number} resolved; children resolved: {len(out.resolved_children)}"
          + (f", not resolved: {len(out.skipped_children)}" if out.skipped_children else ""))
    for sk in out.skipped_children:
        print(f"  {sk.number}: {sk.reason}")
    return 0


def report(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.out.suffix.lower() != ".pdf":
        raise InvalidInput(f"--out {args.out} should end in .pdf.", "out")
    if not args.out.parent.exists():
        raise InvalidInput(f"Folder {args.out.parent} does not exist.", "out")
    print(_svc(ctx).write_report(ctx.actor, args.number, args.out, paper=args.paper))
    return 0


def problem(args: argparse.Namespace, ctx: CliContext) -> int:
    print(_svc(ctx).open_problem(ctx.actor, args.number, title=args.title))
    return 0


def rules(args: argparse.Namespace, ctx: CliContext) -> int:
    svc = _svc(ctx)
    if any(x is not None for x in (args.threshold, args.window, args.update_interval)):
        svc.set_rule(ctx.actor, service=args.service, surge_threshold=args.threshold,
                     surge_window_minutes=args.window, update_interval_minutes=args.update_interval)
    for r in svc.rules():
        print(f"{r.service or '(default)':<28} surge {r.surge_threshold} within {r.surge_window_minutes} min; "
              f"updates every {r.update_interval_minutes} min")
    return 0
