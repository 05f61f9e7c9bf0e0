"""Entry point of the `desk` console script.

With no sub-command it opens the window. The window lives in the ``ui`` package,
which depends on ``desk``; to keep dependencies pointing down, the GUI registers
itself under the ``desk.gui`` entry-point group and is looked up here by name.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

from sqlalchemy.exc import DBAPIError, OperationalError

from db.errors import DatabaseSetupError
from desk.cli.context import CliContext
from desk.errors import DeskError

COMMAND_MODULES = [
    "desk.cli.db_cmd",
    "desk.cli.ticket_cmd",
    "desk.cli.people_cmd",
    "desk.cli.staff_cmd",
    "desk.cli.demo_cmd",
    "desk.cli.import_cmd",
    "desk.cli.profile_cmd",
    "desk.cli.report_cmd",
    "desk.cli.print_cmd",
    "desk.cli.counter_cmd",
    "desk.cli.sla_cmd",
    "desk.cli.calendar_cmd",
    "desk.cli.major_cmd",
    "desk.cli.audit_cmd",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="desk", description="Desk — university IT service desk.")
    parser.add_argument("--database", metavar="URL",
                        help="database URL (default: DESK_DATABASE_URL, the saved profile, or local SQLite)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def launch_gui(argv: Sequence[str]) -> int:
    found = entry_points(group="desk.gui")
    gui = next(iter(found), None)
    if gui is None:
        print("desk: the desktop window is not installed (package 'ui' missing).", file=sys.stderr)
        return 1
    return int(gui.load()(list(argv)))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        return launch_gui(argv)
    ctx = CliContext(args)
    try:
        return int(args.func(args, ctx) or 0)
    except DeskError as exc:
        if args.debug:
            raise
        print(f"desk: {exc}", file=sys.stderr)
        return exc.exit_code
    except DatabaseSetupError as exc:
        if args.debug:
            raise
        print(f"desk: {exc}", file=sys.stderr)
        return 1
    except (OperationalError, DBAPIError) as exc:
        if args.debug:
            raise
        first = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        print(f"desk: database error: {first}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("desk: interrupted", file=sys.stderr)
        return 130
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
