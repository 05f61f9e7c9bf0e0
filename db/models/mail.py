"""E-mail: the desk's mail settings, its templates and per-service switches, and the outbox.

The outbox is durable: a message is written in the same transaction as the event that
produced it, and delivered later by whichever sender claims it first (a workstation, or
``desk mail send`` from cron). Its delivery columns move (queued → sending → sent, or
back to queued with a later attempt, or failed); its content never changes after the
insert. Passwords are never here: they live in each machine's keyring.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from db.base import Base
from db.types import UTCDateTime

OUTBOX_STATUSES = ("queued", "sending", "sent", "failed")
SMTP_SECURITY = ("starttls", "tls", "none")


class MailSettings(Base):
    """One row: how this database's desk sends mail (shared by every workstation)."""

    __tablename__ = "mail_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    smtp_host: Mapped[str] = mapped_column(String(255), default="")
    smtp_port: Mapped[int] = mapped_column(Integer, default=587)
    smtp_security: Mapped[str] = mapped_column(String(10), default="starttls")
    # Whether the server wants a login; the login name and password are in the keyring.
    smtp_auth: Mapped[bool] = mapped_column(Boolean, default=False)
    from_address: Mapped[str] = mapped_column(String(255), default="")
    from_name: Mapped[str] = mapped_column(String(255), default="IT Service Desk")
    # The mailbox customers write to (desk mail fetch); its password is in the keyring too.
    imap_host: Mapped[str] = mapped_column(String(255), default="")
    imap_port: Mapped[int] = mapped_column(Integer, default=993)
    imap_security: Mapped[str] = mapped_column(String(10), default="tls")
    imap_user: Mapped[str] = mapped_column(String(255), default="")
    imap_mailbox: Mapped[str] = mapped_column(String(255), default="INBOX")
    # More messages than this from one sender within an hour are kept aside (a loop, a flood).
    flood_per_hour: Mapped[int] = mapped_column(Integer, default=10)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("id = 1", name="one_row"),
        CheckConstraint("smtp_security IN ('starttls', 'tls', 'none')", name="security"),
        CheckConstraint("imap_security IN ('starttls', 'tls', 'none')", name="imap_security"),
    )


class MailTemplate(Base):
    """A supervisor's version of an event's message; without one the shipped default is used."""

    __tablename__ = "mail_templates"

    event: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class MailEventSwitch(Base):
    """An event switched off (or back on) for one service; no row: on."""

    __tablename__ = "mail_event_switches"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)
    event: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class OutboxMessage(Base):
    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(40))
    # What it is about: a ticket (every event names one; a loaner reminder names the repair's).
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"), index=True)
    # One message per event occurrence: a second enqueue of the same thing (two cron
    # runs reminding of the same loan on the same day) finds this and adds nothing.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(400))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(400), unique=True)
    thread_refs: Mapped[str] = mapped_column(Text, default="")   # the References header: the ticket's thread
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The server's own words on the last failed attempt (code and text), or why it was not sent.
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="status"),
        # What a sender looks for: due messages, oldest first.
        Index("ix_mail_outbox_due", "next_attempt_at", sqlite_where=text("status IN ('queued', 'sending')"),
              postgresql_where=text("status IN ('queued', 'sending')")),
    )


INBOX_OUTCOMES = ("opened", "commented", "kept_aside", "failed")


class InboxMessage(Base):
    """A message fetched from the desk's mailbox, once (by its Message-ID), and what came
    of it: a ticket opened, a comment added, or kept aside (a loop, a flood, an auto-reply,
    unreadable) with the reason. The raw message is kept either way."""

    __tablename__ = "mail_inbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(500), unique=True)
    from_address: Mapped[str] = mapped_column(String(320), default="", index=True)
    from_name: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    outcome: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"), index=True)
    # A sender the directory does not know, kept as a contact for the counter to check.
    unknown_sender: Mapped[bool] = mapped_column(Boolean, default=False)
    size: Mapped[int] = mapped_column(Integer, default=0)
    raw: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    fetched_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))

    __table_args__ = (
        CheckConstraint("outcome IN ('opened', 'commented', 'kept_aside', 'failed')", name="outcome"),
    )
