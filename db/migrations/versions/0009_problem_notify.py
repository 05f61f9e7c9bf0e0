"""Live updates for problem records: a NOTIFY trigger on problems (PostgreSQL only).

Every insert or update of a problem NOTIFYs channel ``desk_problems`` with
``{"id": ..., "version": ...}`` so other workstations re-read that row of their problem
list and an open problem tab; a bulk statement sends one ``{"refresh": true}``. The
same shape as the incidents trigger of 0002_queue_views. On SQLite there is nothing to
create: the watcher polls ``PRAGMA data_version`` and re-reads changed problems.

Revision ID: 0009_problem_notify
Revises: 0008_major
Create Date: 2026-11-26 16:15:00
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0009_problem_notify'
down_revision: str | Sequence[str] | None = '0008_major'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _PG_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _PG_DOWN:
            op.execute(statement)


# Statement-level triggers with transition tables (one per event, as PostgreSQL requires):
# one NOTIFY per changed row for ordinary edits, one "refresh" for bulk statements.
_PG_UP = [
    """CREATE FUNCTION desk_notify_problems() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        n integer;
        r record;
    BEGIN
        SELECT count(*) INTO n FROM changed_rows;
        IF n > 50 THEN
            PERFORM pg_notify('desk_problems', '{"refresh": true}');
        ELSE
            FOR r IN SELECT id, version FROM changed_rows LOOP
                PERFORM pg_notify('desk_problems',
                                  json_build_object('id', r.id, 'version', r.version)::text);
            END LOOP;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER desk_notify_problems_ins AFTER INSERT ON problems
        REFERENCING NEW TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION desk_notify_problems()""",
    """CREATE TRIGGER desk_notify_problems_upd AFTER UPDATE ON problems
        REFERENCING NEW TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION desk_notify_problems()""",
]

_PG_DOWN = [
    "DROP TRIGGER IF EXISTS desk_notify_problems_upd ON problems",
    "DROP TRIGGER IF EXISTS desk_notify_problems_ins ON problems",
    "DROP FUNCTION IF EXISTS desk_notify_problems()",
]
