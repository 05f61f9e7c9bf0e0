"""Rules the server enforces, as data: seeded from ``desk.rules`` by ``desk db upgrade``.

The core reads its rules from Python (``desk.rules.priority``, ``desk.rules.lifecycle``,
``desk.rules.permissions``); PostgreSQL's triggers read the same rules from these
tables, so a rule is written once and the server cannot drift from the core. Staff
logins may only read them.
"""
from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class RulePriority(Base):
    """The priority matrix: impact × urgency → priority."""

    __tablename__ = "rule_priorities"

    impact: Mapped[str] = mapped_column(String(24), primary_key=True)
    urgency: Mapped[str] = mapped_column(String(24), primary_key=True)
    priority: Mapped[str] = mapped_column(String(24))


class RuleUrgencyRank(Base):
    """Urgency levels in order, so the VIP policy can raise urgency by N levels."""

    __tablename__ = "rule_urgency_ranks"

    urgency: Mapped[str] = mapped_column(String(24), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer)


class RuleTransition(Base):
    """A legal status move of a record kind; ``from_status`` '' is the opening status."""

    __tablename__ = "rule_transitions"

    record: Mapped[str] = mapped_column(String(24), primary_key=True)
    from_status: Mapped[str] = mapped_column(String(24), primary_key=True)
    to_status: Mapped[str] = mapped_column(String(24), primary_key=True)


class RuleAction(Base):
    """The least role an action needs (the roles form a ladder, admin above all)."""

    __tablename__ = "rule_actions"

    action: Mapped[str] = mapped_column(String(60), primary_key=True)
    role: Mapped[str] = mapped_column(String(24))


class RuleAuditField(Base):
    """Audit entries a staff login may not write through ``desk_audit()`` (``action``
    NULL: the server's triggers write them — the column changes the SLA engine replays),
    or only with the role of ``action`` (events that drive a rule, such as a dismissed
    surge proposal). ``field`` is a LIKE pattern."""

    __tablename__ = "rule_audit_fields"

    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    field: Mapped[str] = mapped_column(String(60), primary_key=True)
    action: Mapped[str | None] = mapped_column(String(60))


class SecurityGroup(Base):
    """The PostgreSQL group role that stands for a Desk role in this database.

    Roles are cluster-wide and one server holds several Desk databases (production,
    training, tests), so each database names its own groups; ``database_name`` tells a
    copy (CREATE DATABASE … TEMPLATE) that the groups it inherited are another's.
    """

    __tablename__ = "security_groups"

    role: Mapped[str] = mapped_column(String(24), primary_key=True)
    rolname: Mapped[str] = mapped_column(String(63))
    database_name: Mapped[str] = mapped_column(String(63))
