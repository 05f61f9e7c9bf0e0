"""The SLA report's figures as plain immutable values (what the PDF and CSV print)."""
from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Sequence
from dataclasses import dataclass

from desk.counter.satisfaction import SatisfactionSummary
from desk.reports.params import ReportParams


@dataclass(frozen=True, slots=True)
class Counts:
    """Counts over the period. A target's outcome is counted once, in the period it
    became known: at the breach if one was recorded, else at the response/resolution."""

    opened: int = 0
    resolved: int = 0
    response_measured: int = 0
    response_met: int = 0
    resolution_measured: int = 0
    resolution_met: int = 0

    @property
    def response_pct(self) -> float | None:
        return pct(self.response_met, self.response_measured)

    @property
    def resolution_pct(self) -> float | None:
        return pct(self.resolution_met, self.resolution_measured)

    @property
    def response_breaches(self) -> int:
        return self.response_measured - self.response_met

    @property
    def resolution_breaches(self) -> int:
        return self.resolution_measured - self.resolution_met

    @property
    def breaches(self) -> int:
        return self.response_breaches + self.resolution_breaches


def pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


@dataclass(frozen=True, slots=True)
class TimeStats:
    """Business seconds: how many samples, their median and 90th percentile
    (linear interpolation, as PostgreSQL's percentile_cont)."""

    n: int = 0
    median_s: float | None = None
    p90_s: float | None = None


@dataclass(frozen=True, slots=True)
class TargetRange:
    low_s: int | None = None
    high_s: int | None = None


@dataclass(frozen=True, slots=True)
class ComplianceRow:
    key: tuple[object, ...]
    label: tuple[str, ...]
    counts: Counts
    response_target: TargetRange
    resolution_target: TargetRange
    response_time: TimeStats
    resolution_time: TimeStats


@dataclass(frozen=True, slots=True)
class WeekRow:
    week_start: dt.date
    counts: Counts


AGEING_BUCKETS: tuple[tuple[str, int], ...] = (
    # (label, lower bound in days); each bucket runs to the next bound.
    ("< 1 day", 0), ("1–3 days", 1), ("3–7 days", 3), ("7–14 days", 7), ("14–30 days", 14),
    ("> 30 days", 30),
)


@dataclass(frozen=True, slots=True)
class AgeingRow:
    priority: str
    buckets: tuple[int, ...]  # one count per AGEING_BUCKETS entry

    @property
    def total(self) -> int:
        return sum(self.buckets)


@dataclass(frozen=True, slots=True)
class BreachRow:
    number: str
    title: str
    service: str
    priority: str
    kind: str  # "response" or "resolution"
    breached_at: dt.datetime
    target_s: int | None
    elapsed_s: int | None  # None while the ticket is still unanswered / unresolved

    @property
    def over_s(self) -> int | None:
        if self.elapsed_s is None or self.target_s is None:
            return None
        return self.elapsed_s - self.target_s


# The printed appendix lists at most this many breaches (about 230 pages); past it, a
# year of a large desk would print thousands of pages nobody reads. The CSV export
# (desk.reports.csv_export) always has every breach.
APPENDIX_LIMIT = 10_000


def _severity(b: BreachRow) -> tuple[int, int, dt.datetime]:
    # Still running first (their time over is still growing), the oldest breach first;
    # then the furthest over the target.
    over = b.over_s
    return (0, 0, b.breached_at) if over is None else (1, -over, b.breached_at)


def printed_breaches(breaches: Sequence[BreachRow], limit: int | None = None) -> Sequence[BreachRow]:
    """The breaches the PDF appendix lists: all of them, oldest first, when they fit in
    ``limit`` rows (default ``APPENDIX_LIMIT``); otherwise the ``limit`` most severe,
    most severe first."""
    limit = APPENDIX_LIMIT if limit is None else limit
    if len(breaches) <= limit:
        return breaches
    return heapq.nsmallest(limit, breaches, key=_severity)


@dataclass(frozen=True, slots=True)
class MajorRow:
    number: str
    title: str
    service: str
    status: str
    opened_at: dt.datetime


@dataclass(frozen=True, slots=True)
class VipUsage:
    in_force_version: int | None
    in_force_published_at: dt.datetime | None
    tickets_by_version: tuple[tuple[int, int], ...]  # (policy version, tickets opened in period)

    @property
    def tickets(self) -> int:
        return sum(n for _, n in self.tickets_by_version)


@dataclass(frozen=True, slots=True)
class Summary:
    counts: Counts
    backlog_start: int
    backlog_end: int
    response_time: TimeStats
    resolution_time: TimeStats
    majors: tuple[MajorRow, ...]


@dataclass(frozen=True, slots=True)
class Provenance:
    generated_at: dt.datetime
    generated_by: str
    database: str
    sla_versions: tuple[str, ...]
    calendar_versions: tuple[str, ...]
    desk_version: str
    # The head of the audit chain when the figures were read: a printed report anchors
    # the log (``desk audit verify`` shows whether the entries up to it are unchanged).
    audit_head: str = ""


@dataclass(frozen=True, slots=True)
class SlaReport:
    params: ReportParams
    provenance: Provenance
    summary: Summary
    compliance: tuple[ComplianceRow, ...]
    weeks: tuple[WeekRow, ...]
    ageing: tuple[AgeingRow, ...]
    vip: VipUsage
    breaches: tuple[BreachRow, ...]
    satisfaction: SatisfactionSummary | None = None   # walk-up ratings of the period's pickups
