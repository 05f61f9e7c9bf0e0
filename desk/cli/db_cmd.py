"""desk db upgrade | current."""
from __future__ import annotations

import argparse

from sqlalchemy import Engine

from db import migrate
from db.engine import Database
from desk.cli.context import CliContext
from desk.connection import describe
from desk.connection import upgrade as upgrade_database
from desk.rules import labels


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("db", help="database schema")
    s = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = s.add_parser("upgrade", help="migrate the schema to this release and seed reference data")
    up.set_defaults(func=upgrade)
    cur = s.add_parser("current", help="show the schema revision and what this release needs")
    cur.set_defaults(func=current)


def _engine(ctx: CliContext) -> Engine:
    return ctx.admin_engine()


def upgrade(args: argparse.Namespace, ctx: CliContext) -> int:
    engine = _engine(ctx)
    try:
        before = migrate.current_revision(engine)
        repinned = upgrade_database(Database.from_engine(engine))
        after = migrate.current_revision(engine)
        pins = (f"; SLA columns measured again, {labels.count(repinned, 'ticket')} changed"
                if repinned else "")
        print(f"{describe(engine.url)}: {before or 'empty'} → {after}{pins}")
    finally:
        engine.dispose()
    return 0


def current(args: argparse.Namespace, ctx: CliContext) -> int:
    engine = _engine(ctx)
    try:
        rev = migrate.current_revision(engine)
        head = migrate.head_revision()
        state = "up to date" if rev == head else ("needs upgrade" if rev in migrate.known_revisions() or rev is None
                                                   else "newer than this release")
        print(f"{describe(engine.url)}: schema {rev or 'none'}; this Desk needs {head} ({state})")
    finally:
        engine.dispose()
    return 0
