"""Frozen results of the major-incident services (never live ORM rows)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desk.rules import labels
from desk.rules.lifecycle import FINISHED, OPEN_STATUSES

OPEN_STATUS_VALUES = frozenset(s.value for s in OPEN_STATUSES)


@dataclass(frozen=True)
class TeamMemberView:
    username: str
    name: str
    role: str
    added_at: dt.datetime


@dataclass(frozen=True)
class CommsEntry:
    at: dt.datetime
    author: str | None
    body: str


@dataclass(frozen=True)
class ChildView:
    number: str
    title: str
    status: str          # the status value ("in_progress")
    status_label: str    # as people read it ("In progress")
    opened_at: dt.datetime


@dataclass(frozen=True)
class MajorView:
    id: int
    number: str
    title: str
    status: str
    status_label: str
    service: str | None
    priority: str
    is_major: bool
    manager: str | None            # display name
    manager_username: str | None
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
    next_update_due_at: dt.datetime | None
    update_overdue: bool           # next update due and already past (as of when read)
    team: tuple[TeamMemberView, ...]
    comms: tuple[CommsEntry, ...]  # oldest first
    children: tuple[ChildView, ...]
    problem_numbers: tuple[str, ...]  # problems opened from it or linked to it
    version: int

    def overdue_at(self, now: dt.datetime) -> bool:
        """Is the next update overdue at ``now`` (only while the major incident is open)?"""
        return (self.next_update_due_at is not None and self.status in OPEN_STATUS_VALUES
                and self.next_update_due_at < now)

    @property
    def open_children(self) -> tuple[ChildView, ...]:
        return tuple(c for c in self.children if c.status not in FINISHED)


@dataclass(frozen=True)
class MajorSummary:
    """A line in the list of open major incidents."""

    number: str
    title: str
    service: str | None
    status_label: str
    manager: str | None
    children: int
    opened_at: dt.datetime
    next_update_due_at: dt.datetime | None
    update_overdue: bool


@dataclass(frozen=True)
class PageOutcome:
    major: MajorView
    created: bool    # False: appended to the open major incident already on that service


@dataclass(frozen=True)
class ChildSkipped:
    number: str
    reason: str


@dataclass(frozen=True)
class ResolveOutcome:
    major: MajorView
    resolved_children: tuple[str, ...]
    skipped_children: tuple[ChildSkipped, ...]


@dataclass(frozen=True)
class LinkOutcome:
    major: MajorView
    linked: tuple[str, ...]
    skipped: tuple[ChildSkipped, ...]


@dataclass(frozen=True)
class Proposal:
    """Desk's suggestion from the surge rule; a supervisor confirms it.

    kind "open": no major incident is open on the service and ``count`` incidents were
    opened on it within the rule's window. kind "link": a major incident is open on the
    service and these incidents opened during the outage are not linked to it yet.
    """

    kind: str
    service: str
    incidents: tuple[str, ...]
    first_opened_at: dt.datetime
    last_opened_at: dt.datetime
    threshold: int
    window_minutes: int
    major_number: str | None = None

    @property
    def count(self) -> int:
        return len(self.incidents)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.service}"

    def describe(self) -> str:
        if self.kind == "open":
            return (f"{labels.count(self.count, 'incident')} on {self.service} within {self.window_minutes} min "
                    f"(rule: {self.threshold}) — open a major incident?")
        return f"{labels.count(self.count, 'open incident')} on {self.service} not yet linked to {self.major_number}"


@dataclass(frozen=True)
class RuleView:
    service: str | None   # None: the default
    surge_threshold: int
    surge_window_minutes: int
    update_interval_minutes: int
