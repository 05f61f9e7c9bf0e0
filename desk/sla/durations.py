"""Reading and writing target durations: '15m', '4h', '1h30m', '3bd' (business days)."""
from __future__ import annotations

import re

from desk.errors import InvalidInput

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(bd|d|h|m|s)")


def parse_duration(text: str, business_day_s: int, field: str = "duration") -> int:
    """Seconds of business time; 'bd' (or 'd') counts business days of the calendar."""
    raw = text.strip().lower().replace("business days", "bd").replace("business day", "bd")
    raw = raw.replace(" ", "")
    if not raw or _PART.sub("", raw):
        raise InvalidInput(f"{field.capitalize()} {text!r} is not a duration like 15m, 4h, 1h30m or 3bd.", field)
    total = 0.0
    for number, unit in _PART.findall(raw):
        n = float(number)
        total += n * {"bd": business_day_s, "d": business_day_s, "h": 3600, "m": 60, "s": 1}[unit]
    if total <= 0:
        raise InvalidInput(f"{field.capitalize()} {text!r} must be longer than zero.", field)
    return round(total)


def format_duration(seconds: int | None, business_day_s: int | None = None) -> str:
    """'3bd' when a whole number of business days, else '4h', '1h30m', '45m'."""
    if seconds is None:
        return "—"
    sign = "-" if seconds < 0 else ""
    s = abs(seconds)
    if business_day_s and s >= business_day_s and s % business_day_s == 0:
        return f"{sign}{s // business_day_s}bd"
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    parts = [f"{h}h" if h else "", f"{m}m" if m else "", f"{sec}s" if sec else ""]
    return sign + ("".join(parts) or "0m")
