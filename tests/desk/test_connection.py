"""Opening a database: another application's database is refused, an empty one is set up."""
from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import inspect, make_url

from db import migrate
from db.engine import make_engine
from db.errors import DatabaseSetupError
from desk.cli.main import main
from desk.connection import Target, open_database
from tests import dbtools


def other_apps_file(path: Path) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('buy milk')")
    conn.close()
    return path.read_bytes()


def test_another_applications_sqlite_file_is_refused_untouched(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.sqlite3"
    before = other_apps_file(path)
    with pytest.raises(DatabaseSetupError, match=f"The SQLite file {path} holds another application's "
                                                 r"tables \(notes\) and no Desk schema"):
        open_database(Target(make_url(f"sqlite:///{path}"), "--database"))
    assert main(["--database", f"sqlite:///{path}", "staff", "whoami"]) == 1
    assert main(["--database", f"sqlite:///{path}", "db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert err.count(f"desk: The SQLite file {path} holds another application's tables") == 2
    # Not a byte changed: no Desk tables, and not even switched to WAL.
    assert path.read_bytes() == before and not Path(f"{path}-wal").exists()


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Dear diary, today I pointed Desk at the wrong file.\n" * 20)
    assert main(["--database", f"sqlite:///{path}", "staff", "whoami"]) == 1
    assert f"desk: {path} is not an SQLite database" in capsys.readouterr().err


@pytest.mark.parametrize("existing", [False, True], ids=["new path", "empty file"])
def test_a_new_or_empty_sqlite_file_is_set_up(tmp_path: Path, existing: bool) -> None:
    path = tmp_path / "desk.sqlite3"
    if existing:
        path.touch()
    db = open_database(Target(make_url(f"sqlite:///{path}"), "--database"))
    try:
        assert migrate.current_revision(db.engine) == migrate.head_revision()
    finally:
        db.dispose()


@pytest.mark.postgres
def test_upgrade_refuses_a_postgres_database_of_another_application(postgres_ready: bool, db_templates: dbtools.Templates,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    if not postgres_ready:
        pytest.skip("PostgreSQL not reachable")
    name = f"desk_other_{uuid.uuid4().hex[:8]}"
    dbtools.pg_create(name)
    try:
        with psycopg.connect(dbtools._pg_conninfo(name), autocommit=True) as conn:
            conn.execute("CREATE TABLE invoices (id serial PRIMARY KEY, total numeric)")
        url = dbtools.pg_url(name)
        assert main(["--database", url, "db", "upgrade"]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"desk: The database postgresql+psycopg://postgres@127.0.0.1:5432/{name} has "
                              "tables in its public schema (invoices, invoices_id_seq) but no Desk schema")
        engine = make_engine(url)
        try:
            assert set(inspect(engine).get_table_names()) == {"invoices"}
        finally:
            engine.dispose()
    finally:
        db_templates.pg_release(name)


@pytest.mark.postgres
def test_upgrade_sets_up_an_empty_postgres_database(postgres_ready: bool, db_templates: dbtools.Templates,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    if not postgres_ready:
        pytest.skip("PostgreSQL not reachable")
    name = f"desk_empty_{uuid.uuid4().hex[:8]}"
    dbtools.pg_create(name)
    try:
        assert main(["--database", dbtools.pg_url(name), "db", "upgrade"]) == 0
        assert f"empty → {migrate.head_revision()}" in capsys.readouterr().out
    finally:
        db_templates.pg_release(name)
