"""Major incidents: the team working one (staff with roles) and the rules that start one."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class MajorTeamMember(Base):
    """A staff member on a major incident's team, in a role ("communications", "technical lead", ...)."""

    __tablename__ = "major_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"))
    role: Mapped[str] = mapped_column(String(60))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))

    __table_args__ = (UniqueConstraint("incident_id", "staff_id"),)


class MajorIncidentRule(Base):
    """When Desk proposes a major incident (surge) and how often its updates are due.

    The row with ``service_id`` NULL is the default; a row for a service overrides it.
    """

    __tablename__ = "major_incident_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), unique=True)
    surge_threshold: Mapped[int] = mapped_column(Integer)
    surge_window_minutes: Mapped[int] = mapped_column(Integer)
    update_interval_minutes: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("surge_threshold >= 2", name="surge_threshold_min"),
        CheckConstraint("surge_window_minutes >= 1", name="surge_window_min"),
        CheckConstraint("update_interval_minutes >= 5", name="update_interval_min"),
    )
