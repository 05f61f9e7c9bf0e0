"""Small shared pieces of the counter services: checking signatures, desk-day due times."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from desk.errors import InvalidInput

DESK_TZ = ZoneInfo("America/New_York")
# Loaners are due back by the end of the desk's day.
DESK_CLOSES = dt.time(18, 0)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNATURE_MAX_BYTES = 2_000_000


def check_signature(png: bytes, what: str = "signature") -> bytes:
    if not png:
        raise InvalidInput(f"The customer's {what} is missing: ask them to sign on the pad.", "signature")
    if not png.startswith(PNG_MAGIC):
        raise InvalidInput(f"The {what} is not a PNG image.", "signature")
    if len(png) > SIGNATURE_MAX_BYTES:
        raise InvalidInput(f"The {what} image is too large ({len(png)} bytes).", "signature")
    return png


def due_at(day: dt.date) -> dt.datetime:
    """The UTC instant the desk closes on ``day`` (desk time zone, DST-aware)."""
    return dt.datetime.combine(day, DESK_CLOSES, DESK_TZ).astimezone(dt.UTC)


def local(when: dt.datetime) -> dt.datetime:
    return when.astimezone(DESK_TZ)
