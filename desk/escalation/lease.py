"""Who among the open workstations runs the SLA alert job: one holds it, the others
stand by and take over when it goes.

* **PostgreSQL**: a session-level advisory lock on a connection of the holder's own. The
  server decides (``pg_try_advisory_lock`` is atomic) and frees it the moment that
  connection ends, however the process ended (quit, crash, kill -9, cable pulled), so a
  stand-by takes over at its next try.
* **SQLite** (one file, possibly several processes): a lease row in ``job_leases`` renewed
  at every tick and taken over once it has lapsed (``TTL``). The update that takes or
  renews it runs in a write transaction, which SQLite serialises.

Both also keep the ``job_leases`` row current, so ``desk escalation status`` and the
set-up page can say which workstation holds the job and since when. Correctness never
rests on the lease: an alert is unique per ticket, target and level (desk.escalation.service).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import zlib
from typing import Protocol

from sqlalchemy import Connection, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from db.engine import Database
from db.models import JobLease
from desk.clock import Clock, utc_now
from desk.escalation.detect import aware

JOB = "sla_alerts"
TTL = dt.timedelta(seconds=90)     # a lapsed lease: the holder missed several ticks
# The advisory lock key: stable, and unlikely to meet another application's on the server.
ADVISORY_KEY = zlib.crc32(b"desk:" + JOB.encode()) & 0x7FFFFFFF


class Lease(Protocol):
    holder: str

    def hold(self) -> bool:
        """Take or keep the job; True while this process holds it."""
        ...

    def release(self) -> None:
        ...


class TableLease:
    """The lease row alone (SQLite; and the fallback where advisory locks are not)."""

    def __init__(self, db: Database, holder: str, *, clock: Clock = utc_now, ttl: dt.timedelta = TTL,
                 job: str = JOB) -> None:
        self.db = db
        self.holder = holder
        self.clock = clock
        self.ttl = ttl
        self.job = job

    def hold(self) -> bool:
        now = self.clock()
        with self.db.writing() as s:
            dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
            s.execute(dialect.insert(JobLease).values(name=self.job, holder=self.holder, acquired_at=now,
                                                      expires_at=now + self.ttl, generation=1)
                      .on_conflict_do_nothing(index_elements=["name"]))
            row = s.execute(select(JobLease).where(JobLease.name == self.job).with_for_update()).scalar_one()
            expires = aware(row.expires_at)
            if row.holder == self.holder:
                row.expires_at = now + self.ttl
                return True
            if expires <= now:
                row.holder, row.acquired_at, row.expires_at = self.holder, now, now + self.ttl
                row.generation += 1
                return True
            return False

    def release(self) -> None:
        """Give the job up now (a clean exit), so a stand-by need not wait for the lapse."""
        now = self.clock()
        with self.db.writing() as s:
            s.execute(update(JobLease).where(JobLease.name == self.job, JobLease.holder == self.holder)
                      .values(expires_at=now))


class AdvisoryLease:
    """PostgreSQL: the advisory lock decides; the lease row only says who has it."""

    def __init__(self, db: Database, holder: str, *, clock: Clock = utc_now, key: int = ADVISORY_KEY,
                 job: str = JOB) -> None:
        self.db = db
        self.holder = holder
        self.clock = clock
        self.key = key
        self.job = job
        self._conn: Connection | None = None
        self._record = TableLease(db, holder, clock=clock, job=job)

    def hold(self) -> bool:
        if self._conn is not None and not self._alive(self._conn):
            self._drop()
        if self._conn is None:
            conn = self.db.engine.connect()
            # Out of the pool: closing it must end the session (and free the lock), never
            # hand a locked session to the next borrower.
            conn.detach()
            try:
                got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar())
                conn.commit()     # the lock is the session's, not a transaction's
            except Exception:
                conn.close()
                raise
            if not got:
                conn.close()
                # Someone holds the lock. A holder doing the job renews the lease row at
                # every tick; a lock held by a session that never does (a psql login
                # sitting on it, a wedged process) lets the row lapse, and then the row
                # decides among the stand-bys as it does on SQLite: the job is not stopped
                # by whoever merely holds the lock.
                return self._record.hold()
            self._conn = conn
            self._take_row()
        elif not self._record.hold():
            self._take_row()      # the lock is ours: a stand-by covering a lapse gives way
        return True

    def _take_row(self) -> None:
        """The lock is ours: the row says so, whatever a departed holder left in it."""
        now = self.clock()
        with self.db.writing() as s:
            dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
            s.execute(dialect.insert(JobLease).values(name=self.job, holder=self.holder, acquired_at=now,
                                                      expires_at=now + TTL, generation=1)
                      .on_conflict_do_update(index_elements=["name"], set_={
                          "holder": self.holder, "acquired_at": now, "expires_at": now + TTL,
                          "generation": JobLease.generation + 1}))

    @staticmethod
    def _alive(conn: Connection) -> bool:
        try:
            conn.execute(text("SELECT 1"))
            conn.commit()
            return True
        except Exception:   # noqa: BLE001 - a dead connection means the lock is gone with it
            return False

    def _drop(self) -> None:
        if self._conn is not None:
            # Closing a dead connection may fail; it is gone either way.
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                self._conn.commit()
                self._record.release()
            finally:
                self._drop()


def for_database(db: Database, holder: str, *, clock: Clock = utc_now) -> Lease:
    return AdvisoryLease(db, holder, clock=clock) if db.dialect == "postgresql" else TableLease(db, holder, clock=clock)


def current_holder(db: Database, now: dt.datetime) -> tuple[str, dt.datetime] | None:
    """Who holds the job and since when (None: nobody, or the lease lapsed)."""
    with db.reading() as s:
        row = s.execute(select(JobLease).where(JobLease.name == JOB)).scalar_one_or_none()
        if row is None:
            return None
        expires = aware(row.expires_at)
        if expires <= now:
            return None
        since = aware(row.acquired_at)
        return row.holder, since
