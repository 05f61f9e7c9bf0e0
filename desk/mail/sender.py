"""Delivering the outbox: claim what is due, send it over SMTP, record what the server said.

Any number of senders may run at once (workstations, cron): each claims a batch in one
write transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's single writer does
the same), so a message is handed to one sender only. A claim lasts ``CLAIM`` seconds: a
sender that dies mid-batch leaves its messages to the next one after that. A message the
server accepted is marked sent at once; only a crash in that instant can send it twice.

Answers: 2xx sent; 4xx, a refused connection or a lost one: queued again after a back-off
(the server is down for a day: nothing is lost, it goes when the server is back); 5xx
failed, with the server's reply kept. A message still not delivered after ``GIVE_UP``
fails with the last reply.
"""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.errors import MessageError
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import and_, or_, select, text, update

from db.engine import Database
from db.models import Incident, OutboxMessage
from desk.clock import Clock
from desk.mail.compose import Outgoing, build
from desk.mail.config import MailConfig
from desk.mail.credentials import Login
from desk.mail.network import describe_connection
from desk.mail.notify import read_config

log = logging.getLogger(__name__)

BATCH = 50
CLAIM = dt.timedelta(minutes=5)
# Waits after the 1st, 2nd, … failed attempt; the last one repeats.
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=5), dt.timedelta(minutes=10),
           dt.timedelta(minutes=30), dt.timedelta(hours=1))
GIVE_UP = dt.timedelta(days=5)
TIMEOUT_S = 30


class Transport(Protocol):
    """An open connection for one batch (``with``), that sends one message at a time."""

    def __enter__(self) -> Transport: ...
    def __exit__(self, *exc: object) -> None: ...
    def send(self, msg: EmailMessage, to: str) -> None: ...


class Permanent(Exception):
    """The server refused for good (5xx), or the message cannot be sent as it is."""


class Temporary(Exception):
    """Try again later (4xx, no connection, connection lost)."""


def backoff(attempts: int) -> dt.timedelta:
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def describe_smtp(exc: BaseException) -> str:
    """The server's own words where it gave some, never a password."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
                         for addr, (code, msg) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}".strip()
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    return describe_connection(exc, TIMEOUT_S)


def classify(exc: BaseException) -> Exception:
    """Permanent (5xx) or Temporary (the rest) with the server's words."""
    code = None
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _m in exc.recipients.values()]
        code = min(codes) if codes else None
    elif isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
    words = describe_smtp(exc)
    if code is not None and 500 <= code < 600:
        return Permanent(words)
    return Temporary(words)


class SmtpTransport:
    """One SMTP connection for a batch: STARTTLS or TLS with the system's certificates."""

    def __init__(self, config: MailConfig, login: Login | None, *, timeout: float | None = None,
                 context: ssl.SSLContext | None = None) -> None:
        self.config, self.login, self.timeout = config, login, timeout or TIMEOUT_S
        self.context = context or ssl.create_default_context()
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        c = self.config
        try:
            if c.smtp_security == "tls":
                self.smtp = smtplib.SMTP_SSL(c.smtp_host, c.smtp_port, timeout=self.timeout, context=self.context)
            else:
                self.smtp = smtplib.SMTP(c.smtp_host, c.smtp_port, timeout=self.timeout)
                if c.smtp_security == "starttls":
                    self.smtp.starttls(context=self.context)
            if c.smtp_auth:
                if self.login is None:
                    raise Temporary(f"no SMTP login for {c.server} on this machine (desk mail setup --user NAME "
                                    "--password-stdin, or send --user NAME --password-file FILE)")
                try:
                    self.smtp.login(self.login.user, self.login.password)
                except smtplib.SMTPServerDisconnected:
                    # Some servers hang up on a failed login rather than answer 535.
                    raise smtplib.SMTPAuthenticationError(535, b"closed the connection at the login") from None
                except UnicodeEncodeError:
                    # smtplib sends the login as ASCII only; uncaught, this stopped every run.
                    # The messages wait, as for a wrong password (the words never show it).
                    self.close()
                    raise Temporary("the SMTP login name or password has characters other than ASCII, which "
                                    "the SMTP login cannot send; use an ASCII password for the relay") from None
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            # A wrong password is not the messages' fault: they wait for the right one.
            raise Temporary(f"the server refused the login: {describe_smtp(exc)}") from None
        except smtplib.SMTPNotSupportedError:
            self.close()
            raise Temporary(f"{c.server} does not offer STARTTLS; use --tls, or --no-tls on a trusted network") \
                from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise classify(exc) from None
        return self

    def send(self, msg: EmailMessage, to: str) -> None:
        assert self.smtp is not None
        try:
            self.smtp.send_message(msg, to_addrs=[to])
        except (smtplib.SMTPException, OSError) as exc:
            raise classify(exc) from None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)
    incidents: set[int] = field(default_factory=set)   # whose mail changed state (their timelines)

    def describe(self) -> str:
        parts = [f"{self.sent} sent"]
        if self.retried:
            parts.append(f"{self.retried} to retry")
        if self.failed:
            parts.append(f"{self.failed} failed")
        return ", ".join(parts)


class MailSender:
    def __init__(self, db: Database, clock: Clock,
                 connect: Callable[[MailConfig, Login | None], Transport] | None = None) -> None:
        self.db = db
        self.clock = clock
        self.connect = connect or (lambda config, login: SmtpTransport(config, login))

    def send_due(self, login: Login | None = None, *, include_waiting: bool = False,
                 limit: int | None = None) -> SendReport:
        """Deliver what is due (``include_waiting``: also what waits for a retry), batch by
        batch, until nothing is left, ``limit`` messages were tried, or the server is down."""
        report = SendReport()
        token = uuid.uuid4().hex
        tried = 0
        while limit is None or tried < limit:
            with self.db.reading() as s:
                config = read_config(s)
            if not config.configured:
                report.problems.append("mail is not set up: desk mail setup --smtp smtp://HOST:PORT --from ADDRESS")
                return report
            batch = self._claim(token, BATCH if limit is None else min(BATCH, limit - tried), include_waiting)
            if not batch:
                return report
            tried += len(batch)
            report.incidents.update(i.incident_id for i in batch if i.incident_id is not None)
            if not self._deliver(batch, config, login, token, report):
                return report    # the server is unreachable: the rest waits for the next run
        return report

    # -- claiming --------------------------------------------------------------------------
    def _claim(self, token: str, size: int, include_waiting: bool) -> list[Outgoing]:
        now = self.clock()
        due = OutboxMessage.status == "queued"
        if not include_waiting:
            due = and_(due, OutboxMessage.next_attempt_at <= now)
        # A claim that ran out: its sender died or hung. Taken over.
        stale = and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < now)
        with self.db.writing() as s:
            stmt = select(OutboxMessage.id).where(or_(due, stale)).order_by(OutboxMessage.id).limit(size)
            if s.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            ids = list(s.execute(stmt).scalars())
            if not ids:
                return []
            s.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(
                status="sending", claimed_by=token, claimed_until=now + CLAIM,
                attempts=OutboxMessage.attempts + 1))
            rows = s.execute(
                select(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.recipient_name,
                       OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html,
                       OutboxMessage.message_id, OutboxMessage.thread_refs, Incident.number,
                       OutboxMessage.incident_id)
                .outerjoin(Incident, Incident.id == OutboxMessage.incident_id)
                .where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)).all()
        return [Outgoing(*r[:8], r[8] or "", r[9]) for r in rows]

    # -- delivering ------------------------------------------------------------------------
    def _deliver(self, batch: list[Outgoing], config: MailConfig, login: Login | None, token: str,
                 report: SendReport) -> bool:
        try:
            with self.connect(config, login) as transport:
                for item in batch:
                    try:
                        msg = build(item, config, self.clock())
                    # An address the email package refuses: ValueError mostly, but some (a@b..c,
                    # [a@b.c, which the person form lets through) raise HeaderParseError or
                    # IndexError; uncaught, they stopped the batch on every run, for good.
                    except (ValueError, TypeError, IndexError, MessageError) as exc:
                        self._failed(item.id, token, f"cannot be sent as written: {exc}", report)
                        continue
                    try:
                        transport.send(msg, item.recipient)
                    except Permanent as exc:
                        self._failed(item.id, token, str(exc), report)
                    except Temporary as exc:
                        self._retry([item.id], token, str(exc), report)
                        if "closed the connection" in str(exc) or "cannot connect" in str(exc):
                            rest = [i.id for i in batch if i.id > item.id]
                            self._retry(rest, token, str(exc), report)
                            return False
                    else:
                        self._sent(item.id, token, report)
        except Temporary as exc:          # no connection at all: the whole batch waits
            self._retry([i.id for i in batch], token, str(exc), report)
            return False
        except Permanent as exc:          # the server refused us (5xx at the greeting, say)
            self._retry([i.id for i in batch], token, str(exc), report)
            return False
        return True

    def _sent(self, message_id: int, token: str, report: SendReport) -> None:
        with self.db.writing() as s:
            if s.get_bind().dialect.name == "postgresql":
                # Recorded at once but without waiting for the disk: a server crash in the
                # next instant could only lose the mark (the message would go again), which is
                # the risk there is anyway between the SMTP answer and this commit.
                s.execute(text("SET LOCAL synchronous_commit TO OFF"))
            done = s.execute(update(OutboxMessage).where(
                OutboxMessage.id == message_id, OutboxMessage.claimed_by == token).values(
                status="sent", sent_at=self.clock(), claimed_until=None, last_error=None)
                .returning(OutboxMessage.id)).first()
        if done is not None:
            report.sent += 1

    def _failed(self, message_id: int, token: str, why: str, report: SendReport) -> None:
        with self.db.writing() as s:
            s.execute(update(OutboxMessage).where(
                OutboxMessage.id == message_id, OutboxMessage.claimed_by == token).values(
                status="failed", claimed_until=None, last_error=why[:2000]))
        report.failed += 1
        report.problems.append(why)
        log.warning("mail %s failed: %s", message_id, why)

    def _retry(self, ids: list[int], token: str, why: str, report: SendReport) -> None:
        if not ids:
            return
        now = self.clock()
        with self.db.writing() as s:
            rows = s.execute(select(OutboxMessage.id, OutboxMessage.attempts, OutboxMessage.created_at).where(
                OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == token)).all()
            for mid, attempts, created in rows:
                values: dict[str, object]
                if now - created >= GIVE_UP:
                    values = {"status": "failed", "last_error": f"gave up after {attempts} attempts: {why}"[:2000]}
                    report.failed += 1
                else:
                    values = {"status": "queued", "next_attempt_at": now + backoff(attempts), "last_error": why[:2000]}
                    report.retried += 1
                s.execute(update(OutboxMessage).where(OutboxMessage.id == mid).values(claimed_until=None, **values))
        if why not in report.problems:
            report.problems.append(why)
