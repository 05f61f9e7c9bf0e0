"""Entry point of the `desk` console script.

With no sub-command it opens the window. The window lives in the ``ui`` package,
which depends on ``desk``; to keep dependencies pointing down, the window is handed in
by the caller: the installed ``desk`` command is ``ui.launch:main``, which passes it. Run
without one (``python -c "from desk.cli.main import main; main()"``), the GUI is looked
up under the ``desk.gui`` entry-point group, which costs importlib.metadata's 30 ms.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from desk.errors import DeskError, classify
from desk.redaction import RedactingFilter, Secrets, redact

if TYPE_CHECKING:
    from desk.cli.context import CliContext

# What a GUI start imports before its window is on screen is kept small (issue 14): the
# commands' context (the database layer, SQLAlchemy, every service) is imported by a
# command, and the window imports it itself once its frame shows.

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
    "desk.cli.device_cmd",
    "desk.cli.sla_cmd",
    "desk.cli.calendar_cmd",
    "desk.cli.service_cmd",
    "desk.cli.major_cmd",
    "desk.cli.problem_cmd",
    "desk.cli.mail_cmd",
    "desk.cli.reply_cmd",
    "desk.cli.escalation_cmd",
    "desk.cli.kb_cmd",
    "desk.cli.audit_cmd",
]


DATABASE_HELP = "database URL (default: DESK_DATABASE_URL, the saved profile, or local SQLite)"
DEBUG_HELP = "show tracebacks and debug logging"
QUIET_HELP = "no warnings on stderr, errors only"


def _global_options(parser: argparse.ArgumentParser, *, default: object) -> None:
    """--database, --debug and -q/--quiet: before the command, and (``default`` SUPPRESS)
    after it, so ``desk db upgrade --database URL`` means what it says. A command with an
    option of the same spelling (``report sla --quiet``) keeps its own."""
    taken = parser._option_string_actions
    if "--database" not in taken:
        parser.add_argument("--database", metavar="URL", default=default, help=DATABASE_HELP)
    if "--debug" not in taken:
        parser.add_argument("--debug", action="store_true", default=default, help=DEBUG_HELP)
    if "--quiet" not in taken and "-q" not in taken:
        parser.add_argument("-q", "--quiet", action="store_true", default=default, help=QUIET_HELP)


def _subparsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):  # aliases map to one parser
                yield child
                yield from _subparsers(child)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="desk", description="Desk — university IT service desk.")
    _global_options(parser, default=None)
    parser.set_defaults(debug=False, quiet=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for child in _subparsers(parser):
        # Not given after the command: the attribute stays unset there, and the value
        # from before the command (or the default) stands.
        _global_options(child, default=argparse.SUPPRESS)
    return parser


def launch_gui(argv: Sequence[str]) -> int:
    from importlib.metadata import entry_points

    found = entry_points(group="desk.gui")
    gui = next(iter(found), None)
    if gui is None:
        print("desk: the desktop window is not installed (package 'ui' missing).", file=sys.stderr)
        return 1
    return int(gui.load()(list(argv)))


def window_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments when they name no command (``desk``, ``desk --database URL --debug``):
    the window starts without building the whole parser, which imports every command's
    module and what it needs (issue 14: most of a start went there). Anything else —
    a command, ``--help``, a mistake — is the parser's."""
    args = argparse.Namespace(command=None, database=None, debug=False, quiet=False)
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--database" and i + 1 < len(argv) and not argv[i + 1].startswith("-"):
            args.database = argv[i + 1]
            i += 2
        elif a.startswith("--database=") and len(a) > len("--database="):
            args.database = a.split("=", 1)[1]
            i += 1
        elif a == "--debug":
            args.debug = True
            i += 1
        elif a in ("-q", "--quiet"):
            args.quiet = True
            i += 1
        else:
            return None
    return args


def main(argv: Sequence[str] | None = None, gui: Callable[[list[str]], int] | None = None) -> int:
    """Run ``desk`` with ``argv``; ``gui`` opens the window (else the ``desk.gui`` entry point)."""
    if getattr(sys, "frozen", False):
        # A bundled build: the window's short-lived children (desk.sla.holiday_table)
        # start this same executable, which must run the child's work, not a window.
        import multiprocessing

        multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = window_only(argv)
    if args is None:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help, or a usage error already printed: its exit code (2)
            return exc.code if isinstance(exc.code, int) else 2
    if args.command is None:
        # The window masks the passwords it learns in its own log handlers; the console
        # handler masks any inside a URL or conninfo.
        with _console_log(args, tuple):
            return gui(argv) if gui is not None else launch_gui(argv)
    from desk.cli.context import CliContext

    ctx = CliContext(args)
    with _console_log(args, ctx.secrets):
        try:
            return _run(args, ctx)
        finally:
            ctx.close()


def _run(args: argparse.Namespace, ctx: CliContext) -> int:
    from sqlalchemy.exc import DBAPIError

    def fail(message: str, code: int) -> int:
        # Errors may quote a connection URL: nothing printed may show a password.
        if args.debug:
            print(redact(traceback.format_exc(), ctx.secrets()), file=sys.stderr, end="")
        print(redact(f"desk: {message}", ctx.secrets()), file=sys.stderr)
        return code

    try:
        return int(args.func(args, ctx) or 0)
    except DeskError as exc:  # setup, driver (classified in db.errors) and rule errors included
        return fail(str(exc), exc.exit_code)
    except DBAPIError as exc:
        typed = classify(exc)
        if typed is not None:
            return fail(str(typed), typed.exit_code)
        first = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return fail(f"database error: {first}", 1)
    except KeyboardInterrupt:
        print("desk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (desk … | head): nothing more to say, and no error for it.
        # stdout goes to /dev/null so the interpreter's last flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - a bug: one line here, the traceback with --debug
        lines = str(exc).strip().splitlines()
        hint = "" if args.debug else " (run with --debug for the traceback)"
        return fail(f"unexpected error ({type(exc).__name__}): {lines[0] if lines else ''}{hint}", 1)


class _OncePerCommand(logging.Filter):
    """Each warning once: an unavailable keyring is asked once per profile, per engine…"""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, int, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True  # --debug output stays complete
        key = (record.name, record.levelno, record.getMessage())
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


@contextmanager
def _console_log(args: argparse.Namespace, secrets: Secrets) -> Iterator[None]:
    """Warnings on stderr while the command runs, each once, passwords masked.

    ``--quiet`` (global, or a command's own such as ``report sla --quiet`` for cron)
    leaves errors only; ``--debug`` shows everything.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    quiet = getattr(args, "quiet", False)
    handler.setLevel(logging.DEBUG if args.debug else logging.ERROR if quiet else logging.WARNING)
    handler.addFilter(RedactingFilter(secrets))
    handler.addFilter(_OncePerCommand())
    root = logging.getLogger()
    previous = root.level
    if args.debug:
        root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


if __name__ == "__main__":
    sys.exit(main())
