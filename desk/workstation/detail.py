"""Everything the ticket-detail panel shows, read in one unit of work; plus the two
small writes it owns (task checklist ticks, attachments)."""
from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from db.engine import Database
from db.enums import IncidentStatus
from db.models import Attachment, Incident, Service, StaffAccount, Task, Team, VipPolicy
from desk.actor import Actor
from desk.clock import Clock, utc_now
from desk.common import audit, lookups
from desk.common.models import REPAIR_MODEL
from desk.common.records import AuditView, IncidentView, JournalView, PersonView, TaskView
from desk.errors import InvalidInput, NotFound
from desk.escalation.service import AlertView, alerts_for
from desk.incidents.read import (
    audit_trail,
    journal,
    load_incident,
    open_incidents_of_person,
    tasks,
)
from desk.knowledge.service import ArticleMatch, articles_matching
from desk.mail.notify import MailView, mails_for
from desk.people.service import load_person
from desk.problems.listing import KnownErrorMatch, known_errors_matching
from desk.rules import labels, lifecycle
from desk.rules.choices import RESOLUTION_CODES
from desk.rules.permissions import refusal, require, transition_action

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class TransitionOption:
    status: str
    label: str
    allowed: bool
    why_not: str | None           # the rule's reason when not allowed
    needs_reason: str | None      # "reopening" / "cancelling" when a reason is asked for
    needs_resolution: bool


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    filename: str
    content_type: str
    size: int
    added_at: dt.datetime


@dataclass(frozen=True)
class TicketDetail:
    incident: IncidentView
    journal: tuple[JournalView, ...]
    tasks: tuple[TaskView, ...]
    audit: tuple[AuditView, ...]
    caller: PersonView | None
    caller_open: tuple[tuple[str, str, str], ...]     # (number, title, status) of other open tickets
    children: tuple[tuple[str, str, str], ...]        # child incidents of a major incident
    attachments: tuple[AttachmentInfo, ...]
    transitions: tuple[TransitionOption, ...]
    vip_policy: tuple[int, str, dt.datetime] | None   # (version, text, published) when it applied
    services: tuple[str, ...]
    teams: tuple[str, ...]
    staff: tuple[tuple[str, str], ...]                # (username, display name)
    resolution_codes: tuple[str, ...] = RESOLUTION_CODES
    known_errors: tuple[KnownErrorMatch, ...] = ()    # workarounds that apply (same service / category)
    mails: tuple[MailView, ...] = ()                  # what Desk mailed about it, and how that went
    articles: tuple[ArticleMatch, ...] = ()            # knowledge articles that apply
    alerts: tuple[AlertView, ...] = ()                 # SLA alerts: at risk, breached, who was told

    @property
    def is_repair(self) -> bool:
        """A walk-in laptop repair: its checklist ticks follow the counter's rule."""
        return self.incident.model == REPAIR_MODEL


def transition_options(status: IncidentStatus, actor: Actor | None = None, *,
                       is_repair: bool = False) -> tuple[TransitionOption, ...]:
    """Every status with whether ``actor`` may move there now and, if not, why (the
    lifecycle first, then the role the move needs)."""
    allowed = lifecycle.allowed_incident_transitions(status)
    out = []
    for target in IncidentStatus:
        if target is status:
            continue
        ok = target in allowed
        why = None if ok else (
            f"{labels.status(status)} is final." if not allowed else
            f"Not reachable from {labels.status(status)}; allowed: "
            f"{', '.join(labels.status(a) for a in allowed)}.")
        if ok and actor is not None:
            why = refusal(actor, transition_action(target))
            if why and is_repair:
                why += " A walk-in repair closes when it is handed back (Counter → Pickup)."
            ok = why is None
        out.append(TransitionOption(target.value, labels.status(target), ok, why,
                                    lifecycle.reason_required(status, target) if ok else None,
                                    target is IncidentStatus.RESOLVED))
    return tuple(out)


class TicketDetailService:
    # Services, teams and staff change rarely; the choice lists are re-read at most
    # this often instead of on every ticket opened.
    CHOICES_TTL_S = 60.0

    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock
        self._choices: tuple[float, tuple[Any, Any, Any]] | None = None

    def _choice_lists(self, s: Any) -> tuple[Any, Any, Any]:
        now = time.monotonic()
        if self._choices is not None and now - self._choices[0] < self.CHOICES_TTL_S:
            return self._choices[1]
        lists = (
            tuple(s.execute(select(Service.name).where(Service.active.is_(True))
                            .order_by(Service.name)).scalars()),
            tuple(s.execute(select(Team.name).where(Team.active.is_(True)).order_by(Team.name)).scalars()),
            tuple((u, d) for u, d in s.execute(
                select(StaffAccount.username, StaffAccount.display_name)
                .where(StaffAccount.active.is_(True)).order_by(StaffAccount.display_name))),
        )
        self._choices = (now, lists)
        return lists

    def load(self, number: str, actor: Actor | None = None) -> TicketDetail:
        """Everything the ticket page shows; with ``actor``, status moves it may not make
        come back disabled with the reason."""
        with self.db.reading() as s:
            inc = lookups.incident_by_number(s, number)
            view = load_incident(s, inc.id)
            caller = load_person(s, inc.caller_id) if inc.caller_id else None
            others = open_incidents_of_person(s, inc.caller_id, exclude_id=inc.id) if inc.caller_id else []
            kids = s.execute(select(Incident.number, Incident.title, Incident.status)
                             .where(Incident.parent_id == inc.id).order_by(Incident.id)).all()
            atts = s.execute(select(Attachment.id, Attachment.filename, Attachment.content_type,
                                    Attachment.size, Attachment.added_at)
                             .where(Attachment.incident_id == inc.id).order_by(Attachment.id)).all()
            services, teams, staff = self._choice_lists(s)
            policy = None
            if inc.vip_policy_id:
                p = s.get(VipPolicy, inc.vip_policy_id)
                if p is not None:
                    policy = (p.version, p.text, p.published_at)
            return TicketDetail(
                incident=view,
                journal=tuple(journal(s, inc.id)),
                tasks=tuple(tasks(s, inc.id)),
                audit=tuple(audit_trail(s, "incident", inc.id)),
                caller=caller,
                caller_open=tuple((o.number, o.title, o.status) for o in others[:20]),
                children=tuple((n, t, st.value) for n, t, st in kids),
                attachments=tuple(AttachmentInfo(*a) for a in atts),
                transitions=transition_options(inc.status, actor, is_repair=view.model == REPAIR_MODEL),
                vip_policy=policy,
                services=services, teams=teams, staff=staff,
                known_errors=known_errors_matching(s, inc) if inc.status not in lifecycle.FINAL else (),
                mails=tuple(mails_for(s, inc.id)),
                articles=articles_matching(s, inc, view.model),
                alerts=tuple(alerts_for(s, inc.id)),
            )

    def service_names(self) -> tuple[str, ...]:
        with self.db.reading() as s:
            return tuple(s.execute(select(Service.name).where(Service.active.is_(True))
                                   .order_by(Service.name)).scalars())

    # -- task checklist ----------------------------------------------------------
    def set_task(self, actor: Actor, task_id: int, *, done: bool | None = None,
                 skipped: bool | None = None, base_version: int | None = None) -> TaskView:
        require(actor, "incident.edit")
        now = self.clock()
        with self.db.writing() as s:
            task = s.get(Task, task_id)
            if task is None:
                raise NotFound(f"No task {task_id}.")
            if base_version is not None and task.version != base_version:
                raise InvalidInput(f"Task {task.title!r} was changed by someone else; reload the ticket.", "task")
            inc = s.get(Incident, task.incident_id)
            assert inc is not None
            if inc.status in lifecycle.FINAL:
                raise InvalidInput(f"{inc.number} is {labels.status(inc.status)}; its tasks cannot change.")
            if done is not None and done != task.done:
                audit.record(s, actor, now, "incident", inc.id, f"task {task.position} done", task.done, done)
                task.done = done
                task.done_at = now if done else None
                task.done_by_id = actor.staff_id if done else None
            if skipped is not None and skipped != task.skipped:
                audit.record(s, actor, now, "incident", inc.id, f"task {task.position} skipped",
                             task.skipped, skipped)
                task.skipped = skipped
            inc.updated_at = now
            s.flush()
            return next(t for t in tasks(s, inc.id) if t.id == task_id)

    # -- attachments ---------------------------------------------------------------
    def add_attachment(self, actor: Actor, number: str, filename: str, data: bytes) -> AttachmentInfo:
        require(actor, "incident.comment")
        if not data:
            raise InvalidInput(f"{filename} is empty.", "attachment")
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise InvalidInput(f"{filename} is {len(data) / 1e6:.1f} MB; attachments are limited to "
                               f"{MAX_ATTACHMENT_BYTES // 1024 // 1024} MB.", "attachment")
        name = filename.replace("\\", "/").rsplit("/", 1)[-1][:260] or "attachment"
        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        now = self.clock()
        with self.db.writing() as s:
            inc = lookups.incident_by_number(s, number, for_update=True)
            att = Attachment(incident_id=inc.id, filename=name, content_type=ctype, size=len(data),
                             sha256=hashlib.sha256(data).hexdigest(), data=data, added_at=now,
                             added_by_id=actor.staff_id)
            s.add(att)
            s.flush()
            audit.record(s, actor, now, "incident", inc.id, "attachment", None, name)
            inc.updated_at = now
            return AttachmentInfo(att.id, name, ctype, len(data), now)

    def attachment_data(self, attachment_id: int) -> tuple[str, str, bytes]:
        with self.db.reading() as s:
            row = s.execute(select(Attachment.filename, Attachment.content_type, Attachment.data)
                            .where(Attachment.id == attachment_id)).first()
            if row is None:
                raise NotFound(f"No attachment {attachment_id}.")
            return row[0], row[1], row[2]
