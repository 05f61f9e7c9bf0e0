"""desk vip list | policy [show | publish | history] | grant | revoke | print."""
from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from desk.cli.context import CliContext
from desk.cli.output import local_time, to_json
from desk.errors import InvalidInput
from desk.people.service import POLICY_LEVELS, VipPolicyView


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    vip = sub.add_parser("vip", help="the published VIP list (supervisors)")
    s = vip.add_subparsers(dest="vip_command", required=True, metavar="ACTION")
    ls = s.add_parser("list", help="who holds VIP status now, with office and since when")
    fmt = ls.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="the list as JSON for scripts (times in UTC)")
    fmt.add_argument("--csv", action="store_true", help="the list as CSV: who, office, since, granted by, reason")
    ls.set_defaults(func=list_cmd)
    pol = s.add_parser("policy", help="the VIP policy: show the one in force (default), publish a new "
                                      "version, or list every version")
    pol.add_argument("--json", action="store_true", help="the policy as JSON for scripts (times in UTC)")
    pol.set_defaults(func=policy_cmd)
    ps = pol.add_subparsers(dest="policy_command", metavar="show|publish|history")
    show = ps.add_parser("show", help="the VIP policy in force: its text and how much it raises urgency")
    show.add_argument("--json", action="store_true", dest="show_json", help="as JSON (times in UTC)")
    show.set_defaults(func=policy_cmd)
    pub = ps.add_parser("publish", help="publish a new version of the policy (supervisors); earlier versions "
                                        "are kept and tickets keep naming the one that raised them")
    pub.add_argument("--file", required=True, type=Path, help="the policy text (UTF-8; - reads standard input)")
    pub.add_argument("--levels", type=int, default=1, choices=POLICY_LEVELS, metavar="N",
                     help="levels a VIP caller's urgency is raised: 0, 1 (default) or 2")
    pub.set_defaults(func=publish_cmd)
    hist = ps.add_parser("history", help="every published version: when, by whom, levels raised")
    hist.add_argument("--json", action="store_true", dest="show_json", help="as JSON (times in UTC)")
    hist.set_defaults(func=history_cmd)
    pr = s.add_parser("print", help="the published policy and the VIP list as a one-page PDF for staff and users")
    pr.add_argument("--output", "--out", type=Path, required=True, dest="output", help="the PDF to write")
    pr.add_argument("--paper", choices=("letter", "a4"), default="letter", help="paper size (default letter)")
    pr.set_defaults(func=print_cmd)
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
    if args.csv:
        from desk.people.vip_export import vip_csv

        sys.stdout.write(vip_csv(ctx.services.people.vip_entries(), ctx.services.site))
        return 0
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


def _levels(n: int) -> str:
    return {0: "does not raise urgency", 1: "raises urgency by one level"}.get(n, f"raises urgency by {n} levels")


def _headline(policy: VipPolicyView, ctx: CliContext) -> str:
    return (f"VIP policy v{policy.version}, published {local_time(policy.published_at, ctx.services.site)}"
            f"{' by ' + policy.published_by if policy.published_by else ''}; {_levels(policy.urgency_levels_raised)}.")


def policy_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    policy = ctx.services.people.vip_policy()
    if args.json or getattr(args, "show_json", False):
        print(to_json(asdict(policy) if policy else None))
        return 0
    if policy is None:
        print("No VIP policy has been published.")
        return 0
    print(_headline(policy, ctx) + "\n")
    print(policy.text)
    return 0


def publish_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        text = sys.stdin.read() if str(args.file) == "-" else args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Cannot read the policy text from {args.file}: {exc}", "file") from None
    version = ctx.services.people.publish_vip_policy(ctx.actor, text, args.levels)
    print(f"VIP policy v{version} published; it {_levels(args.levels)} for a VIP caller.")
    return 0


def history_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    history = ctx.services.people.vip_policies()
    if args.json or args.show_json:
        print(to_json([asdict(p) for p in history]))
        return 0
    if not history:
        print("No VIP policy has been published.")
    for p in history:
        first = p.text.strip().splitlines()[0] if p.text.strip() else ""
        print(f"v{p.version:<3} {local_time(p.published_at, ctx.services.site)}  {p.published_by or '—':<24} "
              f"{_levels(p.urgency_levels_raised):<30} {first[:60]}")
    return 0


def print_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    from desk.printing.vip_sheet import build_vip_sheet

    ctx.require_staff()
    people = ctx.services.people
    policy, entries = people.vip_policy(), people.vip_entries()
    build_vip_sheet(policy, entries, args.output, zone=ctx.services.site.zone, paper=args.paper)
    print(f"VIP policy {'v' + str(policy.version) if policy else '(none published)'} and a list of "
          f"{len(entries)} VIP{'s' if len(entries) != 1 else ''} written to {args.output}")
    return 0
