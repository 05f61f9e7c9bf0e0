"""Throwaway databases for tests: SQLite files and PostgreSQL databases, migrated once.

Each test gets a copy of a migrated, seeded template (a file copy on SQLite,
CREATE DATABASE … TEMPLATE on PostgreSQL), so the suite stays fast.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from db.engine import Database, make_engine
from db.security import group_name
from db.security.tables import LADDER
from desk.connection import upgrade

PG_ADMIN_URL = os.environ.get("DESK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUIRE_PG = os.environ.get("DESK_REQUIRE_POSTGRES") == "1"


def _pg_conninfo(database: str | None = None) -> str:
    u = make_url(PG_ADMIN_URL)
    if database:
        u = u.set(database=database)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


def pg_available() -> str | None:
    """None if a PostgreSQL server answers, else the reason it does not."""
    try:
        with psycopg.connect(_pg_conninfo(), connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means "no server"
        return str(exc).strip().splitlines()[0]


def pg_url(database: str) -> str:
    return make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=database).render_as_string(
        hide_password=False)


def pg_create(name: str, template: str | None = None) -> None:
    with psycopg.connect(_pg_conninfo(), autocommit=True) as conn:
        tmpl = f" TEMPLATE {template}" if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{tmpl}')


def pg_drop(name: str) -> None:
    """Drop a test database and the group roles `desk db upgrade` made for it (roles are
    cluster-wide; the template's stay until its last copy is gone, then go with it)."""
    with psycopg.connect(_pg_conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for role in reversed(LADDER):
            # Still granted in a copy that is being dropped in the background: it goes later.
            with contextlib.suppress(psycopg.errors.DependentObjectsStillExist):
                conn.execute(f'DROP ROLE IF EXISTS "{group_name(name, role)}"')


def migrated_seeded(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(Database.from_engine(engine))
    finally:
        engine.dispose()


class Templates:
    """Builds each template once per test session, lazily.

    Creating and dropping a PostgreSQL database costs about a second each (fsync),
    so the next copy is created in the background while the current test runs, and
    drops happen in the background too; the suite waits for them at the end.
    """

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.sqlite_template: Path | None = None
        self.pg_template: str | None = None
        self._pg_admin = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-admin")
        self._next: Future[str] | None = None

    def sqlite_copy(self, dest: Path) -> str:
        if self.sqlite_template is None:
            self.sqlite_template = self.workdir / "template.sqlite3"
            migrated_seeded(f"sqlite:///{self.sqlite_template}")
        shutil.copyfile(self.sqlite_template, dest)
        return f"sqlite:///{dest}"

    def _create_copy(self) -> str:
        name = f"desk_test_{uuid.uuid4().hex[:10]}"
        pg_create(name, template=self.pg_template)
        return name

    def pg_copy(self) -> str:
        if self.pg_template is None:
            name = f"desk_test_tmpl_{uuid.uuid4().hex[:8]}"
            pg_create(name)
            migrated_seeded(pg_url(name))
            self.pg_template = name
        current = self._next if self._next is not None else self._pg_admin.submit(self._create_copy)
        self._next = self._pg_admin.submit(self._create_copy)
        return current.result()

    def pg_release(self, name: str) -> None:
        self._pg_admin.submit(pg_drop, name)

    def cleanup(self) -> None:
        if self._next is not None:
            self._pg_admin.submit(lambda f=self._next: pg_drop(f.result()))
        self._pg_admin.shutdown(wait=True)
        if self.pg_template:
            pg_drop(self.pg_template)
