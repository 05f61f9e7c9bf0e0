"""Engine and session factories for SQLite (embedded) and PostgreSQL (shared).

Sessions are handed out per unit of work; there is no module-level session.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from db import audit_chain
from db.errors import DatabaseSetupError, classify
from db.filesystems import filesystem_type, is_network_filesystem

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15_000
# Engine execution option that asks SQLite for BEGIN IMMEDIATE: a deferred
# transaction that later writes can fail with "database is locked" at once,
# ignoring the busy timeout.
WRITE_OPTION = "desk_write"


def sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def check_sqlite_location(path: Path) -> None:
    probe = path if path.exists() else path.parent
    if is_network_filesystem(probe):
        raise DatabaseSetupError(
            f"The SQLite database {path} is on a network file system "
            f"({filesystem_type(probe)}). SQLite corrupts data when several machines share "
            "a file over NFS/SMB. Use a shared PostgreSQL server instead "
            "(--database postgresql://user@server/desk) or keep the file on a local disk."
        )


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so BEGIN is ours to emit.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        mode = cur.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode and str(mode[0]).lower() != "wal":
            log.warning("SQLite refused WAL mode (got %s)", mode[0])
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        audit_chain.forget_head(conn.info)
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _install_chain_hooks(engine: Engine) -> None:
    """The audit chain's head cached by a writer (db.audit_chain) is wrong after a
    rollback, a savepoint's included (an import rolls back one bad person that way)."""
    @event.listens_for(engine, "rollback")
    def _on_rollback(conn: Any) -> None:
        audit_chain.forget_head(conn.info)

    @event.listens_for(engine, "rollback_savepoint")
    def _on_rollback_savepoint(conn: Any, _name: Any, _context: Any) -> None:
        audit_chain.forget_head(conn.info)


def _install_postgres_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Desk writes its own audit rows when it runs as the schema owner; the owner's
        # other sessions (psql) are audited by the server's triggers (db.security).
        # A staff login cannot opt out with this: the triggers ignore it for them.
        with dbapi_conn.cursor() as cur:
            cur.execute("SELECT set_config('desk.app', 'on', false)")
        dbapi_conn.commit()


def make_engine(url: str | URL, *, check_location: bool = True, **kwargs: Any) -> Engine:
    u = make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(u)
        if path is not None:
            if check_location:
                check_sqlite_location(path)
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            u, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **kwargs,
        )
        _install_sqlite_hooks(engine)
        _install_chain_hooks(engine)
        return engine
    if backend == "postgresql":
        if u.drivername == "postgresql":
            u = u.set(drivername="postgresql+psycopg")
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("connect_args", {"connect_timeout": 10, "application_name": "desk"})
        engine = create_engine(u, **kwargs)
        _install_postgres_hooks(engine)
        _install_chain_hooks(engine)
        return engine
    raise DatabaseSetupError(
        f"Unsupported database {backend!r}: Desk runs on SQLite (local) or PostgreSQL (shared)."
    )


@dataclass(frozen=True)
class Database:
    """The engine and the two session factories a unit of work draws from."""

    engine: Engine
    read_sessions: sessionmaker[Session]
    write_sessions: sessionmaker[Session]

    @classmethod
    def from_engine(cls, engine: Engine) -> Database:
        write_bind = engine.execution_options(**{WRITE_OPTION: True})
        return cls(
            engine=engine,
            read_sessions=sessionmaker(engine, expire_on_commit=False),
            write_sessions=sessionmaker(write_bind, expire_on_commit=False),
        )

    @classmethod
    def connect(cls, url: str | URL, **kwargs: Any) -> Database:
        return cls.from_engine(make_engine(url, **kwargs))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def description(self) -> str:
        """Where the data lives, for status bars and report footers (no password)."""
        u = self.engine.url
        if u.get_backend_name() == "sqlite":
            return f"local SQLite {u.database}"
        return f"PostgreSQL {u.username or ''}@{u.host or 'localhost'}:{u.port or 5432}/{u.database}"

    @contextmanager
    def reading(self) -> Iterator[Session]:
        try:
            with self.read_sessions() as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise classify(exc) or exc from exc

    @contextmanager
    def quick_reading(self) -> Iterator[Session]:
        """A read whose statements each stand on their own (a page of the queue: its ids,
        then its rows). On PostgreSQL it runs without BEGIN and COMMIT: under READ
        COMMITTED every statement takes its own snapshot inside a transaction too, so the
        two round trips bought nothing, and they were two of a page's five. On SQLite it
        is ``reading``: there the transaction is what holds one snapshot, and costs no
        round trip. Nothing that needs SET LOCAL or one snapshot belongs here."""
        if self.engine.dialect.name != "postgresql":
            with self.reading() as session:
                yield session
            return
        try:
            with self.read_sessions() as session, session.begin():
                session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
                yield session
        except DBAPIError as exc:
            raise classify(exc) or exc from exc

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One unit of work. A driver error that means something to the user (busy, disk
        full, server gone, a rule the server refused) comes out as its typed error."""
        try:
            with self.write_sessions() as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise classify(exc) or exc from exc

    def dispose(self) -> None:
        self.engine.dispose()
