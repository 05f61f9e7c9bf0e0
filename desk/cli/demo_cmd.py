"""desk demo --tickets N [--seed S] [--if-empty] [--force]: a synthetic university to try Desk on (admins)."""
from __future__ import annotations

import argparse

from desk.cli.context import CliContext
from desk.errors import InvalidInput


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="fill the database with a synthetic university (admins; "
                                    "the first account of a new database is one)")
    p.add_argument("--tickets", type=int, default=2000, help="how many tickets to generate (default: 2000)")
    p.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same data")
    p.add_argument("--if-empty", action="store_true", help="do nothing if the database already has incidents")
    p.add_argument("--force", action="store_true",
                   help="load even into a database that holds real (non-demo) records")
    p.set_defaults(func=demo_cmd)


def demo_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    from desk.demo import build_demo, has_incidents

    if args.tickets < 0:
        raise InvalidInput("--tickets must be 0 or more.", "tickets")
    if args.if_empty and has_incidents(ctx.db):
        return 0
    build_demo(ctx.db, tickets=args.tickets, seed=args.seed, progress=print, actor=ctx.actor, force=args.force)
    return 0
