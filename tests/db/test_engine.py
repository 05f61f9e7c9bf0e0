"""Engine set-up: SQLite pragmas, network file systems refused, schema version checks."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from db import migrate
from db.engine import Database, check_sqlite_location, make_engine
from db.errors import DatabaseSetupError
from db.filesystems import filesystem_type, is_network_filesystem

MOUNTS = """\
/dev/vda1 / ext4 rw,relatime 0 0
server:/export/home /home/shared nfs4 rw 0 0
//fs/dept /mnt/dept\\040share cifs rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""


def test_network_filesystems_detected(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(MOUNTS)
    assert filesystem_type(Path("/home/shared/alice/desk.sqlite3"), mounts) == "nfs4"
    assert is_network_filesystem(Path("/home/shared/alice/desk.sqlite3"), mounts)
    assert is_network_filesystem(Path("/mnt/dept share/desk.sqlite3"), mounts)
    assert not is_network_filesystem(Path("/home/alice/desk.sqlite3"), mounts)
    assert not is_network_filesystem(Path("/tmp/x.sqlite3"), mounts)


def test_sqlite_on_network_share_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("db.engine.is_network_filesystem", lambda p: True)
    monkeypatch.setattr("db.engine.filesystem_type", lambda p: "nfs4")
    with pytest.raises(DatabaseSetupError, match="network file system \\(nfs4\\).*PostgreSQL"):
        check_sqlite_location(tmp_path / "desk.sqlite3")


def test_sqlite_pragmas(sqlite_url: str) -> None:
    db = Database.connect(sqlite_url)
    try:
        with db.reading() as s:
            assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert s.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    finally:
        db.dispose()


def test_schema_older_or_newer_is_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.check_schema(engine, how_to_upgrade="desk db upgrade")  # current: fine
        migrate.downgrade(engine, "-1")
        with pytest.raises(DatabaseSetupError, match="older than this Desk needs.*run: desk db upgrade"):
            migrate.check_schema(engine, how_to_upgrade="desk db upgrade")
        migrate.upgrade(engine)
        migrate.check_schema(engine, how_to_upgrade="desk db upgrade")
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
        with pytest.raises(DatabaseSetupError, match="newer than this Desk knows"):
            migrate.check_schema(engine, how_to_upgrade="desk db upgrade")
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
        with pytest.raises(DatabaseSetupError, match="no Desk schema yet. Run: desk db upgrade"):
            migrate.check_schema(engine, how_to_upgrade="desk db upgrade")
    finally:
        engine.dispose()


def test_a_quick_read_is_one_snapshot_per_statement_and_still_reads(db_url: str) -> None:
    # PostgreSQL: no BEGIN/COMMIT, so each statement is its own transaction (now() moves
    # between them; inside a transaction it is the transaction's start). SQLite: a
    # transaction as always, its one snapshot included.
    import time

    db = Database.connect(db_url)
    try:
        with db.quick_reading() as s:
            if db.dialect == "postgresql":
                first = s.execute(text("SELECT now()")).scalar_one()
                time.sleep(0.01)
                assert s.execute(text("SELECT now()")).scalar_one() > first
            assert s.execute(text("SELECT count(*) FROM incidents")).scalar_one() >= 0
        with db.reading() as s:                 # the pooled connection is back to transactions
            if db.dialect == "postgresql":
                first = s.execute(text("SELECT now()")).scalar_one()
                time.sleep(0.01)
                assert s.execute(text("SELECT now()")).scalar_one() == first
    finally:
        db.dispose()
