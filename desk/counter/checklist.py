"""The repair checklist: ticking tasks, and what ticking "Order parts" or "Notify customer" means."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.engine import Database
from db.enums import IncidentStatus, JournalKind
from db.models import Device, JournalEntry, Repair, Task
from desk.actor import Actor
from desk.clock import Clock
from desk.common import audit, lookups
from desk.common.records import TaskView
from desk.common.text import clean_text
from desk.errors import ConflictError, InvalidInput, NotFound
from desk.incidents.read import tasks as read_tasks
from desk.incidents.service import IncidentService
from desk.rules import labels, lifecycle
from desk.rules.permissions import require

ORDER_PARTS = "Order parts"
NOTIFY_CUSTOMER = "Notify customer"


@dataclass(frozen=True)
class ChecklistState:
    number: str
    status: str
    tasks: tuple[TaskView, ...]
    # What the UI should offer after the last tick: "pending_parts" after "Order parts".
    offer: str | None = None
    ready_for_pickup: bool = False


class ChecklistService:
    def __init__(self, db: Database, clock: Clock, incidents: IncidentService) -> None:
        self.db = db
        self.clock = clock
        self.incidents = incidents

    def state(self, number: str, offer: str | None = None) -> ChecklistState:
        with self.db.reading() as s:
            inc = lookups.incident_by_number(s, number)
            ready = s.execute(select(Repair.ready_at).where(Repair.incident_id == inc.id)).scalar() is not None
            return ChecklistState(inc.number, inc.status.value, tuple(read_tasks(s, inc.id)), offer, ready)

    def set_done(self, actor: Actor, number: str, task_id: int, done: bool, *,
                 base_version: int | None = None) -> ChecklistState:
        """Tick or untick a task. Ticking "Notify customer" marks the repair ready for pickup and
        leaves a public note; ticking "Order parts" asks the UI to offer Pending (parts)."""
        require(actor, "incident.edit")
        now = self.clock()
        offer = None
        with self.db.writing() as s:
            inc = lookups.incident_by_number(s, number, for_update=True)
            if inc.status in lifecycle.FINAL:
                raise InvalidInput(f"{inc.number} is {labels.status(inc.status)}; its checklist is closed.")
            task = s.get(Task, task_id)
            if task is None or task.incident_id != inc.id:
                raise NotFound(f"No task {task_id} on {inc.number}.")
            if base_version is not None and task.version != base_version:
                raise ConflictError("task", f"{inc.number} task '{task.title}'", base_version, task.version,
                                    {"done": done}, {"done": task.done})
            if task.done != done:
                audit.record(s, actor, now, "task", task.id, "done", task.done, done)
                task.done, task.skipped = done, False if done else task.skipped
                task.done_at, task.done_by_id = (now, actor.staff_id) if done else (None, None)
                inc.updated_at = now
            if done and task.title != "Intake check" and inc.status in (IncidentStatus.NEW, IncidentStatus.ASSIGNED):
                # Ticking off work means someone is working the ticket: it is in progress (SLA response).
                self.incidents.transition_in(s, actor, inc, IncidentStatus.IN_PROGRESS, now)
            if done and task.title == ORDER_PARTS and inc.status is not IncidentStatus.PENDING_PARTS:
                offer = IncidentStatus.PENDING_PARTS.value
            if task.title == NOTIFY_CUSTOMER:
                repair = s.execute(select(Repair).where(Repair.incident_id == inc.id)).scalar()
                if repair is not None:
                    repair.ready_at = now if done else None
                    if done:
                        s.add(JournalEntry(incident_id=inc.id, kind=JournalKind.PUBLIC, author_id=actor.staff_id,
                                           at=now, body="Your laptop is ready for pickup at the IT Service Desk "
                                                        "counter. Bring your intake slip and photo ID."))
                        device = s.get(Device, repair.device_id)
                        name = " ".join(x for x in (device.make, device.model) if x) if device else ""
                        self.incidents.notify.laptop_ready(s, inc, name or "laptop", actor, now)
            s.flush()
        return self.state(number, offer)

    def order_parts(self, actor: Actor, number: str, parts: list[str]) -> ChecklistState:
        """Accept the offer: record the parts and move the ticket to Pending (parts)."""
        names = [clean_text(p, "part", required=True, single_line=True, max_length=200) for p in parts if p.strip()]
        now = self.clock()
        with self.db.writing() as s:
            inc = lookups.incident_by_number(s, number, for_update=True)
            repair = s.execute(select(Repair).where(Repair.incident_id == inc.id)).scalar()
            if repair is not None and names:
                audit.record(s, actor, now, "incident", inc.id, "parts", ", ".join(repair.parts or []),
                             ", ".join([*(repair.parts or []), *names]))
                repair.parts = [*(repair.parts or []), *names]
            if inc.status is IncidentStatus.NEW:
                # Parts are ordered by someone working the ticket: it is in progress first.
                self.incidents.transition_in(s, actor, inc, IncidentStatus.IN_PROGRESS, now)
            if inc.status is not IncidentStatus.PENDING_PARTS:
                self.incidents.transition_in(s, actor, inc, IncidentStatus.PENDING_PARTS, now)
            s.flush()
        return self.state(number)

    def parts_arrived(self, actor: Actor, number: str) -> ChecklistState:
        self.incidents.transition(actor, number, IncidentStatus.IN_PROGRESS)
        return self.state(number)


