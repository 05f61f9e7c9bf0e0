"""desk loaner list|add|retire|return: the counter's loaner pool from the command line."""
from __future__ import annotations

import argparse

from desk.cli.context import CliContext
from desk.cli.output import local_time, to_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("loaner", help="the walk-in counter's loaner laptops")
    s = p.add_subparsers(dest="loaner_command", required=True, metavar="ACTION")
    ls = s.add_parser("list", help="the pool: who has which, due and overdue")
    ls.add_argument("--overdue", action="store_true", help="only loans past their due time")
    ls.add_argument("--json", action="store_true", help="the pool as JSON for scripts (times in UTC)")
    ls.set_defaults(func=list_cmd)
    add = s.add_parser("add", help="add a loaner laptop to the pool")
    add.add_argument("asset_tag", help="the loaner's asset tag")
    add.add_argument("--description", required=True, help='make and model, e.g. "Dell Latitude 5440"')
    add.add_argument("--serial", help="its serial number")
    add.set_defaults(func=add_cmd)
    ret = s.add_parser("retire", help="take a loaner out of the pool for good")
    ret.add_argument("asset_tag", help="the loaner's asset tag")
    ret.add_argument("--reason", required=True, help="why it leaves the pool")
    ret.set_defaults(func=retire_cmd)
    back = s.add_parser("return", help="a loaner handed back on its own (not at a repair pickup)")
    back.add_argument("asset_tag", help="the loaner's asset tag")
    back.add_argument("--note", help="what was noticed when it came back")
    back.set_defaults(func=return_cmd)


def _loaners(ctx: CliContext):

    return ctx.services.counter.loaners


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    from desk.clock import utc_now

    ctx.require_staff()  # who has which loaner, for which repair
    svc = _loaners(ctx)
    now = utc_now()
    rows = svc.pool()
    if args.overdue:
        rows = [r for r in rows if r.current_loan and r.current_loan.overdue(now)]
    if args.json:
        print(to_json([{
            "asset_tag": r.asset_tag, "description": r.description, "available": r.available,
            "lent_to": r.current_loan.person_university_id if r.current_loan else None,
            "repair": r.current_loan.repair_number if r.current_loan else None,
            "due_at": r.current_loan.due_at if r.current_loan else None,
            "overdue": bool(r.current_loan and r.current_loan.overdue(now)),
        } for r in rows]))
        return 0
    for r in rows:
        loan = r.current_loan
        state = "available" if loan is None else ("OVERDUE" if loan.overdue(now) else "lent")
        who = f"{loan.person_name} ({loan.person_university_id}) {loan.repair_number or ''} due " \
              f"{local_time(loan.due_at, ctx.services.site)}" if loan else ""
        print(f"{r.asset_tag:<10} {state:<9} {r.description[:32]:<32} {who}")
    return 0


def add_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    v = _loaners(ctx).add(ctx.actor, args.asset_tag, args.description, serial=args.serial)
    print(v.asset_tag)
    return 0


def retire_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    print(_loaners(ctx).retire(ctx.actor, args.asset_tag, args.reason).asset_tag)
    return 0


def return_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    print(_loaners(ctx).take_back(ctx.actor, args.asset_tag, args.note).asset_tag)
    return 0
