"""How queue cells read: SLA time left / overdue, and the colours of the SLA and priority
chips (ui.queue.chips draws them; the words are always there too, never colour alone)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QBrush, QColor

from desk.common.site import Site
from desk.rules import lifecycle
from desk.sla import outcome

COLOURS = {
    "on_track": QColor(30, 120, 50),
    "at_risk": QColor(190, 110, 0),
    "breached": QColor(200, 30, 30),
    "missed": QColor(200, 30, 30),
    "paused": QColor(110, 110, 110),
    "met": QColor(90, 90, 90),
    "none": QColor(120, 120, 120),
}

# Hot to cool, so P1 and P2 catch the eye; the chip's text says the priority anyway.
PRIORITY_COLOURS = {
    "P1": QColor(200, 30, 30),
    "P2": QColor(215, 110, 0),
    "P3": QColor(35, 100, 180),
    "P4": QColor(0, 115, 115),
    "P5": QColor(110, 110, 110),
}


def priority_colour(priority: str) -> QColor:
    return PRIORITY_COLOURS.get(priority, COLOURS["none"])


def _luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(fill: QColor) -> QColor:
    """Black or white, whichever reads better on ``fill`` (at least 4.5:1 for any fill)."""
    white, black = QColor(255, 255, 255), QColor(0, 0, 0)
    return white if contrast(fill, white) >= contrast(fill, black) else black



@dataclass(frozen=True)
class SlaCell:
    text: str
    state: str
    tooltip: str

    @property
    def colour(self) -> QColor:
        return COLOURS.get(self.state, COLOURS["none"])

    @property
    def brush(self) -> QBrush:
        return QBrush(self.colour)


def duration(seconds: float, *, business: bool = False) -> str:
    """'2h 05m', '3d 4h', '45m' — compact, for a narrow column. Business time is
    shown in hours: a business day's length depends on the calendar."""
    s = int(abs(seconds))
    if business:
        hours, rem = divmod(s, 3600)
        return f"{hours}h {rem // 60:02d}m" if hours else f"{rem // 60}m"
    days, rem = divmod(s, 86400)
    hours, rem = divmod(rem, 3600)
    minutes = rem // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


def sla_cell(row: Any, snapshot: Any | None, now: dt.datetime, site: Site) -> SlaCell:
    """From the SLA engine's snapshot when we have one (business time), else from the
    stored due time (wall-clock time to the due instant)."""
    if snapshot is not None:
        state = snapshot.state
        left = snapshot.business_seconds_left
        due = getattr(snapshot, "due_at", None)
        due_text = f"due {site.local(due):%a %d %b %H:%M}" if due else "no due time"
        if state == "paused":
            return SlaCell("paused", state,
                           f"Resolution clock paused; {duration(left or 0, business=True)} business time left")
        if state in ("met", "missed"):
            return SlaCell(state, state, f"Resolution target {state}")
        if state == "none" or left is None:
            return SlaCell("—", "none", "No SLA target")
        text = f"{duration(left, business=True)} {'left' if left >= 0 else 'over'}"
        target = getattr(snapshot, "target", None) or "resolution"
        if target == "response":
            text = "resp. " + text
        return SlaCell(text, state, f"{target.capitalize()} target: business time {text}; {due_text}")
    if row.status in lifecycle.FINISHED:
        return SlaCell("", "met", "Finished")
    if row.paused_at is not None:
        return SlaCell("paused", "paused", "Resolution clock paused (pending)")
    if row.due_at is None:
        return SlaCell("—", "none", "No SLA target stored")
    left = (row.due_at - now).total_seconds()
    # Open and not paused here: the resolution clock runs.
    if outcome.breached_now(row.breached_at, row.due_at, True, now):
        state = "breached"
    elif outcome.at_risk_now(row.breached_at, row.due_at, row.at_risk_at, True, now):
        state = "at_risk"
    else:
        state = "on_track"
    text = f"{duration(left)} left" if left >= 0 else f"{duration(left)} over"
    due_text = site.local(row.due_at).strftime("%a %d %b %H:%M")
    return SlaCell(text, state, f"Resolution due {due_text} ({state.replace('_', ' ')})")
