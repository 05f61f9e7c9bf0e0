"""A PostgreSQL bulk load the way the server likes it: ``COPY``, indexes built afterwards.

Inside the loader's one transaction, ``prepared_for_bulk`` takes the tables it is given
out of their per-row work and puts everything back before the transaction commits:

* secondary indexes that are neither unique nor behind a constraint are dropped and
  re-created afterwards (one sorted build beats ten million B-tree inserts each), from
  the models' own ``Index`` (what the migrations made: a partial index's predicate
  does not survive a round trip through ``pg_get_indexdef`` word for word), or from
  ``pg_get_indexdef`` for the hand-made ones; each rebuilt definition is compared with
  the one dropped before the transaction may commit. Primary keys and unique indexes
  stay and keep refusing duplicates during the load (keys arrive in order: cheap);
* foreign keys are dropped and re-added from ``pg_get_constraintdef`` under the same
  names: adding one checks every row with one join instead of a lookup per row;
* user triggers other than those in ``KEEP`` are disabled and re-enabled in the mode
  they had (the guard, rule and audit triggers return at once for the schema owner
  anyway; the NOTIFY trigger would queue one payload per row). The search-vector
  trigger stays on: it is what fills ``search_vector``, with the migration's expression.

Everything is DDL in the same transaction, so a load that fails or is killed rolls it
all back: no other session ever sees a table without its triggers, indexes or keys.
``schema_snapshot`` lists what a migrated database has, for the tests to compare.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.schema import CreateIndex

from db.base import Base

# The search-vector trigger computes the column the migration defines; the audit seal
# skips rows that arrive chained (WHEN NEW.seq IS NULL); the append-only trigger fires
# on UPDATE/DELETE only.
KEEP = frozenset({"incident_search_biu", "audit_log_seal", "audit_log_no_change"})
_ENABLE = {"O": "ENABLE TRIGGER", "A": "ENABLE ALWAYS TRIGGER", "R": "ENABLE REPLICA TRIGGER"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def prepared_for_bulk(conn: Connection, tables: Sequence[str], progress: Any = None) -> Iterator[None]:
    """Drop indexes and foreign keys and disable triggers of ``tables`` for the body;
    restore them all (in this transaction) when it completes. On an error nothing is
    restored here: the caller's transaction rolls back and the DDL with it."""
    names = list(tables)
    indexes = conn.execute(text(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = current_schema() AND t.relname = ANY(:t) AND NOT i.indisunique "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
        "ORDER BY t.relname, c.relname"), {"t": names}).all()
    fkeys = conn.execute(text(
        "SELECT t.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
        "JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = current_schema() AND t.relname = ANY(:t) AND k.contype = 'f' "
        "ORDER BY t.relname, k.conname"), {"t": names}).all()
    triggers = [(t, g, e) for t, g, e in conn.execute(text(
        "SELECT t.relname, g.tgname, g.tgenabled FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = current_schema() AND t.relname = ANY(:t) AND NOT g.tgisinternal "
        "ORDER BY t.relname, g.tgname"), {"t": names}).all() if g not in KEEP and e in _ENABLE]
    for name, _ in indexes:
        conn.exec_driver_sql(f"DROP INDEX {_quote(name)}")
    for table, name, _ in fkeys:
        conn.exec_driver_sql(f"ALTER TABLE {_quote(table)} DROP CONSTRAINT {_quote(name)}")
    for table, name, _ in triggers:
        conn.exec_driver_sql(f"ALTER TABLE {_quote(table)} DISABLE TRIGGER {_quote(name)}")
    yield
    if progress is not None:
        progress(f"indexes: building {len(indexes)} indexes, checking {len(fkeys)} foreign keys")
    # Sorting for the builds may use more memory than a session's default.
    conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '1GB'")
    model_indexes = {ix.name: ix for t in Base.metadata.tables.values() for ix in t.indexes}
    for name, definition in indexes:
        index = model_indexes.get(name)
        if index is not None:
            conn.execute(CreateIndex(index))
        else:
            conn.exec_driver_sql(definition)
    rebuilt: dict[str, str] = dict(conn.execute(text(
        "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relname = ANY(:n)"), {"n": [n for n, _ in indexes]}).all())
    changed = [name for name, definition in indexes if rebuilt.get(name) != definition]
    if changed:
        # Raising rolls the whole load back, DDL included: better no demo than a schema
        # that is not the one `desk db upgrade` made.
        raise RuntimeError(f"bulk load: rebuilt indexes differ from the migrated ones: {', '.join(changed)}")
    for table, name, definition in fkeys:
        conn.exec_driver_sql(f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}")
    for table, name, mode in triggers:
        conn.exec_driver_sql(f"ALTER TABLE {_quote(table)} {_ENABLE[mode]} {_quote(name)}")


def schema_snapshot(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Index, constraint and trigger definitions (with trigger modes) of the schema."""
    return {
        "indexes": [tuple(r) for r in conn.execute(text(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "ORDER BY 1, 2"))],
        "constraints": [tuple(r) for r in conn.execute(text(
            "SELECT t.relname, k.conname, pg_get_constraintdef(k.oid), k.convalidated FROM pg_constraint k "
            "JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE n.nspname = current_schema() ORDER BY 1, 2"))],
        "triggers": [tuple(r) for r in conn.execute(text(
            "SELECT t.relname, g.tgname, pg_get_triggerdef(g.oid), g.tgenabled FROM pg_trigger g "
            "JOIN pg_class t ON t.oid = g.tgrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE n.nspname = current_schema() AND NOT g.tgisinternal ORDER BY 1, 2"))],
    }


def copy_rows(conn: Connection, table: str, columns: Sequence[str], payload: str) -> None:
    """``COPY table (columns) FROM STDIN`` of text-format ``payload`` on the connection's
    own transaction (psycopg 3)."""
    if not payload:
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    cols = ", ".join(columns)
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        copy.write(payload)
