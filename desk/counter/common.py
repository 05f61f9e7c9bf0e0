"""Small shared pieces of the counter services: checking signatures, desk-day due times,
placeholder serial numbers."""
from __future__ import annotations

import datetime as dt
import re

from desk.common.site import Site
from desk.errors import InvalidInput

# Loaners are due back by the end of the desk's day.
DESK_CLOSES = dt.time(18, 0)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNATURE_MAX_BYTES = 2_000_000
# What gets typed when a laptop has no readable serial. Many devices share these, so they
# identify nothing: they never match a device on record.
PLACEHOLDER_SERIALS = frozenset({"n/a", "na", "n.a.", "none", "unknown", "null", "nil", "tbd", "?",
                                 "no serial", "not available", "missing"})
_FILLER = re.compile(r"^[-0_.?*/\\ ]*$")  # "", "-", "0", "000000", "--", "?", ...


def is_placeholder_serial(serial: str | None) -> bool:
    value = (serial or "").strip().lower()
    return value in PLACEHOLDER_SERIALS or bool(_FILLER.match(value))


def check_signature(png: bytes, what: str = "signature") -> bytes:
    if not png:
        raise InvalidInput(f"The customer's {what} is missing: ask them to sign on the pad.", "signature")
    if not png.startswith(PNG_MAGIC):
        raise InvalidInput(f"The {what} is not a PNG image.", "signature")
    if len(png) > SIGNATURE_MAX_BYTES:
        raise InvalidInput(f"The {what} image is too large ({len(png)} bytes).", "signature")
    return png


def due_at(day: dt.date, site: Site) -> dt.datetime:
    """The UTC instant the desk closes on ``day`` (the desk's time zone, DST-aware)."""
    return site.at(day, DESK_CLOSES)
