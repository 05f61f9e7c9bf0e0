"""The shared server enforces the rules: a hash-chained audit log and the rule tables.

* ``audit_log.seq`` / ``audit_log.hash``: every entry is a link of a chain
  (``db.audit_chain``); entries written before this revision are chained here, in id
  order, so ``desk audit verify`` covers the whole history.
* ``rule_*``: the priority matrix, urgency ranks, lifecycles and the least role per
  action, seeded from ``desk.rules`` by ``desk db upgrade`` and read by PostgreSQL's
  triggers (``db.security``).
* ``security_groups``: the group role that stands for each Desk role in this database.

Functions, triggers, group roles and grants are not created here: ``db.security.apply``
(re)creates them on every ``desk db upgrade``, because group names depend on the
database and grants must follow new tables.

Revision ID: 0010_server_security
Revises: 0009_problem_notify
Create Date: 2026-12-01 09:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db import audit_chain

revision: str = '0010_server_security'
down_revision: str | Sequence[str] | None = '0009_problem_notify'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_index('ux_audit_log_seq', ['seq'], unique=True)
    op.create_table('rule_priorities',
        sa.Column('impact', sa.String(length=24), nullable=False),
        sa.Column('urgency', sa.String(length=24), nullable=False),
        sa.Column('priority', sa.String(length=24), nullable=False),
        sa.PrimaryKeyConstraint('impact', 'urgency', name=op.f('pk_rule_priorities')))
    op.create_table('rule_urgency_ranks',
        sa.Column('urgency', sa.String(length=24), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('urgency', name=op.f('pk_rule_urgency_ranks')))
    op.create_table('rule_transitions',
        sa.Column('record', sa.String(length=24), nullable=False),
        sa.Column('from_status', sa.String(length=24), nullable=False),
        sa.Column('to_status', sa.String(length=24), nullable=False),
        sa.PrimaryKeyConstraint('record', 'from_status', 'to_status', name=op.f('pk_rule_transitions')))
    op.create_table('rule_actions',
        sa.Column('action', sa.String(length=60), nullable=False),
        sa.Column('role', sa.String(length=24), nullable=False),
        sa.PrimaryKeyConstraint('action', name=op.f('pk_rule_actions')))
    op.create_table('rule_audit_fields',
        sa.Column('entity', sa.String(length=40), nullable=False),
        sa.Column('field', sa.String(length=60), nullable=False),
        sa.Column('action', sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint('entity', 'field', name=op.f('pk_rule_audit_fields')))
    op.create_table('security_groups',
        sa.Column('role', sa.String(length=24), nullable=False),
        sa.Column('rolname', sa.String(length=63), nullable=False),
        sa.Column('database_name', sa.String(length=63), nullable=False),
        sa.PrimaryKeyConstraint('role', name=op.f('pk_security_groups')))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # The append-only trigger must let the sealing trigger fill seq/hash once.
        op.execute(audit_chain.PG_APPEND_ONLY_FUNCTION)
    else:
        # SQLite's append-only trigger would refuse the back-fill below.
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    audit_chain.seal_unsealed(bind)
    if bind.dialect.name == "sqlite":
        op.execute(audit_chain.SQLITE_NO_UPDATE_TRIGGER)
    else:
        for statement in audit_chain.PG_HASH_FUNCTIONS:
            op.execute(statement)
        # The search vector is derived: a direct write of it is recomputed, never kept.
        op.execute("DROP TRIGGER IF EXISTS incident_search_biu ON incidents")
        op.execute("""CREATE TRIGGER incident_search_biu BEFORE INSERT OR UPDATE OF number, title, description,
            caller_id, search_vector ON incidents FOR EACH ROW EXECUTE FUNCTION incident_search_vector()""")


def downgrade() -> None:
    op.drop_table('security_groups')
    op.drop_table('rule_audit_fields')
    op.drop_table('rule_actions')
    op.drop_table('rule_transitions')
    op.drop_table('rule_urgency_ranks')
    op.drop_table('rule_priorities')
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from db import security

        security.drop_server_objects(bind)
        op.execute("DROP TRIGGER IF EXISTS incident_search_biu ON incidents")
        op.execute("""CREATE TRIGGER incident_search_biu BEFORE INSERT OR UPDATE OF number, title, description,
            caller_id ON incidents FOR EACH ROW EXECUTE FUNCTION incident_search_vector()""")
        op.execute("""CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$""")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ux_audit_log_seq')
        batch_op.drop_column('hash')
        batch_op.drop_column('seq')
    if bind.dialect.name == "sqlite":
        op.execute("""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
            SELECT RAISE(ABORT, 'audit_log is append-only');
        END""")
