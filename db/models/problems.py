"""Problems: the underlying cause of one or more incidents (their own record)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.enums import ProblemStatus
from db.models._columns import enum_column
from db.types import UTCDateTime


class Problem(Base):
    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProblemStatus] = mapped_column(enum_column(ProblemStatus, "problem_status"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    root_cause: Mapped[str | None] = mapped_column(Text)
    workaround: Mapped[str | None] = mapped_column(Text)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    # use_alter: incidents and problems point at each other.
    major_incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", use_alter=True, name="fk_problems_major_incident_id_incidents")
    )
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_problems_status", "status", "id"),)
