"""The VIP list as CSV: the same columns the Set-up page shows and ``desk vip list --csv``
writes, so a spreadsheet and the screen never disagree."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from desk.common.site import Site
from desk.people.service import VipEntry

HEADER = ("University ID", "Name", "Office", "VIP since", "Granted by", "Reason")


def _local(entry: VipEntry, site: Site) -> str:
    t = site.local(entry.since)
    return f"{t:%Y-%m-%d %H:%M} {t.tzname()}"


def _cell(value: str | None) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection):
    # a reason typed by one supervisor must not execute on another's machine.
    text = value or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def vip_csv(entries: Iterable[VipEntry], site: Site) -> str:
    """The list as CSV text (RFC 4180 quoting, a header row, times on the desk's clock)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(HEADER)
    for e in entries:
        w.writerow([_cell(e.university_id), _cell(e.name), _cell(e.office), _local(e, site),
                    _cell(e.granted_by), _cell(e.reason)])
    return out.getvalue()
