"""What an SLA report covers: period (dates or a preset), filters and grouping.

Dates are whole days in the desk's time zone (the site's, unless a report names
another), both ends included; the report period is
the half-open UTC interval [from 00:00, day after `to` 00:00) in that zone, so DST days
are 23 or 25 hours long as they really are.
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from db.enums import Channel, Priority
from desk.common.site import Site
from desk.errors import InvalidInput
from desk.rules import choices

__all__ = [
    "Channel", "GroupBy", "Preset", "Priority", "ReportParams", "last_term", "local_midnight",
    "parse_date", "preset_period", "zone_named",
]

MAX_DAYS = 3 * 366 + 1


class GroupBy(str, enum.Enum):
    SERVICE_PRIORITY = "service-priority"
    TEAM = "team"
    ASSIGNEE = "assignee"
    WEEK = "week"


# How people name each grouping: the report dialog's choices and the report's provenance.
GROUP_WORDS: dict[GroupBy, str] = {GroupBy.SERVICE_PRIORITY: "Service × priority", GroupBy.TEAM: "Team",
                                   GroupBy.ASSIGNEE: "Assignee", GroupBy.WEEK: "Week"}


class Preset(str, enum.Enum):
    LAST_WEEK = "last-week"
    LAST_MONTH = "last-month"
    LAST_TERM = "last-term"


# Academic terms by (start month, start day): spring from 1 January, summer from
# 16 May, fall from 16 August. "Last term" is the latest term that has fully ended.
TERM_STARTS: tuple[tuple[str, int, int], ...] = (
    ("Spring", 1, 1), ("Summer", 5, 16), ("Fall", 8, 16),
)


@dataclass(frozen=True)
class ReportParams:
    date_from: dt.date
    date_to: dt.date
    services: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    priorities: tuple[Priority, ...] = ()
    channels: tuple[Channel, ...] = ()
    group_by: GroupBy = GroupBy.SERVICE_PRIORITY
    # None: the desk's own zone (desk.common.site), filled in by the report service.
    tz: str | None = None
    label: str | None = field(default=None, compare=False)  # e.g. "Fall 2026" for a preset

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise InvalidInput(
                f"The period ends ({self.date_to}) before it starts ({self.date_from}).", "to")
        if (self.date_to - self.date_from).days + 1 > MAX_DAYS:
            raise InvalidInput("A report covers at most three years; choose a shorter period.", "from")
        if self.tz is not None:
            zone_named(self.tz)

    def in_zone_of(self, site: Site) -> ReportParams:
        """These parameters with the site's zone where none was named."""
        return self if self.tz is not None else replace(self, tz=site.time_zone)

    @property
    def zone(self) -> ZoneInfo:
        if self.tz is None:
            raise ValueError("A report's zone is the site's until one is named: in_zone_of(site) first.")
        return ZoneInfo(self.tz)

    @property
    def start_utc(self) -> dt.datetime:
        return local_midnight(self.date_from, self.zone)

    @property
    def end_utc(self) -> dt.datetime:
        """Exclusive end: midnight after the last day."""
        return local_midnight(self.date_to + dt.timedelta(days=1), self.zone)

    def describe(self) -> list[tuple[str, str]]:
        """The parameters in words, as printed on the report and in the CSV."""
        period = f"{self.date_from.isoformat()} to {self.date_to.isoformat()} (both included, {self.tz})"
        if self.label:
            period = f"{self.label}: {period}"
        return [
            ("Period", period),
            ("Services", ", ".join(self.services) or "all"),
            ("Teams", ", ".join(self.teams) or "all"),
            ("Priorities", ", ".join(p.value for p in self.priorities) or "all"),
            ("Channels", ", ".join(c.value for c in self.channels) or "all"),
            ("Grouped by", GROUP_WORDS[self.group_by]),
        ]


def zone_named(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except Exception:  # noqa: BLE001 - any lookup failure means an unknown zone
        raise InvalidInput(f"Unknown time zone {tz!r} (use an IANA name such as Europe/Berlin).", "tz") from None


def local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)


def preset_period(preset: Preset | str, today: dt.date) -> tuple[dt.date, dt.date, str]:
    """(first day, last day, label) of a preset period relative to ``today``."""
    p = choices.parse(Preset, preset, "period")
    if p is Preset.LAST_WEEK:
        monday = today - dt.timedelta(days=today.weekday()) - dt.timedelta(days=7)
        return monday, monday + dt.timedelta(days=6), f"Week of {monday.isoformat()}"
    if p is Preset.LAST_MONTH:
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last, last.strftime("%B %Y")
    return last_term(today)


def last_term(today: dt.date) -> tuple[dt.date, dt.date, str]:
    starts: list[tuple[dt.date, str]] = []
    for year in (today.year - 1, today.year):
        starts += [(dt.date(year, m, d), name) for name, m, d in TERM_STARTS]
    starts.append((dt.date(today.year + 1, 1, 1), "Spring"))
    ended = [(s, starts[i + 1][0] - dt.timedelta(days=1), n)
             for i, (s, n) in enumerate(starts[:-1]) if starts[i + 1][0] <= today]
    first, last, name = ended[-1]
    return first, last, f"{name} term {first.year}"

def parse_date(text: str, field_name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{field_name} {text!r} is not a date (YYYY-MM-DD).", field_name) from None
