"""Walk-in counter: devices, repair intakes, accessories, signatures, loaner laptops and loans."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from db.base import Base
from db.types import UTCDateTime


class Device(Base):
    """A laptop brought to the counter; found again by asset tag or serial number."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_tag: Mapped[str | None] = mapped_column(String(64), unique=True)
    serial: Mapped[str | None] = mapped_column(String(64), index=True)
    make: Mapped[str] = mapped_column(String(120), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    os: Mapped[str] = mapped_column(String(120), default="")
    warranty_until: Mapped[dt.date | None] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Repair(Base):
    """The intake record of one laptop-repair incident, and later its pickup."""

    __tablename__ = "repairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), unique=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    symptoms: Mapped[str] = mapped_column(Text, default="")
    # Names of the physical-condition checklist items found (e.g. "screen cracked").
    condition: Mapped[list[str]] = mapped_column(JSON, default=list)
    damage_notes: Mapped[str] = mapped_column(Text, default="")
    backup_wanted: Mapped[bool] = mapped_column(Boolean, default=False)
    wipe_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whether a technician needs the customer's login; the password itself is never stored.
    login_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    terms_version: Mapped[str] = mapped_column(String(40))
    staff_initials: Mapped[str] = mapped_column(String(8))
    intake_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    intake_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    ready_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    work_done: Mapped[str] = mapped_column(Text, default="")
    parts: Mapped[list[str]] = mapped_column(JSON, default=list)
    picked_up_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    pickup_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    # What identification was checked at pickup (e.g. "university card"), never its number.
    pickup_id_checked: Mapped[str | None] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    # The counter's home page lists the repairs still at the desk (not picked up): a few
    # hundred among every repair ever taken in.
    __table_args__ = (Index("ix_repairs_waiting", "ready_at", "intake_at",
                            sqlite_where=text("picked_up_at IS NULL"),
                            postgresql_where=text("picked_up_at IS NULL")),)


class RepairAccessory(Base):
    """An accessory received at intake, ticked off when it is handed back."""

    __tablename__ = "repair_accessories"

    id: Mapped[int] = mapped_column(primary_key=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("repairs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    returned: Mapped[bool] = mapped_column(Boolean, default=False)


class Signature(Base):
    """A signature captured on screen (PNG), with what it was given for."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("repairs.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # "intake" or "pickup"
    signer_name: Mapped[str] = mapped_column(String(300))
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    png: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class Loaner(Base):
    """A laptop of the loaner pool."""

    __tablename__ = "loaners"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_tag: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(String(200))
    serial: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    retire_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Loan(Base):
    """One lending of a loaner; open while ``returned_at`` is NULL."""

    __tablename__ = "loans"

    id: Mapped[int] = mapped_column(primary_key=True)
    loaner_id: Mapped[int] = mapped_column(ForeignKey("loaners.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    repair_id: Mapped[int | None] = mapped_column(ForeignKey("repairs.id", ondelete="SET NULL"), index=True)
    lent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    lent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    returned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    returned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    return_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_loans_open_due", "returned_at", "due_at"),)


class SatisfactionRating(Base):
    """The customer's own answer at the end of a pickup: one tap on a face (1 unhappy,
    2 neutral, 3 happy) and an optional comment, or none given. Recorded once, right after
    the pickup it belongs to, against the counter member who handed back and the
    technician who did the work; never changed afterwards (db.security guards it too)."""

    __tablename__ = "satisfaction_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), unique=True)
    score: Mapped[int | None] = mapped_column(Integer)        # None: the customer did not answer
    comment: Mapped[str] = mapped_column(Text, default="")
    counter_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    rated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)

    __table_args__ = (CheckConstraint("score IS NULL OR score BETWEEN 1 AND 3", name="score"),)
