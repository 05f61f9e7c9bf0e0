"""People from the directory feed: several statuses and department affiliations each."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.enums import PersonStatusKind
from db.models._columns import enum_column
from db.types import UTCDateTime


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    parent: Mapped[Department | None] = relationship(remote_side=[id], lazy="raise")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    university_id: Mapped[str] = mapped_column(String(32), unique=True)
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    preferred_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    statuses: Mapped[list[PersonStatus]] = relationship(
        back_populates="person", lazy="raise", cascade="all, delete-orphan",
        order_by="PersonStatus.start_date",
    )
    affiliations: Mapped[list[Affiliation]] = relationship(
        back_populates="person", lazy="raise", cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_people_family_given", "family_name", "given_name"),)


class PersonStatus(Base):
    """One status held by a person over a period; ended statuses are kept as history."""

    __tablename__ = "person_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PersonStatusKind] = mapped_column(enum_column(PersonStatusKind, "person_status_kind"))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    person: Mapped[Person] = relationship(back_populates="statuses", lazy="raise")

    __table_args__ = (UniqueConstraint("person_id", "kind", "start_date"),)


class Affiliation(Base):
    __tablename__ = "affiliations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    person: Mapped[Person] = relationship(back_populates="affiliations", lazy="raise")
    department: Mapped[Department] = relationship(lazy="raise")

    __table_args__ = (UniqueConstraint("person_id", "department_id"),)
