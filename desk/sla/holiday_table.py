"""A country's (and region's) public holidays as a plain table of dates.

The dates come from the ``holidays`` package, which is large: about 300 modules and 16 MB
resident once imported, for the dozen dates a year a calendar needs. A process that
runs all day (the window) therefore asks a short-lived child process for the dates
(``compute_in_child(True)``, set once at its start) and keeps only the table; every
other process (the CLI, tests, the demo) imports the package here, when first needed.
Either way the table holds what the package says, year by year, and a year is read
with its neighbours (``YEARS_BEFORE``, ``YEARS_AFTER``) so ten years of history cost one
read.
"""
from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import threading
from collections.abc import Iterable

from desk.errors import DeskError, InvalidInput

log = logging.getLogger(__name__)

YEARS_BEFORE = 12   # a year first asked for is read with the history before it …
YEARS_AFTER = 3     # … and the next few years (due times reach past year's end)

_in_child = False


def compute_in_child(enabled: bool) -> None:
    """Read holidays in a child process from now on (the window: keeps the package out
    of a process that runs all day), or in this one (the default)."""
    global _in_child
    _in_child = enabled


def holiday_dates(country: str, subdivision: str | None, years: Iterable[int]) -> dict[dt.date, str]:
    """The package's holidays of ``country`` (region ``subdivision``) in ``years``: date → name
    (several holidays on one date in one name, as the package joins them).

    Raises InvalidInput for a country or region the package does not know."""
    years = sorted(set(years))
    if not _in_child:
        return _from_package(country, subdivision, years)
    try:
        ctx = multiprocessing.get_context("spawn")   # not fork: the window holds threads and connections
        with ctx.Pool(1) as pool:
            kind, value = pool.apply(_in_package, (country, subdivision, years))
    except Exception:  # no child (limits, a sandbox): the dates matter more than 16 MB
        log.warning("reading holidays in a child process failed; reading them here", exc_info=True)
        return _from_package(country, subdivision, years)
    if kind == "error":
        raise InvalidInput(str(value), "holidays")
    if kind != "dates":
        raise DeskError(f"Public holidays could not be read: {value}")
    assert isinstance(value, dict)
    return {dt.date.fromisoformat(day): name for day, name in value.items()}


def _from_package(country: str, subdivision: str | None, years: list[int]) -> dict[dt.date, str]:
    import holidays

    try:
        found = holidays.country_holidays(country, subdiv=subdivision, years=years)
    except NotImplementedError:
        raise InvalidInput(f"The holidays package has no country {country!r} "
                           f"(subdivision {subdivision!r}).", "holidays") from None
    return {day: str(name) for day, name in found.items() if name}


def _in_package(country: str, subdivision: str | None, years: list[int]) -> tuple[str, object]:
    """The child's side: plain values only, so nothing of the package's types crosses back."""
    try:
        return "dates", {day.isoformat(): name for day, name in _from_package(country, subdivision, years).items()}
    except InvalidInput as exc:
        return "error", str(exc)
    except Exception as exc:  # noqa: BLE001 - said in words by the parent
        return "failed", f"{type(exc).__name__}: {exc}"


class HolidayTable:
    """The holidays of one country and region, read a block of years at a time."""

    def __init__(self, country: str, subdivision: str | None) -> None:
        self.country, self.subdivision = country, subdivision
        self._names: dict[dt.date, str] = {}
        self._years: set[int] = set()
        self._lock = threading.Lock()    # one calendar is shared by the worker threads

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_lock"}    # a lock does not pickle

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def name(self, day: dt.date) -> str | None:
        if day.year not in self._years:
            self._read_around(day.year)
        return self._names.get(day)

    def _read_around(self, year: int) -> None:
        with self._lock:
            if year in self._years:
                return
            wanted = [y for y in range(year - YEARS_BEFORE, year + YEARS_AFTER + 1)
                      if y not in self._years and dt.MINYEAR <= y <= dt.MAXYEAR]
            names = holiday_dates(self.country, self.subdivision, wanted)
            self._names.update(names)
            self._years.update(wanted)
