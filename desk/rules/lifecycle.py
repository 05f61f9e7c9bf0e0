"""The incident and problem lifecycles: which status may follow which, and why not."""
from __future__ import annotations

from collections.abc import Iterable

from db.enums import IncidentStatus as S
from db.enums import ProblemStatus as P

# The status sets, each stated once; every other module (queue filters, the SLA engine,
# the reports, the bulk recompute's SQL) takes them from here.
# Waiting on someone outside the desk: the SLA's resolution clock pauses.
PENDING = frozenset({S.PENDING_CUSTOMER, S.PENDING_VENDOR, S.PENDING_PARTS})
# Open and being worked: the resolution clock runs.
WORKING = frozenset({S.NEW, S.ASSIGNED, S.IN_PROGRESS})
# Still to be done (the queue's open views, the dashboard's load).
OPEN_STATUSES = WORKING | PENDING
# No way out: nothing about the record changes any more.
# Resolved tickets close by themselves after this many business days, unless their SLA
# version says otherwise (desk.incidents.autoclose); the resolved mail tells the customer.
AUTO_CLOSE_DAYS = 5

FINAL = frozenset({S.CLOSED, S.CANCELLED})
# Ended with a resolution given (the SLA's resolution target met or missed).
RESOLVED_OR_CLOSED = frozenset({S.RESOLVED, S.CLOSED})
# The work is over, a reopening aside: every SLA clock has stopped ("Recently finished").
FINISHED = frozenset({S.RESOLVED}) | FINAL

INCIDENT_TRANSITIONS: dict[S, tuple[S, ...]] = {
    S.NEW: (S.ASSIGNED, S.IN_PROGRESS, S.CANCELLED),
    S.ASSIGNED: (S.IN_PROGRESS, *sorted(PENDING, key=lambda s: s.value), S.CANCELLED),
    S.IN_PROGRESS: (S.ASSIGNED, *sorted(PENDING, key=lambda s: s.value), S.RESOLVED),
    S.PENDING_CUSTOMER: (S.ASSIGNED, S.IN_PROGRESS, S.PENDING_VENDOR, S.PENDING_PARTS),
    S.PENDING_VENDOR: (S.ASSIGNED, S.IN_PROGRESS, S.PENDING_CUSTOMER, S.PENDING_PARTS),
    S.PENDING_PARTS: (S.ASSIGNED, S.IN_PROGRESS, S.PENDING_CUSTOMER, S.PENDING_VENDOR),
    S.RESOLVED: (S.IN_PROGRESS, S.CLOSED),
    S.CLOSED: (),
    S.CANCELLED: (),
}

# The statuses a new record may start in (an incident opened with an assignee starts Assigned).
INCIDENT_OPENING: tuple[S, ...] = (S.NEW, S.ASSIGNED)
PROBLEM_OPENING: tuple[P, ...] = (P.NEW,)

# Transitions that need a reason recorded with them.
NEEDS_REASON = {(S.RESOLVED, S.IN_PROGRESS): "reopening", (None, S.CANCELLED): "cancelling"}

PROBLEM_TRANSITIONS: dict[P, tuple[P, ...]] = {
    P.NEW: (P.INVESTIGATING,),
    P.INVESTIGATING: (P.KNOWN_ERROR, P.RESOLVED),
    P.KNOWN_ERROR: (P.INVESTIGATING, P.RESOLVED),
    P.RESOLVED: (P.INVESTIGATING, P.CLOSED),
    P.CLOSED: (),
}


def values(statuses: Iterable[S]) -> tuple[str, ...]:
    """The stored values of ``statuses`` in the enum's order: a stable spelling for SQL
    text and saved queue filters, whatever order a set iterates in."""
    wanted = frozenset(statuses)
    return tuple(s.value for s in S if s in wanted)


def allowed_incident_transitions(current: S) -> tuple[S, ...]:
    return INCIDENT_TRANSITIONS[current]


def is_pending(status: S) -> bool:
    return status in PENDING


def reason_required(current: S, target: S) -> str | None:
    """The kind of reason a transition needs ("reopening", "cancelling"), or None."""
    if target is S.CANCELLED:
        return "cancelling"
    if current is S.RESOLVED and target is S.IN_PROGRESS:
        return "reopening"
    return None
