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


def _part_sql(expr: str, dialect: str) -> str:
    """One field of the encoding in SQL, built-in functions only: the verifier must not
    run code the sealer shares (a redefined function would vouch for itself)."""
    if dialect == "postgresql":
        return f"CASE WHEN {expr} IS NULL THEN '-' ELSE length({expr})::text || ':' || {expr} END"
    # SQLite's length() stops at a NUL character where Python's len() does not: such an
    # entry yields NULL here and is encoded in Python instead.
    return (f"CASE WHEN {expr} IS NULL THEN '-' WHEN instr({expr}, char(0)) > 0 THEN NULL "
            f"ELSE length({expr}) || ':' || {expr} END")


def _encoding_sql(dialect: str) -> str:
    """Everything of an entry's encoding after the previous hash and '|', in SQL: the
    walk's time went into formatting ten fields per entry in Python."""
    if dialect == "postgresql":
        at = """to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')"""
        ints = "{}::text"
    else:
        # The stored form 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC); anything else goes to Python.
        at = "CASE WHEN length(at) = 26 AND substr(at, 11, 1) IN (' ', 'T') THEN substr(at, 1, 10) || 'T' || substr(at, 12) END"
        ints = "CAST({} AS TEXT)"
    fields = [ints.format("seq"), at, ints.format("actor_id"), "db_user", "entity", ints.format("entity_id"),
              "field", "old_value", "new_value", "reason"]
    return " || ".join(_part_sql(f, dialect) for f in fields)


def _walk(conn: Connection, batch: int, first: int, last: int | None) -> Iterator[Any]:
    """(id, seq, encoding or None, hash) for seq first..last (None: to the end) in seq
    order, a batch at a time."""
    after = first - 1
    encoding = _encoding_sql(conn.dialect.name)
    until = "" if last is None else " AND seq <= :until"
    while True:
        rows = conn.execute(text(f"SELECT id, seq, {encoding}, hash FROM audit_log WHERE seq > :after{until} "
                                 "ORDER BY seq LIMIT :n"), {"after": after, "until": last, "n": batch}).all()
        if not rows:
            return
        yield from rows
        after = rows[-1][1]


def _encoding_in_python(conn: Connection, entry_id: int) -> str:
    row = conn.execute(text(f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE id = :id"), {"id": entry_id}).one()
    parts = (str(row[0]), _at_text(row[1]), None if row[2] is None else str(row[2]), row[3], row[4],
             str(row[5]), row[6], row[7], row[8], row[9])
    return "".join("-" if p is None else f"{len(p)}:{p}" for p in parts)


def verify_range(conn: Connection, first: int = 1, last: int | None = None, prev: str = "", *,
                 batch: int = 20_000) -> Verdict:
    """Walk entries ``first``..``last`` (seq) and name the first that does not match.

    ``prev`` is the stored hash of entry ``first - 1``: each link is checked against the
    hash stored before it, so separate ranges can be verified side by side and together
    say exactly what one walk from the start says.
    """
    expected, count = first, 0
    sha256 = hashlib.sha256
    for entry_id, seq, encoded, digest in _walk(conn, batch, first, last):
        if seq != expected:
            return Verdict(count, expected - 1, prev, entry_id, seq,
                           f"entry {expected} is missing: the chain jumps from {expected - 1} to {seq}")
        if encoded is None:
            encoded = _encoding_in_python(conn, entry_id)
        if sha256((prev + "|" + encoded).encode("utf-8")).hexdigest() != digest:
            entity, entity_id, field = conn.execute(text(
                "SELECT entity, entity_id, field FROM audit_log WHERE id = :id"), {"id": entry_id}).one()
            return Verdict(count, expected - 1, prev, entry_id, seq,
                           f"entry {seq} (id {entry_id}, {entity} {entity_id} {field}) "
                           "does not match its hash: it was changed after it was written")
        prev, expected, count = digest, expected + 1, count + 1
    if last is not None and expected <= last:
        # The range's last entries are gone: said as one walk would, at the next entry.
        after = conn.execute(text("SELECT id, seq FROM audit_log WHERE seq > :s ORDER BY seq LIMIT 1"),
                             {"s": expected - 1}).first()
        if after is not None:
            return Verdict(count, expected - 1, prev, after[0], after[1],
                           f"entry {expected} is missing: the chain jumps from {expected - 1} to {after[1]}")
    return Verdict(count, expected - 1, prev)


def loose_entry(conn: Connection) -> Verdict | None:
    """A committed entry outside the chain (written with the sealing trigger off), if any."""
    loose = conn.execute(text("SELECT id, entity, entity_id, field FROM audit_log WHERE seq IS NULL "
                              "ORDER BY id LIMIT 1")).first()
    if loose is None:
        return None
    return Verdict(0, 0, "", loose[0], None,
                   f"entry id {loose[0]} ({loose[1]} {loose[2]} {loose[3]}) is outside the chain: "
                   "it was written with the server's triggers bypassed")


def verify(conn: Connection, *, batch: int = 20_000) -> Verdict:
    """Walk the chain in seq order and name the first entry that does not match."""
    walked = verify_range(conn, batch=batch)
    if not walked.ok:
        return walked
    return with_loose_check(conn, walked)


def with_loose_check(conn: Connection, walked: Verdict) -> Verdict:
    """``walked`` (a whole chain that verified), unless an entry sits outside the chain.
    Uncommitted entries are invisible here; a committed entry without a link was written
    with the sealing trigger switched off."""
    loose = loose_entry(conn)
    if loose is None:
        return walked
    return Verdict(walked.entries, walked.head_seq, walked.head_hash, loose.first_bad_id, None, loose.problem)
