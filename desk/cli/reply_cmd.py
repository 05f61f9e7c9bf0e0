"""desk reply list | add | delete: canned replies (yours, or your team's), for
desk ticket comment NUMBER --canned ID and Ctrl+E on the ticket page."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desk.cli.context import CliContext
from desk.errors import InvalidInput
from desk.replies.service import PLACEHOLDERS


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("reply", help="canned replies: yours, or your team's")
    s = p.add_subparsers(dest="reply_command", required=True, metavar="ACTION")
    ls = s.add_parser("list", help="the canned replies you may use (yours, then your teams')")
    ls.add_argument("--full", action="store_true", help="with their text")
    ls.set_defaults(func=list_cmd)
    add = s.add_parser("add", help="a new canned reply; placeholders: "
                                   + ", ".join("{" + x + "}" for x in PLACEHOLDERS))
    add.add_argument("title", help="what you pick it by")
    add.add_argument("--text", help="its text (or --file)")
    add.add_argument("--file", type=Path, help="its text from a UTF-8 file")
    add.add_argument("--team", help="shared with this team (you must be a member); default: yours alone")
    add.set_defaults(func=add_cmd)
    rm = s.add_parser("delete", help="delete one of yours or your team's")
    rm.add_argument("id", type=int, help="its number (desk reply list)")
    rm.set_defaults(func=delete_cmd)


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    replies = ctx.services.replies.available(actor)
    if not replies:
        print("No canned replies yet: desk reply add TITLE --text TEXT [--team TEAM]")
    for r in replies:
        print(f"{r.id:>5}  {r.title:<40} {r.scope}")
        if args.full:
            for line in r.body.splitlines():
                print(f"{'':>7}{line}")
    return 0


def add_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    if (args.text is None) == (args.file is None):
        raise InvalidInput("Give the text with --text or --file (one of them).", "text")
    if args.file is not None:
        try:
            body = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"Cannot read {args.file} as UTF-8 text ({exc.__class__.__name__}).", "file") from None
    else:
        body = sys.stdin.read() if args.text == "-" else args.text
    r = ctx.services.replies.save(actor, title=args.title, body=body, team=args.team)
    print(f"{r.id}: {r.title} ({r.scope})")
    return 0


def delete_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    ctx.services.replies.delete(actor, args.id)
    print(f"Canned reply {args.id} deleted.")
    return 0
