"""The demo's bulk path: parallel generation, SLA columns measured by the generator,
PostgreSQL's COPY load with indexes, keys and triggers taken off and put back."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, text

from db import audit_chain
from db.engine import Database
from db.models import AuditEntry, Incident
from desk import demo
from desk.demoload import encode, pg_bulk, writer
from desk.sla import backfill

NOW = dt.datetime(2026, 11, 2, 16, 30, tzinfo=dt.UTC)
SLA_NOW = NOW  # what the services measure the operator's and the counter's tickets at
TICKETS = 300


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch, few_demo_repairs: None) -> None:
    """Several chunks and the worker processes even for a small demo."""
    monkeypatch.setattr(demo, "CHUNK", 70)
    monkeypatch.setattr(demo, "PARALLEL_FROM", 0)


def _build(db: Database, tickets: int = TICKETS, seed: int = 7) -> None:
    demo.build_demo(db, tickets=tickets, seed=seed, progress=lambda _m: None, now=NOW, sla_now=SLA_NOW)


def _snapshot(db: Database) -> tuple[list[Any], list[Any]]:
    with db.reading() as s:
        rows = s.execute(select(
            Incident.number, Incident.title, Incident.status, Incident.priority, Incident.opened_at,
            Incident.resolved_at, Incident.parent_id, Incident.resolution_due_at, Incident.response_breached_at,
            Incident.sla_version_id).order_by(Incident.id)).all()
        # The incidents' history in chain order (the operator's own first row carries the
        # wall clock, so the head itself differs from build to build).
        history = s.execute(select(
            AuditEntry.at, AuditEntry.actor_id, AuditEntry.field, AuditEntry.old_value, AuditEntry.new_value,
            AuditEntry.reason).where(AuditEntry.entity == "incident").order_by(AuditEntry.seq)).all()
    return [tuple(r) for r in rows], [tuple(r) for r in history]


def test_sla_columns_equal_a_recompute(database: Database, small_chunks: None) -> None:
    _build(database)
    with database.reading() as s:
        measured = s.execute(select(func.count(Incident.id)).where(Incident.resolution_target_s.is_not(None))
                             ).scalar_one()
        total = s.execute(select(func.count(Incident.id))).scalar_one()
    assert measured > 0.9 * total
    # The backfill writes only rows whose columns differ from its own replay. (The walk-in
    # repairs the counter's services add afterwards are measured by those services.)
    generated = f"number <= 'INC-{TICKETS:06d}'"
    assert backfill.recompute_all(database, now=SLA_NOW, workers=1, where=generated) == 0
    # … and the check can fail: a recompute later in time moves the open tickets' clocks.
    assert backfill.recompute_all(database, now=SLA_NOW + dt.timedelta(days=3), workers=1, where=generated) > 0


def test_worker_processes_give_the_same_demo(sqlite_url: str, small_chunks: None, tmp_path: Any,
                                             db_templates: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    other = db_templates.sqlite_copy(tmp_path / "other.sqlite3")
    snapshots = []
    for url, workers in ((sqlite_url, 2), (other, 1)):
        monkeypatch.setattr(demo, "GENERATOR_WORKERS", workers)
        db = Database.connect(url)
        try:
            _build(db)
            snapshots.append(_snapshot(db))
        finally:
            db.dispose()
    assert len(snapshots[0][0]) >= TICKETS
    assert snapshots[0] == snapshots[1]


@pytest.mark.postgres
def test_copy_load_matches_sqlite_and_restores_the_schema(postgres_url: str, sqlite_url: str,
                                                          small_chunks: None) -> None:
    pg, lite = Database.connect(postgres_url), Database.connect(sqlite_url)
    try:
        with pg.reading() as s:
            before = pg_bulk.schema_snapshot(s.connection())
        _build(pg)
        _build(lite)
        with pg.reading() as s:
            after = pg_bulk.schema_snapshot(s.connection())
            verdict = audit_chain.verify(s.connection())
            vectors = s.execute(text("SELECT count(*) FROM incidents WHERE search_vector IS NULL")).scalar_one()
        for kind in before:  # the differing definitions, if any, then the order too
            assert sorted(set(after[kind]) ^ set(before[kind])) == [], kind
        assert after == before
        assert verdict.ok, verdict.problem
        assert vectors == 0
        # The same tickets and histories on both engines.
        pg_rows, pg_history = _snapshot(pg)
        lite_rows, lite_history = _snapshot(lite)
        assert pg_rows == lite_rows
        assert len(pg_history) > 3 * TICKETS and pg_history == lite_history
    finally:
        pg.dispose()
        lite.dispose()


@pytest.mark.postgres
def test_failed_copy_load_leaves_the_schema_as_it_was(postgres_url: str, small_chunks: None,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database.connect(postgres_url)
    calls = 0
    real = writer.ChainWriter.write

    def failing(self: writer.ChainWriter, rows: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk full (simulated)")
        real(self, rows)

    monkeypatch.setattr(writer.ChainWriter, "write", failing)
    try:
        with db.reading() as s:
            before = pg_bulk.schema_snapshot(s.connection())
        with pytest.raises(RuntimeError, match="simulated"):
            _build(db)
        with db.reading() as s:
            assert pg_bulk.schema_snapshot(s.connection()) == before
            assert s.execute(select(func.count(Incident.id))).scalar_one() == 0
            disabled = s.execute(text("SELECT count(*) FROM pg_trigger WHERE tgenabled = 'D'")).scalar_one()
            verdict = audit_chain.verify(s.connection())
        assert calls == 2 and disabled == 0
        assert verdict.ok, verdict.problem
    finally:
        db.dispose()


def test_encoded_audit_tail_is_the_chains_own() -> None:
    enc = encode.Encoder(sqlite=False)
    for actor, old, new, reason in ((None, None, "new", None), (12, "in_progress", "pending_customer", "wait"),
                                    (7, "Zoë\tß", "行\n2", "a\\b")):
        _, tail = enc.audit(1_760_000_000, actor, 4321, "status", old, new, reason)
        at = enc.stamps(1_760_000_000)[1]
        assert tail == audit_chain.entry_tail(at, actor, None, "incident", 4321, "status", old, new, reason)


@pytest.mark.postgres
def test_copy_text_survives_tabs_newlines_and_backslashes(postgres_url: str) -> None:
    db = Database.connect(postgres_url)
    tricky = ["tab\there", "line\nbreak\r\n", "back\\slash \\N", "Zoë 行 \u202e", "", None]
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TEMP TABLE t (n integer, v text, b boolean)")
            payload = "".join("\t".join(map(encode.copy_field, (i, v, i % 2 == 0))) + "\n"
                              for i, v in enumerate(tricky))
            pg_bulk.copy_rows(conn, "t", ("n", "v", "b"), payload)
            back = conn.execute(text("SELECT v, b FROM t ORDER BY n")).all()
        assert [tuple(r) for r in back] == [(v, i % 2 == 0) for i, v in enumerate(tricky)]
    finally:
        db.dispose()
