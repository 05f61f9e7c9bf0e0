"""Incidents and what hangs off them: journal, task checklist, attachments."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from db.base import Base
from db.enums import Channel, Impact, IncidentStatus, JournalKind, PersonStatusKind, Priority, Urgency
from db.models._columns import enum_column
from db.types import UTCDateTime


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")

    caller_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # The status and department the caller acts in for this ticket (a student who is
    # also staff may report as staff for a departmental laptop).
    acting_status: Mapped[PersonStatusKind | None] = mapped_column(
        enum_column(PersonStatusKind, "incident_acting_status")
    )
    acting_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))

    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    impact: Mapped[Impact] = mapped_column(enum_column(Impact, "incident_impact"))
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency, "incident_urgency"))
    priority: Mapped[Priority] = mapped_column(enum_column(Priority, "incident_priority"))
    priority_explanation: Mapped[str] = mapped_column(String(300))
    vip_policy_id: Mapped[int | None] = mapped_column(ForeignKey("vip_policies.id"))

    status: Mapped[IncidentStatus] = mapped_column(enum_column(IncidentStatus, "incident_status"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "incident_channel"))

    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    # Stored SLA results, maintained by the SLA engine on every relevant event so the
    # queue can sort by due time with an index and reports need not recompute.
    response_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolution_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    response_breached_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolution_breached_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Instants at which 75 % (configurable) of a target is used: "at risk now" is then
    # an indexed comparison with now instead of a calendar computation per row.
    response_at_risk_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolution_at_risk_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Targets and business time actually used, in seconds (reports aggregate these).
    response_target_s: Mapped[int | None] = mapped_column(Integer)
    resolution_target_s: Mapped[int | None] = mapped_column(Integer)
    response_elapsed_s: Mapped[int | None] = mapped_column(Integer)
    resolution_elapsed_s: Mapped[int | None] = mapped_column(Integer)
    # Set while the resolution clock is paused (Pending states); due times are then NULL.
    sla_paused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The SLA version (sla_versions.id) the ticket is measured against, fixed when it is
    # first measured so later catalogue edits cannot move past results (desk.sla.stored).
    # No foreign key: adding one would make SQLite rebuild this table in the migration.
    sla_version_id: Mapped[int | None] = mapped_column(Integer)

    resolution_code: Mapped[str | None] = mapped_column(String(60))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    parent_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id"), index=True)
    model_id: Mapped[int | None] = mapped_column(ForeignKey("incident_models.id"))
    is_major: Mapped[bool] = mapped_column(Boolean, default=False)
    major_manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    next_update_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_incidents_status_priority", "status", "priority", "id"),
        # "My team" in due order from the index alone (migration 0021).
        Index("ix_incidents_team_status_due", "team_id", "status", "resolution_due_at", "id"),
        Index("ix_incidents_assignee_status", "assignee_id", "status"),
        Index("ix_incidents_resolution_due", "resolution_due_at", "id"),
        Index("ix_incidents_resolution_at_risk", "resolution_at_risk_at"),
        Index("ix_incidents_updated", "updated_at", "id"),
        Index("ix_incidents_opened", "opened_at", "id"),
        CheckConstraint("version >= 1", name="version_positive"),
    )


class JournalEntry(Base):
    __tablename__ = "journal_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    problem_id: Mapped[int | None] = mapped_column(
        ForeignKey("problems.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[JournalKind] = mapped_column(enum_column(JournalKind, "journal_kind"))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint(
            "(incident_id IS NOT NULL) OR (problem_id IS NOT NULL)", name="has_record"
        ),
    )


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    # Why the task may not apply (e.g. "if consented"); NULL for tasks always needed.
    condition: Mapped[str | None] = mapped_column(String(200))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(260))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Kept in the database so every workstation on a shared server sees the file.
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
