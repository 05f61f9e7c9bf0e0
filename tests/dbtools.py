"""Throwaway databases for tests: SQLite files and PostgreSQL databases, migrated once.

Each test gets a copy of a migrated, seeded template (a file copy on SQLite,
CREATE DATABASE … TEMPLATE on PostgreSQL), so no test sees another's rows.

Where the time goes on PostgreSQL 15 (measured on the 2-core test machine):

- CREATE DATABASE … TEMPLATE with the default WAL_LOG strategy: about 25 ms for the
  10 MB template; STRATEGY FILE_COPY: about 85 ms, because it forces two checkpoints
  (and a checkpoint flushes every dirty buffer of the cluster: slower still while other
  suites run). So copies keep WAL_LOG; a few are made ahead in the background.
- DROP DATABASE forces a checkpoint too: 80–250 ms one at a time, up to seconds under
  load, but eight dropped at once share one checkpoint (about 0.1 s for all eight).
  So released copies are dropped in parallel batches, off the test's path.
- Re-running security.apply on each copy (so it names its own group roles) took about
  60 ms more per staff-login test; the copies keep the template's groups (pg_logins).
- Connecting and disposing an engine: about 5 ms. synchronous_commit = off on the copies
  made no difference beyond the noise, so they commit as a real server does.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import threading
import uuid
from collections import deque
from collections.abc import Iterable
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

# Copies made ahead: enough for a run of quick tests while a drop batch holds the server.
POOL = 3
# Copies dropped together (they share the checkpoint each DROP DATABASE forces).
DROP_BATCH = 8


def _pg_conninfo(database: str | None = None) -> str:
    u = make_url(PG_ADMIN_URL)
    if database:
        u = u.set(database=database)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


def _admin() -> psycopg.Connection:
    return psycopg.connect(_pg_conninfo(), autocommit=True)


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
    with _admin() as conn:
        tmpl = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{tmpl}')  # STRATEGY WAL_LOG, PostgreSQL 15's default


def pg_drop(name: str) -> None:
    """Drop a test database now, then the group roles `desk db upgrade` made for it."""
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _drop_roles(conn, name)


def _drop_roles(conn: psycopg.Connection, database: str, roles: Iterable[str] = ()) -> None:
    """``roles`` (logins whose grants lived in ``database``), then its Desk groups. Roles
    are cluster-wide: the template's groups stay until its last copy is gone."""
    for role in [*roles, *(group_name(database, r) for r in reversed(LADDER))]:
        # Still granted in a copy that is not dropped yet: it goes with the last one.
        with contextlib.suppress(psycopg.errors.DependentObjectsStillExist):
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def migrated_seeded(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(Database.from_engine(engine))
    finally:
        engine.dispose()


class _Dropper:
    """Drops released databases in the background, ``DROP_BATCH`` at a time in parallel,
    then the roles that had to outlive them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, list[str]] = {}
        self._batches = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-drop")
        self._drops = ThreadPoolExecutor(max_workers=DROP_BATCH, thread_name_prefix="pg-drop-one")
        self._done: list[Future[None]] = []

    def later(self, name: str, roles: Iterable[str] = ()) -> None:
        with self._lock:
            self._pending.setdefault(name, []).extend(roles)
            if len(self._pending) < DROP_BATCH:
                return
            batch, self._pending = self._pending, {}
        self._done.append(self._batches.submit(self._drop, batch))

    def _drop(self, batch: dict[str, list[str]]) -> None:
        def one(name: str) -> None:
            with _admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        list(self._drops.map(one, batch))  # concurrent drops share one checkpoint
        with _admin() as conn:
            for name, roles in batch.items():
                _drop_roles(conn, name, roles)

    def finish(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, {}
        if batch:
            self._done.append(self._batches.submit(self._drop, batch))
        self._batches.shutdown(wait=True)
        self._drops.shutdown(wait=True)
        for done in self._done:
            done.result()  # a drop that failed says so at the end, not in silence


class Templates:
    """Builds each template once per test session, lazily, and hands out copies.

    PostgreSQL copies are made ahead (``POOL``) by a background thread while tests run;
    released ones are dropped in batches (see the module's notes); the session waits
    for all of it at the end.
    """

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.sqlite_template: Path | None = None
        self.pg_template: str | None = None
        self._creator = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-create")
        self._ready: deque[Future[str]] = deque()
        self._dropper = _Dropper()

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

    def _build_pg_template(self) -> str:
        name = f"desk_test_tmpl_{uuid.uuid4().hex[:8]}"
        pg_create(name)
        migrated_seeded(pg_url(name))
        with _admin() as conn:
            # Nobody connects to the template after this: not a stray test connection
            # (CREATE DATABASE would fail, "being accessed by other users"), and not a
            # staff login that is a member of the template's groups (pg_logins).
            conn.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        return name

    def pg_copy(self) -> str:
        if self.pg_template is None:
            self.pg_template = self._build_pg_template()
        while len(self._ready) < POOL + 1:
            self._ready.append(self._creator.submit(self._create_copy))
        return self._ready.popleft().result()

    def pg_release(self, name: str, roles: Iterable[str] = ()) -> None:
        """Drop this copy later, then ``roles`` (logins that may hold grants in it)."""
        self._dropper.later(name, roles)

    def cleanup(self) -> None:
        self._creator.shutdown(wait=True)
        for ready in self._ready:
            self._dropper.later(ready.result())
        self._dropper.finish()
        if self.pg_template:
            pg_drop(self.pg_template)
