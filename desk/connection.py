"""Choosing and opening the database: --database, DESK_DATABASE_URL, a profile, or local SQLite."""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import URL, make_url
from sqlalchemy.exc import OperationalError

from db import migrate
from db.engine import Database, make_engine, sqlite_path
from db.errors import DatabaseSetupError
from desk import credentials, paths, profiles
from desk.seed import upgrade_database

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


def with_password(url: URL, prompt: PasswordPrompt | None = None) -> URL:
    """Fill a PostgreSQL password from keyring (or ask once and remember it)."""
    if url.get_backend_name() != "postgresql" or url.password or not url.username:
        return url
    key = credentials.key_for(url.username, url.host or "localhost", url.port, url.database or "")
    password = credentials.get_password(key)
    if password is None and prompt is not None:
        password = prompt(key)
        if password:
            credentials.set_password(key, password)
    return url.set(password=password) if password else url


def open_database(target: Target, *, prompt: PasswordPrompt | None = None, migrate_local: bool = True) -> Database:
    """Connect; migrate a local SQLite file; refuse a shared schema that does not match."""
    url = with_password(target.url, prompt)
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseSetupError(f"Cannot connect to {describe(url)} ({target.source}): {reason}") from None
    db = Database.from_engine(engine)
    if target.is_local and migrate_local and sqlite_path(url) is not None:
        current = migrate.current_revision(engine)
        if current is not None and current not in migrate.known_revisions():
            migrate.check_schema(engine, how_to_upgrade="desk db upgrade")
        if current != migrate.head_revision():
            upgrade_database(engine)
    else:
        migrate.check_schema(engine, how_to_upgrade=f"desk db upgrade --database '{describe(url)}'")
    return db


def describe(url: URL) -> str:
    return url.render_as_string(hide_password=True)
