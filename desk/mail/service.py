"""What the CLI and the UI ask of e-mail: set-up, templates, per-service switches, the
outbox, delivery, and the daily loaner reminders."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from db.engine import Database
from db.models import (
    Incident,
    Loan,
    Loaner,
    MailEventSwitch,
    MailSettings,
    MailTemplate,
    OutboxMessage,
    Person,
    Repair,
)
from desk.actor import Actor
from desk.clock import Clock
from desk.common import audit, lookups
from desk.common.text import clean_text
from desk.errors import InvalidInput
from desk.mail import credentials, templates
from desk.mail.config import MailConfig, check_address, parse_smtp_url
from desk.mail.credentials import Login
from desk.mail.events import WORDS, MailEvent
from desk.mail.notify import Notifier, event_enabled, read_config, read_template
from desk.mail.sender import MailSender, SendReport
from desk.rules.permissions import require

STATUSES = ("queued", "sending", "sent", "failed")


@dataclass(frozen=True)
class ImapSetting:
    """Where the desk's mailbox is (desk.inbound.imap.parse_imap_url reads the URL)."""

    host: str
    port: int
    security: str
    user: str
    mailbox: str


@dataclass(frozen=True)
class OutboxView:
    id: int
    event: str
    ticket: str | None
    recipient: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None

    @property
    def event_words(self) -> str:
        try:
            return WORDS[MailEvent(self.event)]
        except ValueError:
            return self.event


@dataclass(frozen=True)
class EventSetting:
    event: MailEvent
    words: str
    enabled: bool
    customised: bool


class MailService:
    def __init__(self, db: Database, clock: Clock, notifier: Notifier, sender: MailSender | None = None) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.sender = sender or MailSender(db, clock)

    # -- settings --------------------------------------------------------------------------
    def config(self) -> MailConfig:
        with self.db.reading() as s:
            return read_config(s)

    def setup(self, actor: Actor, *, smtp: str | None = None, security: str | None = None,
              from_address: str | None = None, from_name: str | None = None, enabled: bool | None = None,
              login: Login | None = None, no_login: bool = False, imap: ImapSetting | None = None,
              imap_password: str | None = None, flood_per_hour: int | None = None) -> MailConfig:
        """Change what is given, keep the rest. A login goes to this machine's keyring; the
        database only records that the server wants one."""
        require(actor, "mail.manage")
        now = self.clock()
        with self.db.writing() as s:
            row = s.get(MailSettings, 1)
            if row is None:
                row = MailSettings(id=1, enabled=False, smtp_host="", smtp_port=587, smtp_security="starttls",
                                   smtp_auth=False, from_address="", from_name="IT Service Desk", imap_host="",
                                   imap_port=993, imap_security="tls", imap_user="", imap_mailbox="INBOX",
                                   flood_per_hour=10)
                s.add(row)
            before = read_config(s)
            if smtp is not None:
                row.smtp_host, row.smtp_port, row.smtp_security = parse_smtp_url(smtp, security)
            elif security is not None:
                row.smtp_security = parse_smtp_url(f"smtp://{row.smtp_host or 'x'}:{row.smtp_port}", security)[2]
            if from_address is not None:
                row.from_address = check_address(from_address, "from")
            if from_name is not None:
                row.from_name = clean_text(from_name, "sender name", required=True, single_line=True,
                                           max_length=255) or ""
            if login is not None:
                if not login.user.strip() or not login.password:
                    raise InvalidInput("Both the SMTP login name and its password are needed.", "password")
                row.smtp_auth = True
            elif no_login:
                row.smtp_auth = False
            if imap is not None:
                row.imap_host, row.imap_port, row.imap_security = imap.host, imap.port, imap.security
                row.imap_user, row.imap_mailbox = imap.user, imap.mailbox
            if flood_per_hour is not None:
                if not 1 <= flood_per_hour <= 10_000:
                    raise InvalidInput("The flood limit is 1 to 10,000 messages per sender per hour.", "flood")
                row.flood_per_hour = flood_per_hour
            if enabled is not None:
                row.enabled = enabled
            if row.enabled and not (row.smtp_host and row.from_address):
                raise InvalidInput("Mail cannot be switched on before the server and the sender address are set: "
                                   "desk mail setup --smtp smtp://HOST:PORT --from ADDRESS", "smtp")
            row.updated_at, row.updated_by_id = now, actor.staff_id
            s.flush()
            after = read_config(s)
            for name in ("enabled", "smtp_host", "smtp_port", "smtp_security", "smtp_auth", "from_address",
                         "from_name", "imap_host", "imap_port", "imap_security", "imap_user", "imap_mailbox",
                         "flood_per_hour"):
                if getattr(before, name) != getattr(after, name):
                    audit.record(s, actor, now, "mail_settings", 1, name, getattr(before, name), getattr(after, name))
        if login is not None:
            # After the commit: a keyring that refuses leaves settings that are right, and says so.
            credentials.save(after.server, Login(login.user.strip(), login.password))
        if imap_password is not None:
            if not after.imap_configured:
                raise InvalidInput("Set the mailbox first: --imap imaps://USER@HOST/MAILBOX.", "imap")
            credentials.save(after.imap_key, Login(after.imap_user, imap_password), service=credentials.IMAP_SERVICE)
        return after

    def imap_login_here(self) -> Login | None:
        config = self.config()
        if not config.imap_configured:
            return None
        return credentials.load(config.imap_key, service=credentials.IMAP_SERVICE)

    def login_here(self) -> Login | None:
        config = self.config()
        return credentials.load(config.server) if config.smtp_auth else None

    # -- templates and switches --------------------------------------------------------------
    def template(self, event: MailEvent) -> templates.Template:
        with self.db.reading() as s:
            return read_template(s, event)

    def set_template(self, actor: Actor, event: MailEvent, *, subject: str, body_text: str,
                     body_html: str = "") -> templates.Template:
        require(actor, "mail.manage")
        checked = templates.check(event, subject, body_text, body_html)
        now = self.clock()
        with self.db.writing() as s:
            row = s.get(MailTemplate, event.value)
            if row is None:
                row = MailTemplate(event=event.value, subject="", body_text="", body_html="", updated_at=now)
                s.add(row)
            row.subject, row.body_text, row.body_html = checked.subject, checked.body_text, checked.body_html
            row.updated_at, row.updated_by_id = now, actor.staff_id
            s.flush()
            audit.record(s, actor, now, "mail_template", 0, event.value, None, "edited")
            return read_template(s, event)

    def reset_template(self, actor: Actor, event: MailEvent) -> templates.Template:
        require(actor, "mail.manage")
        now = self.clock()
        with self.db.writing() as s:
            row = s.get(MailTemplate, event.value)
            if row is not None:
                s.delete(row)
                audit.record(s, actor, now, "mail_template", 0, event.value, "edited", "default")
        return templates.default(event)

    def events(self, service: str | None = None) -> list[EventSetting]:
        with self.db.reading() as s:
            service_id = lookups.service_id(s, service) if service else None
            customised = set(s.execute(select(MailTemplate.event)).scalars())
            return [EventSetting(e, WORDS[e], event_enabled(s, e, service_id), e.value in customised)
                    for e in MailEvent]

    def switch(self, actor: Actor, service: str, event: MailEvent, on: bool) -> None:
        require(actor, "mail.manage")
        now = self.clock()
        with self.db.writing() as s:
            service_id = lookups.service_id(s, service)
            row = s.get(MailEventSwitch, (service_id, event.value))
            before = True if row is None else row.enabled
            if row is None:
                row = MailEventSwitch(service_id=service_id, event=event.value, enabled=on)
                s.add(row)
            row.enabled = on
            if before != on:
                audit.record(s, actor, now, "service", service_id, f"mail:{event.value}", before, on)

    # -- the outbox ------------------------------------------------------------------------
    def outbox(self, *, status: str | None = None, limit: int = 200) -> list[OutboxView]:
        if status is not None and status not in STATUSES:
            raise InvalidInput(f"No outbox status {status!r}: {', '.join(STATUSES)}.", "status")
        with self.db.reading() as s:
            stmt = (select(OutboxMessage.id, OutboxMessage.event, Incident.number, OutboxMessage.recipient,
                           OutboxMessage.subject, OutboxMessage.status, OutboxMessage.attempts,
                           OutboxMessage.next_attempt_at, OutboxMessage.last_error, OutboxMessage.created_at,
                           OutboxMessage.sent_at)
                    .outerjoin(Incident, Incident.id == OutboxMessage.incident_id)
                    .order_by(OutboxMessage.id.desc()).limit(limit))
            if status is not None:
                stmt = stmt.where(OutboxMessage.status == status)
            return [OutboxView(*r) for r in s.execute(stmt).all()]

    def counts(self) -> dict[str, int]:
        with self.db.reading() as s:
            rows = s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
        return {status: int(n) for status, n in rows}

    def send(self, login: Login | None = None, *, include_waiting: bool = False,
             limit: int | None = None) -> SendReport:
        """Deliver what is due with ``login`` (else this machine's keyring's)."""
        if login is None:
            login = self.login_here()
        return self.sender.send_due(login, include_waiting=include_waiting, limit=limit)

    def remind_overdue_loans(self) -> int:
        """Queue today's reminder for every overdue loan (once a day each, whoever runs it)."""
        now = self.clock()
        queued = 0
        with self.db.writing() as s:
            rows = s.execute(
                select(Loan, Loaner.asset_tag, Incident, Person)
                .join(Loaner, Loaner.id == Loan.loaner_id)
                .join(Person, Person.id == Loan.person_id)
                .join(Repair, Repair.id == Loan.repair_id)
                .join(Incident, Incident.id == Repair.incident_id)
                .where(Loan.returned_at.is_(None), Loan.due_at < now)).all()
            for loan, tag, inc, person in rows:
                queued += self.notifier.loaner_overdue(s, inc, person, loan.id, tag, loan.due_at, now)
        return queued
