"""desk import people PEOPLE.csv [--affiliations AFFILIATIONS.csv]: the directory feed."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desk.cli.context import CliContext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("import", help="import data from university systems (admins)")
    s = p.add_subparsers(dest="import_command", required=True, metavar="WHAT")
    people = s.add_parser(
        "people", help="import the people directory feed (re-import updates in place)",
        description="Bad rows are listed on stderr as FILE:LINE: reason; good rows still import. "
                    "Exit code 2 if any row was rejected.")
    people.add_argument("people_csv", type=Path, metavar="PEOPLE.csv", help="the directory feed's people file")
    people.add_argument("--affiliations", type=Path, metavar="AFFILIATIONS.csv",
                        help="statuses and departments of the people (full set per person listed)")
    people.set_defaults(func=people_cmd)


def people_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    from desk.importing.people import PeopleImporter

    report = PeopleImporter(ctx.db).run(ctx.actor, args.people_csv, args.affiliations)
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for problem in report.rejected:
        print(f"rejected: {problem}", file=sys.stderr)
    print(report.summary())
    return 2 if report.rejected else 0
