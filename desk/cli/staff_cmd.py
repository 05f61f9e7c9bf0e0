"""desk staff add | list | whoami."""
from __future__ import annotations

import argparse

from db.enums import Role
from desk.cli.context import CliContext
from desk.errors import InvalidInput


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
    ls = s.add_parser("list", help="staff accounts, their roles and teams")
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


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    for a in ctx.services.staff.list():
        print(f"{a.username:<20} {a.display_name:<30} {a.role_label}")
    return 0


def whoami_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    a = ctx.actor
    print(f"{a.username} ({a.display_name}) — {a.role_label} on {ctx.db.description}")
    return 0
