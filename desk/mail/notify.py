"""Writing a customer's message into the outbox, inside the event's own unit of work.

The services call these in the transaction that makes the change, so a change rolled back
sends nothing and a committed one is never forgotten. Nothing is queued when mail is not
set up and switched on, when the event is switched off for the ticket's service, or when
the customer has no address; each occurrence is queued once (``dedupe_key``).
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import (
    Incident,
    MailEventSwitch,
    MailSettings,
    MailTemplate,
    OutboxMessage,
    Person,
    Service,
    StaffAccount,
)
from desk import resources
from desk.actor import Actor
from desk.clock import Clock
from desk.common import site as site_settings
from desk.common.site import Site
from desk.mail import templates
from desk.mail.config import MailConfig
from desk.mail.events import MailEvent
from desk.rules import labels


def read_config(s: Session) -> MailConfig:
    row = s.get(MailSettings, 1)
    if row is None:
        return MailConfig()
    return MailConfig(row.enabled, row.smtp_host, row.smtp_port, row.smtp_security, row.smtp_auth,
                      row.from_address, row.from_name, row.imap_host, row.imap_port, row.imap_security,
                      row.imap_user, row.imap_mailbox, row.flood_per_hour, row.version)


def read_template(s: Session, event: MailEvent) -> templates.Template:
    row = s.get(MailTemplate, event.value)
    if row is None:
        return templates.default(event)
    return templates.Template(event, row.subject, row.body_text, row.body_html, customised=True, version=row.version)


def event_enabled(s: Session, event: MailEvent, service_id: int | None) -> bool:
    if service_id is None:
        return True
    row = s.get(MailEventSwitch, (service_id, event.value))
    return True if row is None else bool(row.enabled)


def thread_root(number: str, domain: str) -> str:
    """The ticket's thread: every message about it names this in References, so replies
    carry it back and find their ticket even with a rewritten subject."""
    return f"<{number.lower()}@{domain}>"


# A thread root <inc-000123@domain> or a message's own <hex.inc-000123@domain> (see _queue).
_THREAD = re.compile(r"<(?:[0-9a-f]+\.)?((?:inc|prb)-\d+)@([^>\s]+)>", re.IGNORECASE)


def ticket_in_references(header: str, domain: str) -> str | None:
    """The ticket number a reply's In-Reply-To / References name, under our ``domain`` only:
    another desk numbering its tickets the same way has its own threads."""
    for m in _THREAD.finditer(header or ""):
        if m.group(2).lower() == domain.lower():
            return m.group(1).upper()
    return None


def person_name(p: Person) -> str:
    return f"{p.preferred_name or p.given_name} {p.family_name}".strip()


class Notifier:
    """Queues customers' messages. Built once by the composition root and handed to the
    services that cause mail (incidents, counter, major incidents)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    @cached_property
    def site(self) -> Site:
        return site_settings.load(self.db, self.clock())

    @cached_property
    def branding(self) -> dict[str, str]:
        data = resources.load_json("branding", "branding.json")
        contact = " · ".join(x for x in (data.get("phone"), data.get("email"), data.get("web")) if x)
        return {"desk_name": str(data.get("desk") or "IT Service Desk"), "desk_hours": str(data.get("hours") or ""),
                "desk_contact": contact, "pickup_hours": str(data.get("hours") or "")}

    # -- the events ----------------------------------------------------------------------
    def opened(self, s: Session, inc: Incident, actor: Actor | None, now: dt.datetime) -> None:
        self._queue(s, MailEvent.OPENED, inc, now, actor, key=f"opened:{inc.id}")

    def public_comment(self, s: Session, inc: Incident, entry_id: int, body: str, author: str,
                       actor: Actor | None, now: dt.datetime) -> None:
        self._queue(s, MailEvent.PUBLIC_COMMENT, inc, now, actor, key=f"comment:{entry_id}",
                    extra={"comment": body, "author": author})

    def waiting_for_you(self, s: Session, inc: Incident, reason: str, actor: Actor | None, now: dt.datetime) -> None:
        self._queue(s, MailEvent.WAITING_FOR_YOU, inc, now, actor, key=f"waiting:{inc.id}:{now.isoformat()}",
                    extra={"reason": reason})

    def resolved(self, s: Session, inc: Incident, actor: Actor | None, now: dt.datetime, *,
                 reopen_days: int) -> None:
        self._queue(s, MailEvent.RESOLVED, inc, now, actor, key=f"resolved:{inc.id}:{now.isoformat()}",
                    extra={"resolution": labels.resolution_code(inc.resolution_code or ""),
                           "resolution_note": inc.resolution_note or "", "reopen_days": str(reopen_days)})

    def laptop_ready(self, s: Session, inc: Incident, device: str, actor: Actor | None, now: dt.datetime) -> None:
        self._queue(s, MailEvent.LAPTOP_READY, inc, now, actor, key=f"ready:{inc.id}:{now.isoformat()}",
                    extra={"device": device})

    def loaner_overdue(self, s: Session, inc: Incident, person: Person, loan_id: int, loaner: str,
                       due: dt.datetime, now: dt.datetime) -> bool:
        """Once a day per loan (in the desk's days), to the person who has it."""
        day = self.site.today(now).isoformat()
        return self._queue(s, MailEvent.LOANER_OVERDUE, inc, now, None, key=f"loan:{loan_id}:{day}", to=person,
                           extra={"loaner": loaner, "due": f"{self.site.local(due):%A %d %B %Y, %H:%M}"})

    def major_update(self, s: Session, major: Incident, child: Incident, entry_id: int, update: str,
                     actor: Actor | None, now: dt.datetime) -> None:
        """To the caller of one of the major incident's children (an affected user)."""
        self._queue(s, MailEvent.MAJOR_UPDATE, child, now, actor, key=f"major:{entry_id}:{child.id}",
                    extra={"update": update, "major_number": major.number, "major_title": major.title},
                    about=major)

    def sla_alert(self, s: Session, inc: Incident, staff: StaffAccount, alert_id: int, alert: str, details: str,
                  actor: Actor | None, now: dt.datetime) -> bool:
        """To a staff member the ticket's escalation rule tells by e-mail too."""
        if not staff.email:
            return False
        return self._queue(s, MailEvent.SLA_ALERT, inc, now, actor, key=f"{alert_id}:{staff.id}",
                           extra={"staff_name": staff.display_name, "alert": alert, "details": details},
                           to_staff=(staff.email, staff.display_name))

    # -- writing the message ---------------------------------------------------------------
    def _queue(self, s: Session, event: MailEvent, inc: Incident, now: dt.datetime, actor: Actor | None, *,
               key: str, extra: dict[str, str] | None = None, to: Person | None = None,
               about: Incident | None = None, to_staff: tuple[str, str] | None = None) -> bool:
        config = read_config(s)
        if not (config.enabled and config.configured):
            return False
        if not event_enabled(s, event, inc.service_id):
            return False
        caller = s.get(Person, inc.caller_id) if inc.caller_id else None
        person = to or caller
        if to_staff is not None:
            address, name = to_staff
        elif person is not None and person.email:
            address, name = person.email, person_name(person)
        else:
            return False
        service = s.get(Service, inc.service_id) if inc.service_id else None
        values = {"number": inc.number, "title": inc.title,
                  "caller_name": person_name(person) if person is not None else "",
                  "status": labels.status(inc.status), "service": service.name if service else "",
                  **self.branding, **(extra or {})}
        template = read_template(s, event)
        # About a major incident the message belongs to the customer's own ticket's thread
        # (their reply lands there), but its outbox row is the major's (who was told what).
        domain = config.domain
        row: dict[str, Any] = {
            # event:incident:… — the server checks the first two (desk_outbox_rules), so a
            # message queued by hand cannot take the key of another ticket's future message.
            "event": event.value, "incident_id": (about or inc).id,
            "dedupe_key": f"{event.value}:{(about or inc).id}:{key}"[:200],
            "recipient": address.strip(), "recipient_name": name[:300],
            "subject": templates.subject_for(template, values)[:400],
            "body_text": templates.fill(template.body_text, values),
            "body_html": templates.fill(template.body_html, values, as_html=True) if template.body_html else "",
            "message_id": f"<{uuid.uuid4().hex}.{inc.number.lower()}@{domain}>",
            "thread_refs": thread_root(inc.number, domain),
            "status": "queued", "attempts": 0, "next_attempt_at": now, "created_at": now,
            "created_by_id": actor.staff_id if actor is not None and actor.staff_id else None,
        }
        insert = (postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert)(OutboxMessage)
        result = s.execute(insert.values(**row).on_conflict_do_nothing(index_elements=["dedupe_key"])
                           .returning(OutboxMessage.id))
        return result.first() is not None


@dataclass(frozen=True)
class MailView:
    """A message about a ticket, as its timeline shows it."""

    created_at: dt.datetime
    event: str
    recipient: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    sent_at: dt.datetime | None


def mails_for(s: Session, incident_id: int) -> list[MailView]:
    """The ticket's mail (and, for a child of a major incident, nothing of the major's:
    those are on the major incident's own timeline)."""
    rows = s.execute(select(OutboxMessage.created_at, OutboxMessage.event, OutboxMessage.recipient,
                            OutboxMessage.subject, OutboxMessage.status, OutboxMessage.attempts,
                            OutboxMessage.next_attempt_at, OutboxMessage.last_error, OutboxMessage.sent_at)
                     .where(OutboxMessage.incident_id == incident_id).order_by(OutboxMessage.id)).all()
    return [MailView(*r) for r in rows]
