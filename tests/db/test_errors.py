"""Driver errors come out of a unit of work as typed errors, classified by their codes."""
from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy import make_url, text

from db import engine as engine_module
from db.engine import Database
from db.errors import DatabaseBusy, DatabaseUnavailable, RuleRefused, SchemaMismatch, classify
from desk.errors import DeskError


def test_a_locked_sqlite_database_is_busy_not_a_crash(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_url(sqlite_url).database or ""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another workstation in the middle of a write
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 50)
    db = Database.connect(sqlite_url)
    try:
        with pytest.raises(DatabaseBusy, match="busy .*try again") as err, db.writing() as s:
            s.execute(text("UPDATE number_sequences SET last_value = last_value"))
        assert isinstance(err.value, DeskError)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        db.dispose()


@pytest.mark.postgres
def test_postgres_errors_are_classified_by_sqlstate(postgres_url: str) -> None:
    db = Database.connect(postgres_url)
    try:
        with pytest.raises(SchemaMismatch, match="desk db upgrade"), db.reading() as s:
            s.execute(text("SELECT no_such_column FROM incidents"))
        with pytest.raises(RuleRefused, match="no number series"), db.writing() as s:
            s.execute(text("SELECT desk_refuse('there is no number series ''X''')"))
    finally:
        db.dispose()


def test_a_server_that_went_away_is_unavailable() -> None:
    try:
        psycopg.connect("postgresql://nobody@127.0.0.1:1/desk", connect_timeout=2)
    except psycopg.OperationalError as exc:
        typed = classify(exc)
    assert isinstance(typed, DatabaseUnavailable) and "cannot be reached" in str(typed)


def test_a_bug_stays_a_bug() -> None:
    assert classify(ValueError("not a database error")) is None
