"""What a queue shows: filters, sort and columns, plus the built-in views.

A spec is plain data (JSON round-trip) so a saved view can live in the database and
follow its owner to any workstation. The SQL for a spec is in ``desk.queue.service``.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from desk.errors import InvalidInput
from desk.rules import lifecycle

# Column keys in their default order, with headers. The UI chooses, reorders and
# resizes them; the service always returns every field (they are cheap).
COLUMNS: dict[str, str] = {
    "number": "Number",
    "priority": "Priority",
    "sla": "SLA",
    "title": "Title",
    "caller": "Caller",
    "department": "Department",
    "service": "Service",
    "status": "Status",
    "team": "Team",
    "assignee": "Assignee",
    "updated": "Updated",
    "opened": "Opened",
}
DEFAULT_COLUMNS = ("number", "priority", "sla", "title", "caller", "department", "service",
                   "status", "team", "assignee", "updated")
# Columns the queue can sort by in SQL with an index behind the keyset walk.
SORTABLE = ("number", "priority", "sla", "updated", "opened", "status")

# Status filters of the built-in views, spelled in the lifecycle's order: a saved view
# stores them as JSON, and the queue service recognises FINISHED by this exact tuple.
PENDING = lifecycle.values(lifecycle.PENDING)
FINISHED = lifecycle.values(lifecycle.FINISHED)


@dataclass(frozen=True)
class QueueFilter:
    """Every condition a queue can apply; empty values mean "no condition"."""

    open_only: bool = False
    statuses: tuple[str, ...] = ()
    assignee: str | None = None     # "me", "none", or a username
    my_teams: bool = False          # teams the signed-in staff member belongs to
    team: str | None = None
    service: str | None = None
    priorities: tuple[str, ...] = ()
    # The SLA conditions are desk.sla.outcome's, the same the dashboard counts.
    breaching: bool = False         # at risk or breached now (saved views from before the split)
    at_risk: bool = False           # a running target ≥ 75 % used, none breached
    breached: bool = False          # a target breached now or a breach recorded (the view: still open)
    major: bool = False
    walk_in: bool = False           # walk-in channel (counter repairs)
    with_problem: bool = False      # linked to a problem record
    finished_within_days: int | None = None
    caller: str | None = None       # university ID of the caller (a scanned ID card)
    search: str = ""

    def with_search(self, text: str) -> QueueFilter:
        return replace(self, search=text.strip())


@dataclass(frozen=True)
class QueueSpec:
    filter: QueueFilter = field(default_factory=QueueFilter)
    sort: str = "sla"
    descending: bool = False
    columns: tuple[str, ...] = DEFAULT_COLUMNS

    def __post_init__(self) -> None:
        if self.sort not in SORTABLE:
            raise InvalidInput(f"The queue cannot sort by {self.sort!r}; it sorts by: "
                               f"{', '.join(SORTABLE)}.", "sort")
        unknown = [c for c in self.columns if c not in COLUMNS]
        if unknown:
            raise InvalidInput(f"Unknown queue columns: {', '.join(unknown)}.", "columns")

    def sorted_by(self, sort: str, descending: bool) -> QueueSpec:
        return replace(self, sort=sort, descending=descending)

    def searching(self, text: str) -> QueueSpec:
        return replace(self, filter=self.filter.with_search(text))

    def to_json(self) -> str:
        data: dict[str, Any] = asdict(self)
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> QueueSpec:
        try:
            data = json.loads(text)
            f = data.get("filter", {})
            known = set(QueueFilter.__dataclass_fields__)
            given: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                                     for k, v in f.items() if k in known}
            flt = QueueFilter(**given)
            return cls(filter=flt, sort=data.get("sort", "sla"),
                       descending=bool(data.get("descending", False)),
                       columns=tuple(data.get("columns", DEFAULT_COLUMNS)))
        except (ValueError, TypeError, AttributeError) as exc:
            raise InvalidInput(f"The saved view cannot be read: {exc}", "spec") from None


@dataclass(frozen=True)
class BuiltinView:
    key: str
    name: str
    spec: QueueSpec
    # "incidents" (the queue) or "problems" (problem records; the spec then only serves
    # callers that count incidents linked to a problem).
    kind: str = "incidents"


BUILTIN_VIEWS: tuple[BuiltinView, ...] = (
    BuiltinView("my_open", "My open work", QueueSpec(QueueFilter(open_only=True, assignee="me"))),
    BuiltinView("my_team", "My team", QueueSpec(QueueFilter(open_only=True, my_teams=True))),
    BuiltinView("unassigned", "Unassigned", QueueSpec(QueueFilter(open_only=True, assignee="none"))),
    BuiltinView("at_risk", "At risk", QueueSpec(QueueFilter(open_only=True, at_risk=True))),
    BuiltinView("breached", "Breached", QueueSpec(QueueFilter(open_only=True, breached=True))),
    BuiltinView("pending", "Pending", QueueSpec(QueueFilter(statuses=PENDING), sort="updated", descending=True)),
    BuiltinView("walk_in", "Walk-in repairs", QueueSpec(QueueFilter(open_only=True, walk_in=True))),
    BuiltinView("major", "Major incidents", QueueSpec(QueueFilter(open_only=True, major=True), sort="updated",
                                                      descending=True)),
    BuiltinView("problems", "Problems", QueueSpec(QueueFilter(open_only=True, with_problem=True)), "problems"),
    BuiltinView("all_open", "All open", QueueSpec(QueueFilter(open_only=True))),
    BuiltinView("recently_closed", "Recently closed",
                QueueSpec(QueueFilter(statuses=FINISHED, finished_within_days=7), sort="updated",
                          descending=True)),
)


def builtin(key: str) -> BuiltinView:
    for v in BUILTIN_VIEWS:
        if v.key == key:
            return v
    raise InvalidInput(f"No built-in view {key!r}.", "view")
