"""desk vip list | policy | grant | revoke."""
from __future__ import annotations

import argparse
from dataclasses import asdict

from desk.cli.context import CliContext
from desk.cli.output import local_time, to_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    vip = sub.add_parser("vip", help="the published VIP list (supervisors)")
    s = vip.add_subparsers(dest="vip_command", required=True, metavar="ACTION")
    ls = s.add_parser("list", help="who holds VIP status now, with office and since when")
    ls.add_argument("--json", action="store_true", help="the list as JSON for scripts (times in UTC)")
    ls.set_defaults(func=list_cmd)
    pol = s.add_parser("policy", help="the VIP policy in force: its text and how much it raises urgency")
    pol.add_argument("--json", action="store_true", help="the policy as JSON for scripts (times in UTC)")
    pol.set_defaults(func=policy_cmd)
    g = s.add_parser("grant", help="give a person VIP status (supervisors)")
    g.add_argument("university_id", help="the person's university ID")
    g.add_argument("--reason", required=True, help="why (recorded in the audit log)")
    g.add_argument("--office", help="the office they hold")
    g.set_defaults(func=grant_cmd)
    r = s.add_parser("revoke", help="take VIP status away (supervisors)")
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


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    people = ctx.services.people.vip_list()
    if args.json:
        print(to_json([{"university_id": p.university_id, "name": p.display_name,
                        "office": p.vip.office if p.vip else None,
                        "granted_at": p.vip.granted_at if p.vip else None,
                        "reason": p.vip.reason if p.vip else None} for p in people]))
        return 0
    if not people:
        print("Nobody holds VIP status.")
    site = ctx.services.site
    for p in people:
        assert p.vip is not None  # the list holds VIPs only
        print(f"{p.university_id}  {p.display_name:<28} {p.vip.office or '—':<24} "
              f"since {local_time(p.vip.granted_at, site)}  {p.vip.reason}")
    return 0


def policy_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    policy = ctx.services.people.vip_policy()
    if args.json:
        print(to_json(asdict(policy) if policy else None))
        return 0
    if policy is None:
        print("No VIP policy has been published.")
        return 0
    levels = {0: "does not raise urgency", 1: "raises urgency by one level"}.get(
        policy.urgency_levels_raised, f"raises urgency by {policy.urgency_levels_raised} levels")
    print(f"VIP policy v{policy.version}, published {local_time(policy.published_at, ctx.services.site)}"
          f"{' by ' + policy.published_by if policy.published_by else ''}; {levels}.\n")
    print(policy.text)
    return 0
