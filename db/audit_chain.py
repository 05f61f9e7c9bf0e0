"""The audit log as a hash chain: each entry's hash covers its content and the
previous entry's hash, so an edited, removed or inserted entry breaks the chain there.

One encoding, written twice on purpose: in Python (SQLite, where the writer chains as
it inserts, and ``desk audit verify`` on both engines) and in SQL (PostgreSQL, where a
deferred trigger seals each entry at commit so the chain follows commit order and no
staff login can write a hash). ``tests/db/test_audit_chain.py`` checks they agree.

The encoding of one entry: the previous hash (hex, '' for the first), '|', then each of
seq, at, actor_id, db_user, entity, entity_id, field, old_value, new_value, reason as
``<length>:<text>`` or ``-`` for NULL; ``at`` as UTC ``YYYY-MM-DDTHH:MM:SS.ffffff``.
The sha256 of that text (UTF-8) in hex is the entry's hash.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event, text

# Sealers take turns on this table's EXCLUSIVE lock (PostgreSQL). Not an advisory lock:
# any login that may connect can take an advisory lock with a known key and keep it,
# and every commit that writes an audit entry would wait for it for ever (statement
# timeouts do not run during COMMIT). A lock on this table can be taken only with a
# write privilege on it, which nobody but the owner has: staff logins read it (ACCESS
# SHARE, which does not conflict), no foreign key points to it, and only
# `desk db upgrade` writes it.
SEAL_LOCK_TABLE = "public.security_groups"

COLUMNS = ("seq", "at", "actor_id", "db_user", "entity", "entity_id", "field", "old_value",
           "new_value", "reason")


def format_at(at: dt.datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _at_text(value: Any) -> str:
    if isinstance(value, str):
        # SQLite's stored form ('YYYY-MM-DD HH:MM:SS.ffffff', UTC) is already the text.
        if len(value) == 26 and value[10] in " T":
            return value[:10] + "T" + value[11:]
        value = dt.datetime.fromisoformat(value)
    return format_at(value)


def entry_hash(prev: str, seq: int, at: dt.datetime | str, actor_id: int | None, db_user: str | None,
               entity: str, entity_id: int, field: str, old_value: str | None, new_value: str | None,
               reason: str | None) -> str:
    return link_hash(prev, seq, entry_tail(_at_text(at), actor_id, db_user, entity, entity_id, field,
                                           old_value, new_value, reason))


def entry_tail(at_text: str, actor_id: int | None, db_user: str | None, entity: str, entity_id: int,
               field: str, old_value: str | None, new_value: str | None, reason: str | None) -> str:
    """The encoded content after ``seq`` (``at`` already in the chain's text form).

    It does not depend on the chain, so bulk generators compute it in worker processes
    and leave only ``link_hash`` (one sha256) to the single writer that knows the head.
    """
    parts = (at_text, None if actor_id is None else str(actor_id), db_user, entity, str(entity_id), field,
             old_value, new_value, reason)
    return "".join("-" if p is None else f"{len(p)}:{p}" for p in parts)


def link_hash(prev: str, seq: int, tail: str) -> str:
    """The hash of the entry ``seq`` whose content encodes as ``tail`` (``entry_tail``)."""
    s = str(seq)
    return hashlib.sha256(f"{prev}|{len(s)}:{s}{tail}".encode()).hexdigest()


def row_hash(prev: str, row: Any) -> str:
    """``entry_hash`` of a mapping or object with the audit columns."""
    def get(key: str) -> Any:
        return row.get(key) if isinstance(row, Mapping) else getattr(row, key)

    return entry_hash(prev, *(get(c) for c in COLUMNS))


_HEAD_SQL = "SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"


def head(conn: Connection) -> tuple[int, str]:
    """The last sealed entry: (seq, hash), or (0, '') for an empty log."""
    row = conn.execute(text(_HEAD_SQL)).first()
    return (0, "") if row is None else (int(row[0]), str(row[1]))


# -- SQLite: the writer chains each entry as it is inserted ----------------------------
_HEAD_KEY = "desk_audit_head"


def forget_head(dbapi_or_conn_info: dict[str, Any]) -> None:
    """Called when a transaction begins: the head cached by the last one may be stale."""
    dbapi_or_conn_info.pop(_HEAD_KEY, None)


def bulk_links(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chain rows a bulk loader is about to insert (both engines). On PostgreSQL the
    loader takes the sealers' lock for the rest of its transaction and reads the head
    afresh (its own earlier rows included), so live writers queue behind it."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"LOCK TABLE {SEAL_LOCK_TABLE} IN EXCLUSIVE MODE"))
        forget_head(conn.info)
    return [next_link(conn, dict(r)) for r in rows]


def next_link(conn: Connection, values: dict[str, Any]) -> dict[str, Any]:
    """Fill ``seq`` and ``hash`` of an entry about to be inserted by its writer.

    SQLite writers hold the write lock for the whole transaction (BEGIN IMMEDIATE),
    so the head cannot move under us; it is cached on the connection because an ORM
    flush inserts several entries before any of them can be read back.
    """
    seq, prev = conn.info.get(_HEAD_KEY) or head(conn)
    values["seq"] = seq + 1
    values["hash"] = row_hash(prev, values)
    conn.info[_HEAD_KEY] = (values["seq"], values["hash"])
    return values


def install_sqlite_chaining(entry_class: type) -> None:
    @event.listens_for(entry_class, "before_insert")
    def _chain(_mapper: Any, connection: Connection, target: Any) -> None:
        if connection.dialect.name != "sqlite" or target.seq is not None:
            return
        values = {c: getattr(target, c) for c in COLUMNS}
        next_link(connection, values)
        target.seq, target.hash = values["seq"], values["hash"]


def seal_unsealed(conn: Connection) -> int:
    """Chain every entry without a link, in id order (the migration back-fill, and bulk
    loaders that insert with Core). Needs a connection that may UPDATE audit_log."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"LOCK TABLE {SEAL_LOCK_TABLE} IN EXCLUSIVE MODE"))
    seq, prev = head(conn)
    forget_head(conn.info)
    rows = conn.execute(text(
        f"SELECT id, {', '.join(c for c in COLUMNS if c != 'seq')} FROM audit_log "
        "WHERE seq IS NULL ORDER BY id")).mappings().all()
    updates = []
    for r in rows:
        seq += 1
        values = dict(r)
        values["seq"] = seq
        prev = row_hash(prev, values)
        updates.append({"id": r["id"], "seq": seq, "hash": prev})
    if updates:
        conn.execute(text("UPDATE audit_log SET seq = :seq, hash = :hash WHERE id = :id"), updates)
    return len(updates)


SQLITE_NO_UPDATE_TRIGGER = """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only');
    END"""

# -- PostgreSQL: the server seals at commit ---------------------------------------------
PG_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The one update allowed: sealing an entry (seq and hash filled once, nothing else).
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash IS NULL
       AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
       AND (NEW.id, NEW.at, NEW.actor_id, NEW.db_user, NEW.entity, NEW.entity_id, NEW.field,
            NEW.old_value, NEW.new_value, NEW.reason)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor_id, OLD.db_user, OLD.entity, OLD.entity_id, OLD.field,
            OLD.old_value, OLD.new_value, OLD.reason) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END $$
"""

PG_HASH_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION desk_audit_part(v text) RETURNS text LANGUAGE sql IMMUTABLE
       SET search_path = pg_catalog, pg_temp AS $$
       SELECT CASE WHEN v IS NULL THEN '-' ELSE length(v)::text || ':' || v END $$""",
    """CREATE OR REPLACE FUNCTION desk_audit_hash(prev text, e public.audit_log, s bigint) RETURNS text
       LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
       SELECT encode(sha256(convert_to(prev || '|'
           || desk_audit_part(s::text)
           || desk_audit_part(to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'))
           || desk_audit_part(e.actor_id::text) || desk_audit_part(e.db_user)
           || desk_audit_part(e.entity) || desk_audit_part(e.entity_id::text)
           || desk_audit_part(e.field) || desk_audit_part(e.old_value)
           || desk_audit_part(e.new_value) || desk_audit_part(e.reason), 'UTF8')), 'hex') $$""",
    f"""CREATE OR REPLACE FUNCTION desk_audit_seal() RETURNS trigger LANGUAGE plpgsql
       SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
       DECLARE last_seq bigint; last_hash text;
       BEGIN
           -- At commit (deferred), one sealer at a time: the chain follows commit order,
           -- and the lock is taken after every row lock the transaction needs.
           LOCK TABLE {SEAL_LOCK_TABLE} IN EXCLUSIVE MODE;
           SELECT seq, hash INTO last_seq, last_hash FROM public.audit_log
               WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
           last_seq := coalesce(last_seq, 0) + 1;
           UPDATE public.audit_log SET seq = last_seq,
                  hash = desk_audit_hash(coalesce(last_hash, ''), NEW, last_seq)
            WHERE id = NEW.id;
           RETURN NULL;
       END $$""",
    "DROP TRIGGER IF EXISTS audit_log_seal ON audit_log",
    # Rows a bulk loader (the schema owner) chained itself arrive with their link.
    """CREATE CONSTRAINT TRIGGER audit_log_seal AFTER INSERT ON audit_log
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.seq IS NULL)
       EXECUTE FUNCTION desk_audit_seal()""",
]


# -- verification (both engines) ----------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    entries: int
    head_seq: int
    head_hash: str
    first_bad_id: int | None = None
    first_bad_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _walk(conn: Connection, batch: int) -> Iterator[Any]:
    last = 0
    cols = ", ".join(("id", *COLUMNS, "hash"))
    if conn.dialect.name == "postgresql":
        # The server hands the instant over as text in the chain's own form (a third of
        # the walk's time went into building datetimes only to format them again).
        cols = cols.replace(", at,", """, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),""")
    while True:
        rows = conn.execute(text(f"SELECT {cols} FROM audit_log WHERE seq > :last ORDER BY seq LIMIT :n"),
                            {"last": last, "n": batch}).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][1]


def verify(conn: Connection, *, batch: int = 20_000) -> Verdict:
    """Walk the chain in seq order and name the first entry that does not match."""
    prev, expected, count = "", 1, 0
    for entry_id, *content, digest in _walk(conn, batch):
        seq = content[0]
        if seq != expected:
            return Verdict(count, expected - 1, prev, entry_id, seq,
                           f"entry {expected} is missing: the chain jumps from {expected - 1} to {seq}")
        if entry_hash(prev, *content) != digest:
            entity, entity_id, field = content[4], content[5], content[6]
            return Verdict(count, expected - 1, prev, entry_id, seq,
                           f"entry {seq} (id {entry_id}, {entity} {entity_id} {field}) "
                           "does not match its hash: it was changed after it was written")
        prev, expected, count = digest, expected + 1, count + 1
    # Uncommitted entries are invisible here; a committed entry without a link was
    # written with the sealing trigger switched off.
    loose = conn.execute(text("SELECT id, entity, entity_id, field FROM audit_log WHERE seq IS NULL "
                              "ORDER BY id LIMIT 1")).first()
    if loose is not None:
        return Verdict(count, count, prev, loose[0], None,
                       f"entry id {loose[0]} ({loose[1]} {loose[2]} {loose[3]}) is outside the chain: "
                       "it was written with the server's triggers bypassed")
    return Verdict(count, count, prev)
