"""Choosing and opening the database: --database, DESK_DATABASE_URL, a profile, or local SQLite."""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import URL, Engine, make_url
from sqlalchemy.exc import OperationalError

from db import migrate, security
from db.engine import Database, make_engine, sqlite_path
from db.errors import DatabaseSetupError
from desk import credentials, paths, profiles
from desk.seed import seed_reference_data

log = logging.getLogger(__name__)
PasswordPrompt = Callable[[str], str | None]


@dataclass(frozen=True)
class Target:
    url: URL
    source: str  # where the choice came from, for messages

    @property
    def is_local(self) -> bool:
        return self.url.get_backend_name() == "sqlite"


def choose(database: str | None = None) -> Target:
    if database:
        return Target(make_url(database), "--database")
    env = os.environ.get("DESK_DATABASE_URL")
    if env:
        return Target(make_url(env), "DESK_DATABASE_URL")
    profile = profiles.default_profile()
    if profile:
        return Target(make_url(profile.url), f"profile {profile.name!r}")
    return Target(make_url(f"sqlite:///{paths.default_sqlite_path()}"), "local default")


def password_key(url: URL) -> str | None:
    """The keyring entry of a PostgreSQL login (None where Desk keeps no password)."""
    if url.get_backend_name() != "postgresql" or not url.username:
        return None
    return credentials.key_for(url.username, url.host or "localhost", url.port, url.database or "")


def _first_line(exc: OperationalError) -> str:
    lines = str(exc.orig or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _password_needed(exc: OperationalError) -> bool:
    # libpq's own words when the server asks for a password it was not given.
    return "no password supplied" in str(exc.orig or exc)


def _password_refused(exc: OperationalError) -> bool:
    return "password authentication failed" in str(exc.orig or exc)  # SQLSTATE 28P01


def _connected(url: URL) -> Engine:
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except OperationalError:
        engine.dispose()
        raise
    return engine


def connect(target: Target, prompt: PasswordPrompt | None = None) -> Engine:
    """An engine whose first connection worked, asking for a password only if the server needs one.

    The first try goes as configured: a server on trust or peer authentication, a
    ``~/.pgpass`` or ``PGPASSWORD`` need nothing from Desk. Only when the server answers
    that a password is required does Desk take the one saved in the keyring, and only
    if there is none or the server refuses it does it ask (once); a password that
    worked is saved in the keyring for next time.
    """
    url = target.url
    path = sqlite_path(url)
    if path is not None:
        migrate.refuse_foreign_file(path)
    try:
        return _connected(url)
    except OperationalError as exc:
        key = password_key(url) if url.password is None else None
        if key is None or not _password_needed(exc):
            raise _cannot_connect(target, exc) from None
    saved = credentials.get_password(key)
    if saved:
        try:
            return _connected(url.set(password=saved))
        except OperationalError as exc:
            if not _password_refused(exc):
                raise _cannot_connect(target, exc) from None
            log.info("the server refused the password saved for %s; asking", key)
    password = prompt(key) if prompt is not None else None
    if not password:
        given = "the one saved in the system keyring was refused" if saved else "none was given"
        raise DatabaseSetupError(
            f"{describe(url)} ({target.source}) needs the password of {url.username}, and {given}. "
            "Save it once with: desk profile add NAME --url URL --password-stdin"
        )
    try:
        engine = _connected(url.set(password=password))
    except OperationalError as exc:
        raise _cannot_connect(target, exc) from None
    credentials.remember_password(key, password)
    return engine


def _cannot_connect(target: Target, exc: OperationalError) -> DatabaseSetupError:
    return DatabaseSetupError(f"Cannot connect to {describe(target.url)} ({target.source}): {_first_line(exc)}")


def open_database(target: Target, *, prompt: PasswordPrompt | None = None, migrate_local: bool = True) -> Database:
    """Connect; migrate a local SQLite file; refuse a shared schema that does not match."""
    engine = connect(target, prompt)
    url = engine.url
    db = Database.from_engine(engine)
    if target.is_local and migrate_local and sqlite_path(url) is not None:
        current = migrate.current_revision(engine)
        if current is not None and current not in migrate.known_revisions():
            migrate.check_schema(engine, how_to_upgrade="desk db upgrade")
        if current != migrate.head_revision():
            upgrade(db, workers=1)  # no worker processes forked from the window's process
    else:
        migrate.check_schema(engine, how_to_upgrade=f"desk --database '{describe(url)}' db upgrade")
    return db


# Revisions that (re)create ``incidents.sla_version_id`` empty, as after a downgrade past
# them: every ticket's SLA pin is measured again once the SLA definitions are seeded.
REPIN_AFTER = frozenset({"0005_sla_pin"})
# Revisions after which every ticket's SLA columns are measured again: the rule they
# are computed by changed ("breached past 100 %", see db/migrations/versions/0018_sla_outcomes.py).
RECOMPUTE_AFTER = frozenset({"0018_sla_outcomes"})


def upgrade(db: Database, *, workers: int | None = None) -> int:
    """Bring the database to this release (what ``desk db upgrade`` does, as the schema
    owner): migrate, seed reference data and the rule tables, restore SLA pins, then on
    PostgreSQL the server's group roles, grants, triggers and policies (db.security).

    Returns how many tickets were measured again: because their pin had been dropped,
    or (``RECOMPUTE_AFTER``) because the rule the stored SLA columns follow changed.
    """
    applied = migrate.upgrade(db.engine)
    seed_reference_data(db)
    repinned = 0
    if not RECOMPUTE_AFTER.isdisjoint(applied):
        from desk.sla.backfill import recompute_all

        repinned = recompute_all(db, workers=workers)
    elif not REPIN_AFTER.isdisjoint(applied):
        from desk.sla.backfill import recompute_all

        repinned = recompute_all(db, workers=workers, where="sla_version_id IS NULL")
    with db.engine.begin() as conn:
        security.apply(conn)
    return repinned


def describe(url: URL) -> str:
    return url.render_as_string(hide_password=True)
