"""Plain, immutable results that services hand to the UI, CLI and tests."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class PersonStatusView:
    kind: str
    start_date: dt.date | None
    end_date: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day <= self.end_date
        )


@dataclass(frozen=True)
class AffiliationView:
    department: str
    department_id: int
    title: str | None
    is_primary: bool


@dataclass(frozen=True)
class VipView:
    office: str | None
    granted_at: dt.datetime
    reason: str
    policy_version: int
    policy_text: str


@dataclass(frozen=True)
class PersonView:
    id: int
    university_id: str
    given_name: str
    family_name: str
    preferred_name: str | None
    email: str | None
    phone: str | None
    statuses: tuple[PersonStatusView, ...] = ()
    affiliations: tuple[AffiliationView, ...] = ()
    vip: VipView | None = None
    version: int = 1

    @property
    def display_name(self) -> str:
        given = self.preferred_name or self.given_name
        return f"{given} {self.family_name}".strip()


@dataclass(frozen=True)
class IncidentView:
    id: int
    number: str
    title: str
    description: str
    caller_id: int | None
    caller_university_id: str | None
    caller_name: str | None
    caller_is_vip: bool
    acting_status: str | None
    acting_department: str | None
    service: str | None
    category: str | None
    impact: str
    urgency: str
    priority: str
    priority_explanation: str
    status: str
    team: str | None
    assignee: str | None
    assignee_id: int | None
    channel: str
    opened_at: dt.datetime
    updated_at: dt.datetime
    responded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    response_breached_at: dt.datetime | None
    resolution_breached_at: dt.datetime | None
    response_at_risk_at: dt.datetime | None
    resolution_at_risk_at: dt.datetime | None
    sla_paused_at: dt.datetime | None
    resolution_code: str | None
    resolution_note: str | None
    cancel_reason: str | None
    parent_number: str | None
    problem_number: str | None
    model: str | None
    is_major: bool
    version: int

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            out[key] = value.isoformat() if isinstance(value, dt.datetime) else value
        return out

    def editable(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in EDITABLE_FIELDS}


EDITABLE_FIELDS = (
    "title", "description", "caller_university_id", "acting_status", "acting_department",
    "service", "category", "impact", "urgency", "channel",
)


@dataclass(frozen=True)
class JournalView:
    id: int
    kind: str
    body: str
    author: str | None
    at: dt.datetime


@dataclass(frozen=True)
class TaskView:
    id: int
    position: int
    title: str
    condition: str | None
    done: bool
    skipped: bool
    done_at: dt.datetime | None
    done_by: str | None
    version: int


@dataclass(frozen=True)
class AuditView:
    at: dt.datetime
    actor: str | None
    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None


@dataclass(frozen=True)
class ProblemView:
    id: int
    number: str
    title: str
    description: str
    status: str
    service: str | None
    root_cause: str | None
    workaround: str | None
    team: str | None
    assignee: str | None
    opened_at: dt.datetime
    updated_at: dt.datetime
    incident_numbers: tuple[str, ...] = field(default_factory=tuple)
    version: int = 1
