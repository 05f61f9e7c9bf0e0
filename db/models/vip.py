"""The VIP policy (versioned, published text) and who holds VIP status."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class VipPolicy(Base):
    __tablename__ = "vip_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    text: Mapped[str] = mapped_column(Text)
    urgency_levels_raised: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))


class VipGrant(Base):
    __tablename__ = "vip_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    office: Mapped[str | None] = mapped_column(String(200))
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"))
    grant_reason: Mapped[str] = mapped_column(Text)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
