"""Mail customers send to the desk: a reply lands on its ticket, anything else opens one.

Each message is handled once (its Message-ID is kept in ``mail_inbox``, with the raw
message and what came of it), in one unit of work with the change it makes. Machines'
mail (auto-replies, bounces, lists, Desk's own address) and floods (more than the
configured number from one sender in an hour) are kept aside, never turned into tickets,
so two desks (or a desk and an out-of-office) cannot mail each other forever.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.enums import Channel, JournalKind
from db.models import Attachment, InboxMessage, Incident, JournalEntry, Person
from desk.actor import Actor
from desk.clock import Clock
from desk.common import audit, lookups
from desk.errors import DeskError, InvalidInput, NotFound
from desk.inbound import imap
from desk.inbound.parse import ParsedMail, parse
from desk.incidents.service import DESCRIPTION_MAX, IncidentService, NewIncident
from desk.mail import credentials
from desk.mail.credentials import Login
from desk.mail.notify import read_config, ticket_in_references
from desk.rules import labels, lifecycle
from desk.rules.permissions import require

log = logging.getLogger(__name__)
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|tr|antw)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
TITLE_MAX = 300
BODY_MAX = 99_000        # what of a mail goes on the ticket: under DESCRIPTION_MAX with its heading


@dataclass(frozen=True)
class Outcome:
    outcome: str                 # opened, commented, kept_aside, failed, duplicate
    number: str | None = None
    reason: str = ""

    def describe(self) -> str:
        what = {"opened": f"opened {self.number}", "commented": f"added to {self.number}",
                "kept_aside": "kept aside", "failed": "not read", "duplicate": "already fetched"}[self.outcome]
        return f"{what}: {self.reason}" if self.reason else what


@dataclass
class FetchReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(o.outcome == outcome for o in self.outcomes)

    def describe(self) -> str:
        return (f"{self.count('opened')} opened, {self.count('commented')} added to tickets, "
                f"{self.count('kept_aside')} kept aside, {self.count('duplicate')} already fetched"
                + (f", {self.count('failed')} not read" if self.count("failed") else ""))


def clean_title(subject: str) -> str:
    title = _REPLY_PREFIX.sub("", " ".join(subject.split()))
    return (title or "(no subject)")[:TITLE_MAX]


def contact_id(address: str) -> str:
    """The university ID of a sender the directory does not know: one per address."""
    return "MAIL-" + hashlib.sha256(address.lower().encode()).hexdigest()[:12].upper()


@dataclass(frozen=True)
class InboxView:
    received_at: dt.datetime
    from_address: str
    from_name: str
    subject: str
    outcome: str
    reason: str
    ticket: str | None
    unknown_sender: bool
    size: int


class InboundService:
    def __init__(self, db: Database, clock: Clock, incidents: IncidentService) -> None:
        self.db = db
        self.clock = clock
        self.incidents = incidents

    def fetch(self, actor: Actor, login: Login | None = None, *, limit: int = imap.BATCH) -> FetchReport:
        """Read what is new in the desk's mailbox (``login``: else this machine's keyring's)."""
        require(actor, "mail.fetch")
        with self.db.reading() as s:
            config = read_config(s)
        if not config.imap_configured:
            raise InvalidInput("No mailbox is set up: desk mail setup --imap imaps://USER@HOST/MAILBOX "
                               "--imap-password-stdin", "imap")
        login = login or credentials.load(config.imap_key, service=credentials.IMAP_SERVICE)
        if login is None:
            raise InvalidInput(f"This machine has no password for {config.imap_key} in its keyring: desk mail "
                               "setup --imap-password-stdin, or fetch --imap-password-file FILE.", "imap")
        target = imap.ImapTarget(config.imap_host, config.imap_port, config.imap_security, config.imap_user,
                                 config.imap_mailbox)
        report = FetchReport()
        try:
            imap.each_new(target, login, lambda raw: report.outcomes.append(self.receive(actor, raw)), limit)
        except imap.ImapError as exc:
            raise InvalidInput(f"Cannot read {config.imap_key}/{config.imap_mailbox}: {exc}", "imap") from None
        return report

    def inbox(self, *, kept_aside: bool = False, unknown: bool = False, limit: int = 50) -> list[InboxView]:
        with self.db.reading() as s:
            stmt = (select(InboxMessage.received_at, InboxMessage.from_address, InboxMessage.from_name,
                           InboxMessage.subject, InboxMessage.outcome, InboxMessage.reason, Incident.number,
                           InboxMessage.unknown_sender, InboxMessage.size)
                    .outerjoin(Incident, Incident.id == InboxMessage.incident_id)
                    .order_by(InboxMessage.id.desc()).limit(limit))
            if kept_aside:
                stmt = stmt.where(InboxMessage.outcome.in_(("kept_aside", "failed")))
            if unknown:
                stmt = stmt.where(InboxMessage.unknown_sender.is_(True))
            return [InboxView(*r) for r in s.execute(stmt).all()]

    def receive(self, actor: Actor, raw: bytes) -> Outcome:
        """Handle one message as fetched (bytes as they came)."""
        require(actor, "incident.open")
        now = self.clock()
        with self.db.writing() as s:
            config = read_config(s)
            try:
                mail = parse(raw, config.from_address)
            except Exception as exc:  # noqa: BLE001 - anyone can send anything
                # Unreadable even so: kept as failed (once, by its hash), so it is marked seen
                # and does not stop every later fetch at the same message.
                return self._unreadable(s, actor, raw, exc, now)
            if s.execute(select(InboxMessage.id).where(InboxMessage.message_id == mail.message_id)).first():
                return Outcome("duplicate", reason=mail.message_id)
            try:
                with s.begin_nested():
                    outcome, inc, unknown = self._handle(s, actor, mail, config.flood_per_hour, config.domain,
                                                         now)
            except DeskError as exc:
                # A rule refused the change it would make: nothing of it is kept, the message
                # is (as not read, with the reason), so it is not raised at every fetch.
                outcome, inc, unknown = Outcome("failed", reason=f"not put on a ticket: {exc}"), None, False
            notes = "; ".join(x for x in (outcome.reason, *mail.problems) if x)
            s.add(InboxMessage(message_id=mail.message_id, from_address=mail.from_address, from_name=mail.from_name,
                               subject=mail.subject, received_at=now, outcome=outcome.outcome, reason=notes,
                               incident_id=inc.id if inc is not None else None, unknown_sender=unknown,
                               size=len(raw), raw=raw, fetched_by_id=actor.staff_id))
            return Outcome(outcome.outcome, outcome.number, notes)

    @staticmethod
    def _unreadable(s: Session, actor: Actor, raw: bytes, exc: Exception, now: dt.datetime) -> Outcome:
        message_id = f"<sha256.{hashlib.sha256(raw).hexdigest()}@desk.invalid>"
        if s.execute(select(InboxMessage.id).where(InboxMessage.message_id == message_id)).first():
            return Outcome("duplicate", reason=message_id)
        reason = f"the message could not be read ({exc.__class__.__name__}); the raw message is kept"
        log.warning("inbound mail not read: %r", exc)
        s.add(InboxMessage(message_id=message_id, received_at=now, outcome="failed", reason=reason, size=len(raw),
                           raw=raw, fetched_by_id=actor.staff_id))
        return Outcome("failed", reason=reason)

    # -- one message -----------------------------------------------------------------------
    def _handle(self, s: Session, actor: Actor, mail: ParsedMail, flood: int, domain: str, now: dt.datetime
                ) -> tuple[Outcome, Incident | None, bool]:
        if mail.automatic:
            return Outcome("kept_aside", reason=mail.automatic), None, False
        if not mail.from_address:
            return Outcome("kept_aside", reason="no sender address to answer"), None, False
        recent = s.execute(select(func.count(InboxMessage.id)).where(
            func.lower(InboxMessage.from_address) == mail.from_address,
            InboxMessage.received_at > now - dt.timedelta(hours=1))).scalar_one()
        if recent >= flood:
            return Outcome("kept_aside", reason=f"more than {flood} messages from {mail.from_address} "
                                                "within an hour (a loop or a flood)"), None, False
        ticket = self._ticket_of(s, mail, domain)
        sender = self._person(s, mail.from_address)
        if ticket is not None and ticket.status not in lifecycle.FINAL:
            return self._reply(s, actor, ticket, sender, mail, now), ticket, False
        return self._open(s, actor, mail, sender, ticket, now)

    @staticmethod
    def _ticket_of(s: Session, mail: ParsedMail, domain: str) -> Incident | None:
        for number in (ticket_in_references(mail.references, domain), mail.ticket_tag):
            if number:
                try:
                    return lookups.incident_by_number(s, number, for_update=True)
                except NotFound:
                    continue
        return None

    @staticmethod
    def _person(s: Session, address: str) -> Person | None:
        return s.execute(select(Person).where(func.lower(Person.email) == address.lower())
                         .order_by(Person.id).limit(1)).scalar()

    def _reply(self, s: Session, actor: Actor, inc: Incident, sender: Person | None, mail: ParsedMail,
               now: dt.datetime) -> Outcome:
        who = f"{mail.from_name} <{mail.from_address}>" if mail.from_name else mail.from_address
        body = mail.body or "(an empty message)"
        # A ticket's text has a limit the reply must keep (a pasted log goes over it); the
        # rest is in the raw message, kept in the inbox.
        if len(body) > BODY_MAX:
            body = body[:BODY_MAX] + f"\n\n[… cut at {BODY_MAX:,} characters; the whole message is kept in the inbox]"
        self._attach(s, actor, inc, mail, now)
        if sender is None or sender.id != inc.caller_id:
            # Someone other than the caller wrote about it (a colleague, or someone who only
            # guessed the number): staff read it; it neither speaks for the caller nor reopens.
            s.add(JournalEntry(incident_id=inc.id, kind=JournalKind.INTERNAL, author_id=actor.staff_id, at=now,
                               body=f"E-mail from {who}, who is not the caller:\n\n{body}"))
            inc.updated_at = now
            return Outcome("commented", inc.number, "from someone other than the caller: kept as a work note")
        self.incidents.customer_reply_in(s, actor, inc, f"E-mail from {who}:\n\n{body}", now)
        return Outcome("commented", inc.number)

    def _open(self, s: Session, actor: Actor, mail: ParsedMail, sender: Person | None, closed: Incident | None,
              now: dt.datetime) -> tuple[Outcome, Incident | None, bool]:
        unknown = sender is None
        if sender is None:
            sender = self._contact(s, actor, mail, now)
        description = mail.body
        if closed is not None:
            description = f"Follows up {closed.number} (already {labels.status(closed.status)}).\n\n{description}"
        inc = self.incidents.open_in(s, actor, NewIncident(
            title=clean_title(mail.subject), description=description[:DESCRIPTION_MAX],
            caller_university_id=sender.university_id, channel=Channel.EMAIL), now)
        self._attach(s, actor, inc, mail, now)
        if unknown:
            s.add(JournalEntry(incident_id=inc.id, kind=JournalKind.INTERNAL, author_id=actor.staff_id, at=now,
                               body=f"The sender {mail.from_address} is not in the directory: kept as contact "
                                    f"{sender.university_id}. Check who they are before acting on it."))
        return Outcome("opened", inc.number, "sender not in the directory" if unknown else ""), inc, unknown

    @staticmethod
    def _contact(s: Session, actor: Actor, mail: ParsedMail, now: dt.datetime) -> Person:
        uid = contact_id(mail.from_address)
        existing = s.execute(select(Person).where(Person.university_id == uid)).scalar()
        if existing is not None:
            return existing
        name = mail.from_name or mail.from_address.partition("@")[0]
        given, _, family = name.partition(" ")
        person = Person(university_id=uid, given_name=given[:200] or "Unknown", family_name=family[:200] or "(e-mail)",
                        email=mail.from_address, created_at=now, updated_at=now)
        s.add(person)
        s.flush()
        audit.record(s, actor, now, "person", person.id, "created", None, uid, "an e-mail from an unknown sender")
        return person

    @staticmethod
    def _attach(s: Session, actor: Actor, inc: Incident, mail: ParsedMail, now: dt.datetime) -> None:
        for a in mail.attachments:
            s.add(Attachment(incident_id=inc.id, filename=a.filename, content_type=a.content_type, size=len(a.data),
                             sha256=hashlib.sha256(a.data).hexdigest(), data=a.data, added_at=now,
                             added_by_id=actor.staff_id))
