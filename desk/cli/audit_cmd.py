"""desk audit verify: walk the audit log's hash chain and name the first broken link."""
from __future__ import annotations

import argparse

from desk.cli.context import CliContext
from desk.cli.output import to_json
from desk.common.audit import verify_chain


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("audit", help="the audit log")
    s = p.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    v = s.add_parser("verify", help="check every entry of the audit log against its hash chain "
                                    "(exit code 1 when an entry was changed, removed or bypassed the server)")
    v.add_argument("--json", action="store_true", help="print the result as JSON for scripts (times in UTC)")
    v.set_defaults(func=verify_cmd)


def verify_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    verdict = verify_chain(ctx.db)
    if args.json:
        print(to_json({"ok": verdict.ok, "entries": verdict.entries, "head_seq": verdict.head_seq,
                       "head_hash": verdict.head_hash, "first_bad_id": verdict.first_bad_id,
                       "first_bad_seq": verdict.first_bad_seq, "problem": verdict.problem}))
    elif verdict.ok:
        head = f"; head: entry {verdict.head_seq:,} sha256 {verdict.head_hash}" if verdict.entries else ""
        print(f"Audit log on {ctx.db.description}: {verdict.entries:,} entries, chain intact{head}")
    else:
        print(f"Audit log on {ctx.db.description}: CHAIN BROKEN after {verdict.entries:,} good entries: "
              f"{verdict.problem}")
    return 0 if verdict.ok else 1
