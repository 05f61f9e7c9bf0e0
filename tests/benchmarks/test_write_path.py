"""The write path with the server writing and chaining the audit log, and `desk audit verify`.

    make bench PYTEST_ARGS="-k write_path"

Reported beside the figures of the issue (before the server wrote the audit: 1,000
tickets through the service in 4.9 s on SQLite and 7.8 s on PostgreSQL) and beside the
raw-driver floor measured in the same run (1,000 plain INSERTs of an incident row and
its audit rows, one transaction each). Target: within 1.5× of before, nothing lost under
20 concurrent writers, and the chain intact afterwards.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Connection, make_url

from db import audit_chain
from db.engine import Database
from db.enums import Role
from desk.bootstrap import Services
from desk.common.audit import verify_chain
from desk.incidents.service import NewIncident
from tests import dbtools
from tests.pg_logins import staff_logins

TICKETS = int(os.environ.get("DESK_BENCH_TICKETS", "1000"))
WRITERS = 20
EACH = int(os.environ.get("DESK_BENCH_WRITER_TICKETS", "25"))
BEFORE_S = {"sqlite": 4.9, "postgres": 7.8}
VERIFY_ENTRIES = int(os.environ.get("DESK_BENCH_AUDIT_ENTRIES", "1000000"))


def _open_many(services: Services, n: int) -> float:
    me = services.staff.resolve_actor()
    t = time.perf_counter()
    for i in range(n):
        services.incidents.open(me, NewIncident(title=f"Printer {i} jams on level 3", impact="medium",
                                                urgency="medium"))
    return time.perf_counter() - t


def _floor_sqlite(path: Path, n: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE inc (id INTEGER PRIMARY KEY, number TEXT, title TEXT, at TEXT)")
    conn.execute("CREATE TABLE aud (id INTEGER PRIMARY KEY, entity_id INTEGER, field TEXT, new TEXT, at TEXT)")
    t = time.perf_counter()
    for i in range(n):
        conn.execute("BEGIN IMMEDIATE")
        cur = conn.execute("INSERT INTO inc(number, title, at) VALUES (?, ?, datetime('now'))", (f"INC-{i}", "x"))
        for f in ("created", "status", "priority"):
            conn.execute("INSERT INTO aud(entity_id, field, new, at) VALUES (?, ?, 'x', datetime('now'))",
                         (cur.lastrowid, f))
        conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - t


def _floor_pg(url: str, n: int) -> float:
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)) as c:
        c.execute("CREATE TEMP TABLE inc (id serial PRIMARY KEY, number text, title text, at timestamptz)")
        c.execute("CREATE TEMP TABLE aud (id serial PRIMARY KEY, entity_id int, field text, new text, at timestamptz)")
        c.commit()
        t = time.perf_counter()
        for i in range(n):
            (iid,) = c.execute("INSERT INTO inc(number, title, at) VALUES (%s, 'x', now()) RETURNING id",
                               (f"INC-{i}",)).fetchone() or (0,)
            for f in ("created", "status", "priority"):
                c.execute("INSERT INTO aud(entity_id, field, new, at) VALUES (%s, %s, 'x', now())", (iid, f))
            c.commit()
        return time.perf_counter() - t


def _report(label: str, engine: str, seconds: float, floor: float) -> None:
    before = BEFORE_S[engine] * TICKETS / 1000
    print(f"\n{label}: {TICKETS:,} tickets in {seconds:.2f} s ({seconds / TICKETS * 1000:.2f} ms each); "
          f"before the server audit {before:.1f} s → {seconds / before:.2f}× (target ≤ 1.5×); "
          f"raw-driver floor {floor:.2f} s ({seconds / floor:.1f}× the floor)")


def test_write_path_sqlite(sqlite_url: str, tmp_path: Path) -> None:
    db = Database.connect(sqlite_url)
    try:
        seconds = _open_many(Services.over(db), TICKETS)
        assert verify_chain(db).ok
    finally:
        db.dispose()
    _report("SQLite, services write and chain the audit", "sqlite", seconds, _floor_sqlite(tmp_path / "f.db", TICKETS))


def test_write_path_postgres_staff_login(db_templates: dbtools.Templates, postgres_url: str) -> None:
    with staff_logins(db_templates, postgres_url, [("tech", Role.TECHNICIAN)]) as (owner, _admin, logins):
        db, services = logins["tech"].services()
        try:
            seconds = _open_many(services, TICKETS)
        finally:
            db.dispose()
        assert verify_chain(owner.db).ok
        floor = _floor_pg(postgres_url, TICKETS)
    _report("PostgreSQL, a technician's login, the server writes and chains the audit", "postgres",
            seconds, floor)


def test_twenty_concurrent_staff_logins_lose_nothing(db_templates: dbtools.Templates, postgres_url: str) -> None:
    keys = [(f"w{i:02d}", Role.COUNTER) for i in range(WRITERS)]
    with staff_logins(db_templates, postgres_url, keys) as (owner, _admin, logins):
        numbers: list[str] = []
        errors: list[BaseException] = []
        barrier = threading.Barrier(WRITERS)

        def work(key: str) -> None:
            db, services = logins[key].services()
            try:
                me = services.staff.resolve_actor()
                barrier.wait()
                for i in range(EACH):
                    v = services.incidents.open(me, NewIncident(title=f"{key} ticket {i}"))
                    services.incidents.comment(me, v.number, "Logged at the counter")
                    numbers.append(v.number)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.dispose()

        threads = [threading.Thread(target=work, args=(k,)) for k, _ in keys]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=600)
        seconds = time.perf_counter() - t
        assert not errors, errors[:3]
        assert sorted(numbers) == [f"INC-{n:06d}" for n in range(1, WRITERS * EACH + 1)]
        verdict = verify_chain(owner.db)
        assert verdict.ok, verdict.problem
        with owner.db.reading() as s:
            from sqlalchemy import func, select

            from db.models import AuditEntry

            created = s.execute(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.entity == "incident", AuditEntry.field == "created")).scalar_one()
        assert created == WRITERS * EACH
    print(f"\n{WRITERS} counter logins at once, {WRITERS * EACH} tickets with a comment each: {seconds:.1f} s, "
          f"every number once, every ticket audited, chain of {verdict.entries:,} entries intact")


def _timed_verify(conn: Connection) -> tuple[audit_chain.Verdict, float, float]:
    """`desk audit verify`'s walk, and reading the same rows alone with the raw driver."""
    t = time.perf_counter()
    verdict = audit_chain.verify(conn)
    seconds = time.perf_counter() - t
    t = time.perf_counter()
    conn.exec_driver_sql("SELECT id, at, actor_id, db_user, entity, entity_id, field, old_value, "
                         "new_value, reason, seq, hash FROM audit_log ORDER BY seq").fetchall()
    return verdict, seconds, time.perf_counter() - t


def _fill_sqlite_log(path: Path, n: int) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at DATETIME, actor_id INTEGER, db_user VARCHAR, "
            "entity VARCHAR, entity_id INTEGER, field VARCHAR, old_value TEXT, new_value TEXT, reason TEXT, "
            "seq INTEGER, hash VARCHAR)")
        conn.exec_driver_sql("CREATE UNIQUE INDEX ux_audit_log_seq ON audit_log(seq)")
        rows = []
        for i in range(n):
            rows.append(audit_chain.next_link(conn, {
                "at": f"2026-0{1 + i % 9}-1{i % 10} 1{i % 10}:00:00.000000", "actor_id": 1 + i % 40,
                "db_user": None, "entity": "incident", "entity_id": i // 8, "field": "status",
                "old_value": "new", "new_value": "assigned", "reason": None}))
            if len(rows) == 50_000:
                conn.exec_driver_sql(
                    "INSERT INTO audit_log(at, actor_id, db_user, entity, entity_id, field, old_value, new_value, "
                    "reason, seq, hash) VALUES (:at, :actor_id, :db_user, :entity, :entity_id, :field, :old_value, "
                    ":new_value, :reason, :seq, :hash)", rows)
                rows = []
        if rows:
            conn.exec_driver_sql(
                "INSERT INTO audit_log(at, actor_id, db_user, entity, entity_id, field, old_value, new_value, "
                "reason, seq, hash) VALUES (:at, :actor_id, :db_user, :entity, :entity_id, :field, :old_value, "
                ":new_value, :reason, :seq, :hash)", rows)
    engine.dispose()


def test_verify_a_million_entries(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    path = tmp_path / "audit.sqlite3"
    t = time.perf_counter()
    _fill_sqlite_log(path, VERIFY_ENTRIES)
    build = time.perf_counter() - t
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            verdict, seconds, floor = _timed_verify(conn)
    finally:
        engine.dispose()
    assert verdict.ok and verdict.entries == VERIFY_ENTRIES
    print(f"\ndesk audit verify over {VERIFY_ENTRIES:,} entries (SQLite): {seconds:.2f} s "
          f"({VERIFY_ENTRIES / seconds:,.0f} entries/s); reading them alone (raw driver) {floor:.2f} s; "
          f"writing the chained log took {build:.1f} s")


SEALED_BY_TRIGGER = 100_000


@pytest.mark.postgres
def test_verify_a_million_entries_postgres(postgres_url: str) -> None:
    """Entries sealed by the server's trigger (live writes), then a bulk load chained by
    the loader as `desk demo` does, then the whole chain walked by `desk audit verify`."""
    from desk.demodata.bulk import Loader

    db = Database.connect(postgres_url)
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO audit_log(at, entity, entity_id, field, old_value, new_value) "
                "SELECT now() - make_interval(secs => g), 'incident', g / 8, 'status', 'new', 'assigned' "
                f"FROM generate_series(1, {SEALED_BY_TRIGGER}) g")
            t = time.perf_counter()
        seal = time.perf_counter() - t
        bulk = VERIFY_ENTRIES - SEALED_BY_TRIGGER
        t = time.perf_counter()
        with db.engine.begin() as conn:
            loader = Loader(conn)
            for start in range(0, bulk, 50_000):
                loader.insert("audit_log", [
                    {"at": loader.ts(1_700_000_000 + i), "actor_id": None, "db_user": None, "entity": "incident",
                     "entity_id": i // 8, "field": "status", "old_value": "new", "new_value": "assigned",
                     "reason": None} for i in range(start, min(bulk, start + 50_000))])
        load = time.perf_counter() - t
        with db.engine.connect() as conn:
            verdict, seconds, floor = _timed_verify(conn)
    finally:
        db.dispose()
    assert verdict.ok and verdict.entries >= VERIFY_ENTRIES
    print(f"\nPostgreSQL: {SEALED_BY_TRIGGER:,} entries sealed by the server's trigger at commit in {seal:.1f} s "
          f"({seal / SEALED_BY_TRIGGER * 1e6:.0f} µs each); {bulk:,} chained by the bulk loader in {load:.1f} s; "
          f"desk audit verify over {verdict.entries:,} entries {seconds:.2f} s "
          f"({verdict.entries / seconds:,.0f} entries/s); reading them alone (raw driver) {floor:.2f} s")
