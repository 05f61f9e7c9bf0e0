"""desk escalation list | show | set | clear | lead | run | status | notifications: the SLA
alert rules, who holds the alert job, and one's own notifications — the set-up page's
command-line twin, so a desk's escalation set-up can be scripted and reviewed."""
from __future__ import annotations

import argparse
import datetime as dt

from desk.cli.context import CliContext
from desk.common.site import Site
from desk.errors import InvalidInput
from desk.escalation import lease as leases
from desk.escalation.rules import Rule
from desk.rules import labels

_SWITCHES = (
    ("at_risk_notify_assignee", "at-risk-assignee", "at risk: tell the assignee"),
    ("at_risk_notify_team", "at-risk-team", "at risk: tell the ticket's team"),
    ("breach_notify_assignee", "breach-assignee", "breach: tell the assignee"),
    ("breach_notify_lead", "breach-lead", "breach: tell the team lead (no lead: the team's supervisors)"),
    ("breach_raise_urgency", "raise-urgency", "breach: raise the urgency one step (the priority follows)"),
    ("by_mail", "mail", "also send each notification by e-mail"),
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("escalation", help="SLA alerts: escalation rules, team leads, the alert job")
    s = p.add_subparsers(dest="escalation_command", required=True, metavar="ACTION")
    s.add_parser("list", help="the escalation rules, most general first").set_defaults(func=list_cmd)
    show = s.add_parser("show", help="the rule a ticket of this service and priority gets")
    show.add_argument("--service", help="a service (default: any)")
    show.add_argument("--priority", required=True, help="P1 … P5")
    show.set_defaults(func=show_cmd)
    st = s.add_parser("set", help="create or change the rule for a service and/or priority (supervisors)")
    st.add_argument("--service", help="the service (default: any service)")
    st.add_argument("--priority", help="P1 … P5 (default: any priority)")
    for _field, flag, words in _SWITCHES:
        st.add_argument(f"--{flag}", dest=flag.replace("-", "_"), action=argparse.BooleanOptionalAction,
                        help=words)
    st.add_argument("--reassign-to", metavar="TEAM", help="breach: hand the ticket to this team ('' for none)")
    st.set_defaults(func=set_cmd)
    cl = s.add_parser("clear", help="remove the rule for a service and/or priority (supervisors)")
    cl.add_argument("--service", help="the service whose rule goes (default: the any-service rule)")
    cl.add_argument("--priority", help="P1 … P5 (default: the any-priority rule)")
    cl.set_defaults(func=clear_cmd)
    lead = s.add_parser("lead", help="set a team's lead, told of its breaches (admins); no NAME: show them")
    lead.add_argument("team", nargs="?", help="the team (none: list every team's lead)")
    lead.add_argument("username", nargs="?", help="a member of the team; '-' for none")
    lead.set_defaults(func=lead_cmd)
    run = s.add_parser("run", help="record the SLA alerts due now and tell the people concerned "
                                   "(as cron's desk sla sweep does)")
    run.set_defaults(func=run_cmd)
    s.add_parser("status", help="which workstation holds the alert job, and the next crossing").set_defaults(
        func=status_cmd)
    n = s.add_parser("notifications", help="your notifications")
    n.add_argument("--all", action="store_true", help="read ones too")
    n.add_argument("--mark-read", action="store_true", help="mark them read")
    n.set_defaults(func=notifications_cmd)


def _print_rule(scope: str, rule: Rule) -> None:
    print(f"{scope:<40} {rule.describe()}")


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = ctx.services.escalation.rules()
    if not rows or rows[0].service or rows[0].priority:
        _print_rule("any service, any priority (built in)", Rule())
    for r in rows:
        _print_rule(r.scope, r.rule)
    return 0


def show_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    rule, scope = ctx.services.escalation.rule_for(args.service, args.priority)
    print(f"{rule.describe()}\n(from the rule for {scope})")
    return 0


def set_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    settings: dict[str, object] = {}
    for field, flag, _words in _SWITCHES:
        value = getattr(args, flag.replace("-", "_"))
        if value is not None:
            settings[field] = value
    if args.reassign_to is not None:
        settings["breach_reassign_team"] = args.reassign_to or None
    row = ctx.services.escalation.set_rule(actor, service=args.service, priority=args.priority, **settings)
    _print_rule(row.scope, row.rule)
    return 0


def clear_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    ctx.services.escalation.clear_rule(actor, service=args.service, priority=args.priority)
    print(f"Rule for {args.service or 'any service'}, {args.priority or 'any priority'} removed.")
    return 0


def lead_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    esc = ctx.services.escalation
    if args.team and args.username:
        esc.set_team_lead(ctx.require_staff(), args.team, None if args.username == "-" else args.username)
    leads = esc.team_leads()
    wanted = args.team.strip().lower() if args.team else None
    shown = [(team, lead) for team, lead in leads if wanted is None or team.lower() == wanted]
    if wanted is not None and not shown:
        raise InvalidInput(f"No team called {args.team!r}. Known: {', '.join(t for t, _ in leads)}.", "team")
    for team, lead in shown:
        print(f"{team:<28} {lead or '(no lead: its supervisors are told)'}")
    return 0


def run_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    r = ctx.services.escalation.run(actor, holder="desk escalation run")
    print(f"{labels.count(r.recorded, 'SLA alert')} recorded ({r.silent} too late to tell), "
          f"{labels.count(r.notified, 'notification')} written")
    for line in r.escalations:
        print(f"  {line}")
    return 0


def status_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    now = ctx.services.clock()
    site = ctx.services.site
    held = leases.current_holder(ctx.db, now)
    print(f"Alert job: held by {held[0]} since {_local(site, held[1])}" if held else
          "Alert job: no workstation holds it now (cron's desk sla sweep records the alerts)")
    nxt = ctx.services.escalation.next_crossing(now)
    print(f"Next crossing: {_local(site, nxt)}" if nxt else "Next crossing: none among the open tickets")
    return 0


def notifications_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    esc = ctx.services.escalation
    items = esc.notifications(actor, unread_only=not args.all, limit=200)
    site = ctx.services.site
    if not items:
        print("No unread notifications." if not args.all else "No notifications.")
    for n in items:
        state = "" if n.read_at is None else " (read)"
        print(f"{_local(site, n.created_at)}  {n.title}{state}")
        for line in n.body.splitlines():
            print(f"    {line}")
    if args.mark_read and items:
        print(f"{labels.count(esc.mark_read(actor, [n.id for n in items]), 'notification')} marked read")
    return 0


def _local(site: Site, when: dt.datetime) -> str:
    return site.local(when).strftime("%a %d %b %Y %H:%M")
