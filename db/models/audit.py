"""Append-only audit log: every change, who, when, field, old and new value.

Triggers created by the migrations refuse UPDATE and DELETE on this table. Each entry
is a link of a hash chain (``seq``, ``hash``; see ``db.audit_chain``): PostgreSQL seals
entries at commit in a deferred trigger, SQLite as they are inserted.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.audit_chain import install_sqlite_chaining
from db.base import Base
from db.types import UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    db_user: Mapped[str | None] = mapped_column(String(120))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    # Position in the chain and sha256 over this entry and the previous entry's hash;
    # NULL only inside the transaction that wrote the entry (PostgreSQL seals at commit).
    seq: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id", "at"),
        Index("ux_audit_log_seq", "seq", unique=True),
    )


install_sqlite_chaining(AuditEntry)
