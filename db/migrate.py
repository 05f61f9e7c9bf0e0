"""Schema migrations: upgrade, current revision, and the start-up version check."""
from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, inspect, text

from db.errors import DatabaseSetupError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Alembic is imported only to migrate: every start checks the schema's revision, and
# importing Alembic (and executing each migration file to learn the graph) cost a good
# part of the window's start-up. The graph is read from the files' own two lines instead;
# tests/db/test_migrations.py checks it against Alembic's.
_REVISION = re.compile(r"^revision: str = ['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision: [^=]+= (None|['\"][^'\"]*['\"])", re.M)


def alembic_config() -> Config:
    """Where the migrations are; nothing else.

    The database is never named here: Desk hands Alembic an open connection
    (``cfg.attributes["connection"]``). A URL in the config would carry the password
    into Alembic's ConfigParser, which reads ``%`` as interpolation and fails on a
    password such as ``p%40ss`` with a message that prints the password.
    """
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@functools.cache
def revision_graph() -> dict[str, str | None]:
    """Each revision and the one it follows, from the migration files themselves."""
    graph: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(source), _DOWN.search(source)
        if rev is None or down is None:
            raise RuntimeError(f"{path.name}: no 'revision: str = …' / 'down_revision: … = …' line")
        graph[rev.group(1)] = None if down.group(1) == "None" else down.group(1).strip("'\"")
    return graph


def head_revision() -> str:
    graph = revision_graph()
    heads = sorted(set(graph) - {d for d in graph.values() if d})
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {heads}")
    return heads[0]


def known_revisions() -> set[str]:
    return set(revision_graph())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, target: str = "head") -> list[str]:
    """Migrate to ``target``; returns the revisions applied, oldest first.

    A database of another application is refused, not joined.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    cfg = alembic_config()
    applied: list[str] = []

    def on_apply(*, step: Any, **_: Any) -> None:
        if step.is_upgrade:
            applied.extend(step.up_revision_ids)

    with engine.begin() as conn:
        if MigrationContext.configure(conn).get_current_revision() is None:
            refuse_foreign(conn)
        cfg.attributes["connection"] = conn
        cfg.attributes["on_version_apply"] = on_apply
        command.upgrade(cfg, target)
    return applied


def refuse_foreign(conn: Connection) -> None:
    """Refuse a database that has no Desk schema but holds other tables.

    Pointing Desk at another application's SQLite file, or at a PostgreSQL database
    in use by something else, must not quietly add Desk's tables to it. An empty
    database (a new or zero-byte file, an empty public schema) is fine, and so is
    one that a downgrade left with only ``alembic_version``.
    """
    found = inspect(conn)
    names = set(found.get_table_names()) | set(found.get_view_names())
    if conn.dialect.name == "postgresql":
        names |= set(found.get_materialized_view_names()) | set(found.get_sequence_names())
    names.discard("alembic_version")
    if not names:
        return
    url = conn.engine.url
    if conn.dialect.name == "sqlite":
        raise _foreign_file(Path(url.database or ""), names)
    schema = found.default_schema_name or "public"
    raise DatabaseSetupError(
        f"The database {url.render_as_string(hide_password=True)} has tables in its {schema} schema "
        f"({_listed(names)}) but no Desk schema; Desk will not add its tables to another application's "
        "database. Create an empty database for Desk (CREATE DATABASE desk) and point Desk at that."
    )


def refuse_foreign_file(path: Path) -> None:
    """The same check on an SQLite file, read-only, before any engine opens it.

    Desk's engine switches a file to WAL on connect, which would already change another
    application's file; a file that is not SQLite at all is refused here too.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as probe:
            names = {n for (n,) in probe.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")}
    except sqlite3.DatabaseError as exc:
        raise DatabaseSetupError(f"{path} is not an SQLite database ({exc}); Desk will not use it. "
                                 "Point Desk at a new or empty file instead.") from None
    if "alembic_version" not in names and names:
        raise _foreign_file(path, names)


def _listed(names: set[str]) -> str:
    return ", ".join(sorted(names)[:5]) + (", …" if len(names) > 5 else "")


def _foreign_file(path: Path, names: set[str]) -> DatabaseSetupError:
    return DatabaseSetupError(
        f"The SQLite file {path} holds another application's tables ({_listed(names)}) and no Desk "
        "schema; Desk will not add its tables to it. Point Desk at a new or empty file instead "
        "(--database sqlite:////path/to/desk.sqlite3)."
    )


def downgrade(engine: Engine, target: str) -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, target)


def check_schema(engine: Engine, *, how_to_upgrade: str) -> None:
    """Refuse a database whose schema is older or newer than this Desk knows."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is None:
        raise DatabaseSetupError(
            f"The database has no Desk schema yet. Run: {how_to_upgrade}"
        )
    if current not in known_revisions():
        raise DatabaseSetupError(
            f"The database schema ({current}) is newer than this Desk knows ({head}); "
            "it was upgraded by a newer release. Install the newer Desk on this workstation."
        )
    raise DatabaseSetupError(
        f"The database schema ({current}) is older than this Desk needs ({head}). "
        f"Ask an administrator to run: {how_to_upgrade}"
    )
