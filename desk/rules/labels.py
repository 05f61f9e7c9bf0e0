"""The words people read for the stored values and field names, each said once.

Statuses, channels, impact, urgency, priority, resolution codes, the caller's acting
status and the field names of a ticket's history and of the merge dialog: the UI's cells,
combo boxes and dialogs, the CLI's human output, the printouts and the services' messages
all take their words from here. Machine output (JSON, CSV codes, SQL) keeps the raw values.

It sits in ``desk.rules``, the bottom of the core, because the rules themselves speak
these words (the priority's explanation, the lifecycle's refusals). Qt-free, like all of
``desk``; a test checks that every value the rules know has its words.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from db.enums import Channel, Impact, IncidentStatus, PersonStatusKind, Priority, ProblemStatus, Role, Urgency

E = TypeVar("E", bound=enum.Enum)

STATUS: dict[IncidentStatus, str] = {
    IncidentStatus.NEW: "New", IncidentStatus.ASSIGNED: "Assigned", IncidentStatus.IN_PROGRESS: "In progress",
    IncidentStatus.PENDING_CUSTOMER: "Pending (customer)", IncidentStatus.PENDING_VENDOR: "Pending (vendor)",
    IncidentStatus.PENDING_PARTS: "Pending (parts)", IncidentStatus.RESOLVED: "Resolved",
    IncidentStatus.CLOSED: "Closed", IncidentStatus.CANCELLED: "Cancelled",
}

PROBLEM_STATUS: dict[ProblemStatus, str] = {
    ProblemStatus.NEW: "New", ProblemStatus.INVESTIGATING: "Investigating",
    ProblemStatus.KNOWN_ERROR: "Known error", ProblemStatus.RESOLVED: "Resolved", ProblemStatus.CLOSED: "Closed",
}

CHANNEL: dict[Channel, str] = {
    Channel.WALK_IN: "Walk-in", Channel.PHONE: "Phone", Channel.EMAIL: "Email",
    Channel.SELF_SERVICE: "Self-service", Channel.MONITORING: "Monitoring",
}

IMPACT: dict[Impact, str] = {Impact.HIGH: "High", Impact.MEDIUM: "Medium", Impact.LOW: "Low"}
URGENCY: dict[Urgency, str] = {Urgency.HIGH: "High", Urgency.MEDIUM: "Medium", Urgency.LOW: "Low"}

# The ITIL names of the priorities; a priority reads "P4 Low".
PRIORITY: dict[Priority, str] = {
    Priority.P1: "Critical", Priority.P2: "High", Priority.P3: "Medium", Priority.P4: "Low",
    Priority.P5: "Planning",
}

RESOLUTION_CODE: dict[str, str] = {
    "fixed": "Fixed", "workaround": "Workaround", "replaced": "Replaced", "user_education": "User education",
    "duplicate": "Duplicate", "no_fault_found": "No fault found", "not_reproducible": "Not reproducible",
    "vendor_fix": "Vendor fix",
}

ACTING_STATUS: dict[PersonStatusKind, str] = {
    PersonStatusKind.STUDENT: "Student", PersonStatusKind.STAFF: "Staff", PersonStatusKind.FACULTY: "Faculty",
    PersonStatusKind.AFFILIATE: "Affiliate", PersonStatusKind.ALUMNI: "Alumni", PersonStatusKind.GUEST: "Guest",
    PersonStatusKind.RETIREE: "Retiree",
}

# Field names as a ticket's history (audit rows: column names) and the merge dialog
# (editable fields: the names the service takes) call them.
FIELD: dict[str, str] = {
    "title": "Title", "description": "Description",
    "caller_university_id": "Caller ID", "caller_id": "Caller",
    "acting_status": "Acting as", "acting_department": "Acting for department",
    "acting_department_id": "Acting for department",
    "service": "Service", "service_id": "Service", "category": "Category", "category_id": "Category",
    "impact": "Impact", "urgency": "Urgency", "priority": "Priority", "channel": "Channel",
    "team": "Team", "team_id": "Team", "assignee": "Assignee", "assignee_id": "Assignee",
    "status": "Status", "resolution_code": "Resolution code", "resolution_note": "Resolution note",
    "problem_id": "Problem", "parent_id": "Major incident", "is_major": "Major incident",
    "major_manager_id": "Major incident manager", "major_team": "Major incident team",
    "next_update_due_at": "Next update due", "responded_at": "Responded", "resolved_at": "Resolved",
    "closed_at": "Closed", "response_breached_at": "Response breached",
    "resolution_breached_at": "Resolution breached", "created": "Created", "page": "Page",
    "attachment": "Attachment", "intake": "Intake", "pickup": "Pickup", "parts": "Parts",
    "number": "Number", "opened_at": "Opened", "cancel_reason": "Cancel reason", "model_id": "Incident model",
    "vip_policy_id": "VIP policy", "created_by_id": "Opened by", "caller": "Caller",
    # problems
    "root_cause": "Root cause", "workaround": "Workaround",
}


ROLE: dict[Role, str] = {
    Role.COUNTER: "Counter staff", Role.TECHNICIAN: "Technician", Role.SUPERVISOR: "Supervisor",
    Role.ADMIN: "Administrator",
}


def _word(table: Mapping[E, str], e: type[E], value: object) -> str:
    # A value this version does not know (a newer Desk wrote it) reads as it is stored.
    try:
        return table[e(getattr(value, "value", value))]
    except (ValueError, KeyError):
        return str(value)


def status(value: IncidentStatus | str) -> str:
    """"Pending (customer)" for ``pending_customer``."""
    return _word(STATUS, IncidentStatus, value)


def problem_status(value: ProblemStatus | str) -> str:
    return _word(PROBLEM_STATUS, ProblemStatus, value)


def channel(value: Channel | str) -> str:
    """"Walk-in" for ``walk_in``."""
    return _word(CHANNEL, Channel, value)


def impact(value: Impact | str) -> str:
    return _word(IMPACT, Impact, value)


def urgency(value: Urgency | str) -> str:
    return _word(URGENCY, Urgency, value)


def priority(value: Priority | str) -> str:
    """"P4 Low" for ``P4``."""
    try:
        p = Priority(getattr(value, "value", value))
    except ValueError:
        return str(value)
    return f"{p.value} {PRIORITY[p]}"


def resolution_code(value: str) -> str:
    """"User education" for ``user_education``."""
    return RESOLUTION_CODE.get(value, value)


def role(value: Role | str) -> str:
    """"Counter staff" for ``counter``."""
    return _word(ROLE, Role, value)


SLA_STATE: dict[str, str] = {
    "on_track": "on track", "at_risk": "at risk", "breached": "breached", "paused": "paused",
    "met": "met", "missed": "missed", "none": "no outcome",
}


def sla_state(value: str | None) -> str:
    """"on track" for ``on_track``: a target's state (desk.sla.replay) in words."""
    return SLA_STATE.get(value or "", value or "")


def roles(held: Iterable[Role]) -> str:
    """"Administrator, Supervisor" — highest first, in words (the status bar, the set-up pages)."""
    order = (Role.ADMIN, Role.SUPERVISOR, Role.TECHNICIAN, Role.COUNTER)
    have = set(held)
    return ", ".join(role(r) for r in order if r in have) or "no role"


def acting_status(value: PersonStatusKind | str) -> str:
    return _word(ACTING_STATUS, PersonStatusKind, value)


def field(name: str) -> str:
    """"Resolution code" for ``resolution_code``; an unknown field reads as a sentence."""
    return FIELD.get(name) or name.replace("_", " ").capitalize()


# The fields whose values have words of their own (everything else is shown as stored).
_VALUE_WORDS: dict[str, Callable[[str], str]] = {
    "status": status, "channel": channel, "impact": impact, "urgency": urgency, "priority": priority,
    "resolution_code": resolution_code, "acting_status": acting_status,
}


def value(field_name: str, raw: object) -> str:
    """A field's value in words: ``value("channel", "walk_in")`` is "Walk-in"; "—" for none."""
    if raw is None or raw == "":
        return "—"
    word = _VALUE_WORDS.get(field_name)
    return word(str(getattr(raw, "value", raw))) if word else str(raw)


def options(values: Iterable[E | str], word: Callable[[str], str]) -> tuple[tuple[str, str], ...]:
    """(words, value) pairs for a combo box or a choice dialog: the words are shown, the
    raw value is what the widget hands back."""
    out = []
    for v in values:
        raw = str(getattr(v, "value", v))
        out.append((word(raw), raw))
    return tuple(out)


def count(n: int, noun: str, plural: str | None = None) -> str:
    """"1 ticket", "3 tickets", "1,204 tickets"; ``plural`` for the irregular ones."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
