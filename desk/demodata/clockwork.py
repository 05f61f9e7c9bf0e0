"""Desk-time arithmetic for the generator: business hours in the desk's time zone, cheaply.

Times are whole seconds since the epoch (UTC). The UTC offset is looked up once per
day, so daylight-saving changes are honoured without a zoneinfo call per event.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DAY = 86_400
HOUR = 3_600
MINUTE = 60
OPEN_HOUR, CLOSE_HOUR = 8, 18


class DeskHours:
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._offsets: dict[int, int] = {}

    def offset(self, t: int) -> int:
        day = t // DAY
        off = self._offsets.get(day)
        if off is None:
            noon = dt.datetime.fromtimestamp(day * DAY + 12 * HOUR, dt.UTC)
            # utcoffset() is typed Optional, but an aware datetime always has one.
            off = int(noon.astimezone(self.tz).utcoffset().total_seconds())  # type: ignore[union-attr]
            self._offsets[day] = off
        return off

    def local(self, t: int) -> tuple[int, int, int]:
        """(local day number, weekday 0=Monday, seconds since local midnight)."""
        lt = t + self.offset(t)
        day = lt // DAY
        return day, (day + 3) % 7, lt - day * DAY

    def is_open(self, t: int) -> bool:
        _, wd, sec = self.local(t)
        return wd < 5 and OPEN_HOUR * HOUR <= sec < CLOSE_HOUR * HOUR

    def snap(self, t: int) -> int:
        """``t`` if the desk is open then, else the next opening time."""
        day, wd, sec = self.local(t)
        if wd < 5 and OPEN_HOUR * HOUR <= sec < CLOSE_HOUR * HOUR:
            return t
        if wd < 5 and sec < OPEN_HOUR * HOUR:
            target = day
        else:
            target = day + 1
        while (target + 3) % 7 >= 5:
            target += 1
        local_open = target * DAY + OPEN_HOUR * HOUR
        return local_open - self.offset(local_open)
