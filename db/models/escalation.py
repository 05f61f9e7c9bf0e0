"""SLA alerts and what they set off: escalation rules, the alerts recorded at the instant
a target became at risk or breached, the notifications sent to staff, and the lease that
lets one workstation (of many) run the job."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class EscalationRule(Base):
    """What happens when a ticket's target becomes at risk or is breached.

    The row with ``service_id`` and ``priority`` NULL is the desk's default; a row for a
    service, a priority, or both overrides it (the most specific row applies whole).
    """

    __tablename__ = "escalation_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    priority: Mapped[str | None] = mapped_column(String(2))
    # "<service id or *>:<priority or *>", unique: one rule per scope, NULL meaning "any"
    # (a plain unique key: SQLite cannot reflect an expression index over the two).
    scope: Mapped[str] = mapped_column(String(40), unique=True)
    at_risk_notify_assignee: Mapped[bool] = mapped_column(Boolean, default=True)
    at_risk_notify_team: Mapped[bool] = mapped_column(Boolean, default=True)
    breach_notify_assignee: Mapped[bool] = mapped_column(Boolean, default=True)
    breach_notify_lead: Mapped[bool] = mapped_column(Boolean, default=True)
    # On breach: hand the ticket to this team (NULL: stays where it is).
    breach_reassign_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    # On breach: raise the urgency one step (the priority follows through the matrix).
    breach_raise_urgency: Mapped[bool] = mapped_column(Boolean, default=False)
    # Also by e-mail, to the staff member's address, where mail is set up.
    by_mail: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))

    __table_args__ = (
        CheckConstraint("priority IS NULL OR priority IN ('P1', 'P2', 'P3', 'P4', 'P5')", name="priority_known"),
    )


class SlaAlert(Base):
    """A target that became at risk or breached, recorded once, with the instant it
    happened (``reached_at``) — not when a workstation or cron noticed it."""

    __tablename__ = "sla_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(10))      # response | resolution
    level: Mapped[str] = mapped_column(String(10))       # at_risk | breach
    reached_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    priority: Mapped[str] = mapped_column(String(2))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Where it was noticed: "workstation <host> (<login>)" or "desk sla sweep".
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("escalation_rules.id", ondelete="SET NULL"))
    # What the rule did, in words (who was told, a reassignment, a raised urgency).
    actions: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        # Once per target and level: several workstations and cron can never alert twice.
        UniqueConstraint("incident_id", "target", "level"),
        CheckConstraint("target IN ('response', 'resolution')", name="target_known"),
        CheckConstraint("level IN ('at_risk', 'breach')", name="level_known"),
        Index("ix_sla_alerts_recorded", "recorded_at"),
    )


class StaffNotification(Base):
    """A message to one staff member about a ticket, shown as a desktop notification on
    their workstation (``shown_at``) and kept until read."""

    __tablename__ = "staff_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("sla_alerts.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))      # assignee | team | lead
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    shown_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("alert_id", "staff_id"),
        Index("ix_staff_notifications_unread", "staff_id", "read_at", "id"),
    )


class JobLease(Base):
    """Who runs a desk-wide job now (the SLA alerts): one holder at a time, renewed while
    it runs, taken over by another workstation once it lapses."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    generation: Mapped[int] = mapped_column(Integer, default=1)
