"""desk staff add | edit | role | team | deactivate | reactivate | teams | new-team | list | whoami."""
from __future__ import annotations

import argparse
from dataclasses import asdict

from db.enums import Role
from desk.cli.context import CliContext
from desk.cli.output import to_json
from desk.errors import InvalidInput
from desk.people.staff import StaffView
from desk.rules import labels


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("staff", help="staff accounts")
    s = p.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    add = s.add_parser("add", help="add a staff account (admins)")
    add.add_argument("username", help="login-style name (also the one --to and --assignee take)")
    add.add_argument("--name", required=True, help="display name people see")
    add.add_argument("--role", action="append", required=True, choices=[r.value for r in Role], help="a Desk role (repeatable)")
    add.add_argument("--email", help="e-mail address")
    add.add_argument("--db-login", help="PostgreSQL login this account signs in with (must exist; "
                                        "it becomes a member of the groups of its roles)")
    add.add_argument("--os-user", help="operating-system user (local SQLite)")
    add.add_argument("--team", action="append", help="a team the account belongs to (repeatable)")
    add.set_defaults(func=add_cmd)
    role = s.add_parser("role", help="grant or take away Desk roles (admins); on PostgreSQL also the "
                                      "login's group membership")
    role.add_argument("username", help="the account's username")
    role.add_argument("--add", action="append", default=[], choices=[r.value for r in Role], metavar="ROLE", help="grant this role (repeatable)")
    role.add_argument("--remove", action="append", default=[], choices=[r.value for r in Role], metavar="ROLE", help="take away this role (repeatable)")
    role.set_defaults(func=role_cmd)
    edit = s.add_parser("edit", help="change an account's name, e-mail or operating-system user (admins)")
    edit.add_argument("username", help="the account's username")
    edit.add_argument("--name", help="display name people see")
    edit.add_argument("--email", help="e-mail address (\"\" clears it)")
    edit.add_argument("--os-user", help="operating-system user (local SQLite; \"\" clears it)")
    edit.set_defaults(func=edit_cmd)
    team = s.add_parser("team", help="put an account in teams or take it out (admins)")
    team.add_argument("username", help="the account's username")
    team.add_argument("--join", action="append", default=[], metavar="TEAM", help="join this team (repeatable)")
    team.add_argument("--leave", action="append", default=[], metavar="TEAM", help="leave this team (repeatable)")
    team.set_defaults(func=team_cmd)
    for name, active, words in (("deactivate", False, "cannot sign in or be assigned; its history stays; on "
                                                      "PostgreSQL its login is set NOLOGIN"),
                                ("reactivate", True, "may sign in and be assigned again")):
        a = s.add_parser(name, help=f"{name} an account (admins): it {words}")
        a.add_argument("username", help="the account's username")
        a.add_argument("--reason", required=True, help="why (recorded in the audit log)")
        a.set_defaults(func=active_cmd, active=active)
    teams = s.add_parser("teams", help="the teams (assignment groups) and how many people are in each")
    teams.set_defaults(func=teams_cmd)
    nt = s.add_parser("new-team", help="create a team (admins)")
    nt.add_argument("name", help="the team's name")
    nt.add_argument("--email", help="the team's shared e-mail address")
    nt.set_defaults(func=new_team_cmd)
    ls = s.add_parser("list", help="staff accounts, their roles and teams")
    ls.add_argument("--json", action="store_true", help="as JSON for scripts")
    ls.set_defaults(func=list_cmd)
    who = s.add_parser("whoami", help="the staff account acting here")
    who.set_defaults(func=whoami_cmd)


def add_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    a = ctx.services.staff.add(ctx.actor, args.username, display_name=args.name, roles=args.role,
                               email=args.email, db_login=args.db_login, os_username=args.os_user,
                               teams=args.team)
    print(f"{a.username} ({a.role_label})")
    return 0


def role_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if not args.add and not args.remove:
        raise InvalidInput("Say which roles to --add or --remove.", "role")
    a = ctx.services.staff.set_roles(ctx.actor, args.username, add=args.add, remove=args.remove)
    print(f"{a.username} ({a.role_label})")
    return 0


def _line(a: StaffView) -> str:
    roles = ", ".join(labels.role(r) for r in a.roles)
    state = "" if a.active else "  (deactivated)"
    return f"{a.username:<20} {a.display_name:<30} {roles:<40} {', '.join(a.teams) or '—'}{state}"


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    accounts = ctx.services.staff.accounts()
    if args.json:
        print(to_json([asdict(a) for a in accounts]))
        return 0
    for a in accounts:
        print(_line(a))
    return 0


def edit_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.name is None and args.email is None and args.os_user is None:
        raise InvalidInput("Say what to change: --name, --email or --os-user.", "name")
    a = ctx.services.staff.update(ctx.actor, args.username, display_name=args.name, email=args.email,
                                  os_username=args.os_user)
    print(_line(a))
    return 0


def team_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if not args.join and not args.leave:
        raise InvalidInput("Say which teams to --join or --leave.", "team")
    print(_line(ctx.services.staff.set_teams(ctx.actor, args.username, join=args.join, leave=args.leave)))
    return 0


def active_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    staff = ctx.services.staff
    a = staff.set_active(ctx.actor, args.username, args.active, reason=args.reason)
    left = 0 if a.active else staff.open_assigned(a.username)
    print(f"{a.username}: {'reactivated' if a.active else 'deactivated'}"
          + (f"; {labels.count(left, 'open incident')} still assigned to them: reassign "
             f"(desk ticket list --assignee {a.username})" if left else ""))
    return 0


def teams_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    for t in ctx.services.staff.teams():
        print(f"{t.name:<30} {t.email or '—':<32} {labels.count(t.members, 'member')}")
    return 0


def new_team_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    t = ctx.services.staff.create_team(ctx.actor, args.name, email=args.email)
    print(f"Team {t.name} created")
    return 0


def whoami_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    a = ctx.actor
    print(f"{a.username} ({a.display_name}) — {a.role_label} on {ctx.db.description}")
    return 0
