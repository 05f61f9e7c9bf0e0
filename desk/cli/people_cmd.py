"""desk import people (directory feed) and desk vip grant | revoke."""
from __future__ import annotations

import argparse

from desk.cli.context import CliContext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    vip = sub.add_parser("vip", help="the published VIP list (supervisors)")
    s = vip.add_subparsers(dest="vip_command", required=True, metavar="ACTION")
    g = s.add_parser("grant")
    g.add_argument("university_id", help="the person's university ID")
    g.add_argument("--reason", required=True, help="why (recorded in the audit log)")
    g.add_argument("--office", help="the office they hold")
    g.set_defaults(func=grant_cmd)
    r = s.add_parser("revoke")
    r.add_argument("university_id", help="the person's university ID")
    r.add_argument("--reason", required=True, help="why (recorded in the audit log)")
    r.set_defaults(func=revoke_cmd)


def grant_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    p = ctx.services.people.grant_vip(ctx.actor, args.university_id, reason=args.reason, office=args.office)
    print(f"{p.university_id} {p.display_name}: VIP (policy v{p.vip.policy_version if p.vip else '?'})")
    return 0


def revoke_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    p = ctx.services.people.revoke_vip(ctx.actor, args.university_id, reason=args.reason)
    print(f"{p.university_id} {p.display_name}: VIP removed")
    return 0
