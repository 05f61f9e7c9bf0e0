"""The audit log's hash chain: written on both engines, verified by `desk audit verify`,
and any changed, removed or slipped-in entry is named."""
from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import make_url, select, text

from db import audit_chain, migrate
from db.engine import Database, make_engine
from db.models import AuditEntry
from desk.bootstrap import Services
from desk.cli.main import main
from desk.common.audit import verify_chain
from desk.incidents.service import NewIncident


def _some_history(services: Services) -> None:
    admin = services.staff.resolve_actor()  # this OS user: the first account, admin
    for i in range(3):
        v = services.incidents.open(admin, NewIncident(title=f"Printer {i} jams"))
        services.incidents.comment(admin, v.number, "Looking")
        services.incidents.transition(admin, v.number, "in_progress")


def test_every_entry_is_chained_and_verifies(services: Services) -> None:
    _some_history(services)
    with services.db.reading() as s:
        rows = s.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    assert rows and [r.seq for r in rows] == list(range(1, len(rows) + 1))
    prev = ""
    for r in rows:
        assert r.hash == audit_chain.row_hash(prev, r)
        prev = r.hash
    verdict = verify_chain(services.db)
    assert verdict.ok and verdict.entries == len(rows) and verdict.head_hash == rows[-1].hash


def _sqlite_file(url: str) -> str:
    return make_url(url).database or ""


def test_tampering_with_the_sqlite_file_is_named(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.connect(sqlite_url)
    try:
        _some_history(Services.over(db))
    finally:
        db.dispose()
    code = main(["--database", sqlite_url, "audit", "verify"])
    out = capsys.readouterr().out
    assert code == 0 and "chain intact" in out
    # Someone with the file drops the append-only trigger and edits one entry.
    raw = sqlite3.connect(_sqlite_file(sqlite_url))
    raw.execute("DROP TRIGGER audit_log_no_update")
    victim = raw.execute("SELECT id, seq FROM audit_log WHERE field = 'status' ORDER BY seq LIMIT 1 OFFSET 1").fetchone()
    raw.execute("UPDATE audit_log SET new_value = 'closed' WHERE id = ?", (victim[0],))
    raw.commit()
    code = main(["--database", sqlite_url, "audit", "verify"])
    out = capsys.readouterr().out
    assert code == 1 and f"entry {victim[1]} (id {victim[0]}" in out and "does not match its hash" in out
    # Restored, then an entry removed: the gap is named.
    raw.execute("UPDATE audit_log SET new_value = 'in_progress' WHERE id = ?", (victim[0],))
    raw.commit()
    assert main(["--database", sqlite_url, "audit", "verify", "--json"]) == 0
    capsys.readouterr()
    raw.execute("DROP TRIGGER audit_log_no_delete")
    raw.execute("DELETE FROM audit_log WHERE seq = 4")
    raw.commit()
    raw.close()
    code = main(["--database", sqlite_url, "audit", "verify"])
    out = capsys.readouterr().out
    assert code == 1 and "entry 4 is missing" in out


def test_upgrade_chains_the_entries_written_before_the_chain(tmp_path: pytest.TempPathFactory) -> None:
    url = f"sqlite:///{tmp_path}/old.sqlite3"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, "0009_problem_notify")
        with engine.begin() as conn:
            at = dt.datetime(2025, 1, 1, 12, 0, 0, 123456)
            for i in range(5):
                conn.execute(text("INSERT INTO audit_log(at, entity, entity_id, field, new_value) "
                                  "VALUES (:at, 'incident', :i, 'status', 'new')"), {"at": at, "i": i})
        migrate.upgrade(engine)
        with engine.connect() as conn:
            verdict = audit_chain.verify(conn)
            assert verdict.ok and verdict.entries == 5
            assert audit_chain.head(conn)[0] == 5
    finally:
        engine.dispose()


def test_a_rolled_back_savepoint_does_not_break_the_chain(database: Database) -> None:
    """An import rolls back one refused person with a savepoint; the entries written
    before and after it still form one chain (the writer's cached head is forgotten)."""
    at = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)

    def entry(i: int) -> AuditEntry:
        return AuditEntry(at=at, entity="person", entity_id=i, field="created", new_value=str(i))

    with database.writing() as s:
        s.add(entry(1))
        s.flush()
        nested = s.begin_nested()
        s.add(entry(2))
        s.flush()
        nested.rollback()
        s.add(entry(3))
    verdict = verify_chain(database)
    assert verdict.ok, verdict.problem


def test_ranges_side_by_side_say_what_one_walk_says(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A big log is verified in ranges by worker processes (desk.common.audit_verify);
    whatever was done to the log, the verdict is the single walk's, field for field."""
    import desk.common.audit_verify as av

    services = Services.over(database)
    for _ in range(3):
        _some_history(services)
    monkeypatch.setattr(av, "PARALLEL_FROM", 1)
    monkeypatch.setattr(av, "RANGES_PER_WORKER", 3)  # six ranges over a few dozen entries

    def both() -> audit_chain.Verdict:
        single = verify_chain(database, workers=1)
        ranged = verify_chain(database, workers=2)
        assert ranged == single
        return ranged

    assert both().ok
    head = both().head_seq
    ranges = av._ranges(head, 6)
    assert len(ranges) == 6 and ranges[0][0] == 1 and ranges[-1][1] == head
    pg = database.dialect == "postgresql"
    with database.engine.connect() as conn, conn.begin():
        if pg:  # the superuser stepping round the append-only rules
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        # An edit in the third range, then (separately) the last entry of the second removed.
        victim = ranges[2][0] + 1
        conn.execute(text("UPDATE audit_log SET new_value = 'tampered' WHERE seq = :s"), {"s": victim})
    bad = both()
    assert not bad.ok and bad.first_bad_seq == victim and bad.entries == victim - 1
    with database.engine.connect() as conn, conn.begin():
        if pg:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("DELETE FROM audit_log WHERE seq >= :s"), {"s": victim})
    assert both().ok  # the log now simply ends earlier
    boundary = av._ranges(victim - 1, 6)[1][1]  # the last entry of the second range
    with database.engine.connect() as conn, conn.begin():
        if pg:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": boundary})
    gone = both()
    assert not gone.ok and gone.first_bad_seq == boundary + 1
    assert gone.problem == f"entry {boundary} is missing: the chain jumps from {boundary - 1} to {boundary + 1}"
