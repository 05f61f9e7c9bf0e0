"""Schema migrations: upgrade, current revision, and the start-up version check."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from db.errors import DatabaseSetupError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    """Where the migrations are; nothing else.

    The database is never named here: Desk hands Alembic an open connection
    (``cfg.attributes["connection"]``). A URL in the config would carry the password
    into Alembic's ConfigParser, which reads ``%`` as interpolation and fails on a
    password such as ``p%40ss`` with a message that prints the password.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {heads}")
    return heads[0]


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)


def downgrade(engine: Engine, target: str) -> None:
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
