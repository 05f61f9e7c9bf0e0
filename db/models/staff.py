"""Staff accounts, their roles and the teams (assignment groups) they belong to."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.enums import Role
from db.models._columns import enum_column
from db.types import UTCDateTime


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The staff account told when one of the team's tickets breaches its SLA
    # (desk.escalation). No foreign key, so SQLite adds the column without rebuilding
    # ``teams``, which many tables reference; accounts are deactivated, never deleted.
    lead_id: Mapped[int | None] = mapped_column(Integer)


class StaffAccount(Base):
    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    # The PostgreSQL login this account signs in with (NULL: no server login yet).
    db_login: Mapped[str | None] = mapped_column(String(120), unique=True)
    os_user: Mapped[str | None] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    roles: Mapped[list[StaffRole]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", back_populates="staff"
    )
    __mapper_args__ = {"version_id_col": version}


class StaffRole(Base):
    __tablename__ = "staff_roles"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role, "staff_role"), primary_key=True)
    staff: Mapped[StaffAccount] = relationship(back_populates="roles", lazy="raise")


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
