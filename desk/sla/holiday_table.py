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
import sys
import threading
from collections.abc import Iterable
from typing import Any

from desk.errors import InvalidInput

log = logging.getLogger(__name__)

YEARS_BEFORE = 12   # a year first asked for is read with the history before it …
YEARS_AFTER = 3     # … and the next few years (due times reach past year's end)
CHILD_TIMEOUT_S = 60.0   # a fresh interpreter and the package take about a second

_in_child = False


def compute_in_child(enabled: bool) -> None:
    """Read holidays in a child process from now on (the window: keeps the package out
    of a process that runs all day), or in this one (the default)."""
    global _in_child
    _in_child = enabled


class _ChildFailed(Exception):
    """The child gave no answer: it could not start, died, or took too long."""


def holiday_dates(country: str, subdivision: str | None, years: Iterable[int]) -> dict[dt.date, str]:
    """The package's holidays of ``country`` (region ``subdivision``) in ``years``: date → name
    (several holidays on one date in one name, as the package joins them).

    Raises InvalidInput for a country or region the package does not know."""
    years = sorted(set(years))
    # Once something in this process has imported the package (Set-up's list of
    # countries), a child would only cost a second and save nothing.
    if not _in_child or "holidays" in sys.modules:
        return _from_package(country, subdivision, years)
    try:
        kind, value = _ask_child(country, subdivision, years)
    except _ChildFailed as exc:  # no child (limits, a sandbox), or it died: the dates matter more than 16 MB
        log.warning("reading holidays in a child process failed (%s); reading them here", exc)
        return _from_package(country, subdivision, years)
    if kind == "error":
        raise InvalidInput(str(value), "holidays")
    if kind != "dates":   # the package failed in a way of its own: let this process say how
        log.warning("the holidays child failed (%s); reading them here", value)
        return _from_package(country, subdivision, years)
    assert isinstance(value, dict)
    return {dt.date.fromisoformat(day): name for day, name in value.items()}


def _ask_child(country: str, subdivision: str | None, years: list[int]) -> tuple[str, object]:
    """One short-lived child, one answer down a pipe. A child that dies closes its end
    (EOF here); one that gives no answer within CHILD_TIMEOUT_S is killed. The answer is
    one small message, written once the dates are known, so a child that started it
    finishes it."""
    ctx = multiprocessing.get_context("spawn")   # not fork: the window holds threads and connections
    try:
        ours, theirs = ctx.Pipe(duplex=False)
    except Exception as exc:  # noqa: BLE001 - out of descriptors, a sandbox
        raise _ChildFailed(f"no pipe: {exc}") from None
    try:
        child = ctx.Process(target=_child_main, args=(theirs, country, subdivision, years),
                            name="desk-holidays", daemon=True)
        child.start()
    except Exception as exc:  # noqa: BLE001 - whatever stops a process starting
        ours.close()
        theirs.close()
        raise _ChildFailed(f"no child process: {exc}") from None
    theirs.close()      # only the child's copy stays open, so its death reads as EOF
    try:
        if not ours.poll(CHILD_TIMEOUT_S):
            raise _ChildFailed(f"no answer in {CHILD_TIMEOUT_S:.0f} s")
        try:
            answer: tuple[str, object] = ours.recv()
        except (EOFError, OSError):
            child.join(5)   # reaped, so its exit code is known
            raise _ChildFailed(f"the child ended without an answer (exit code {child.exitcode})") from None
        return answer
    finally:
        ours.close()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join(5)


def _child_main(conn: Any, country: str, subdivision: str | None, years: list[int]) -> None:
    try:
        conn.send(_in_package(country, subdivision, years))
    finally:
        conn.close()


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


_tables: dict[tuple[str, str | None], HolidayTable] = {}
_tables_lock = threading.Lock()


def holiday_table(country: str, subdivision: str | None) -> HolidayTable:
    """The one table of a country and region in this process. Calendars are rebuilt
    whenever a supervisor changes one; the dates (and a refusal) are read once."""
    with _tables_lock:
        table = _tables.get((country, subdivision))
        if table is None:
            table = _tables[(country, subdivision)] = HolidayTable(country, subdivision)
        return table


class HolidayTable:
    """The holidays of one country and region, read a block of years at a time."""

    def __init__(self, country: str, subdivision: str | None) -> None:
        self.country, self.subdivision = country, subdivision
        self._names: dict[dt.date, str] = {}
        self._years: set[int] = set()
        self._refused: str | None = None   # the package does not know this country: said once, kept
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
            if self._refused is not None:
                raise InvalidInput(self._refused, "holidays")
            if year in self._years:
                return
            wanted = [y for y in range(year - YEARS_BEFORE, year + YEARS_AFTER + 1)
                      if y not in self._years and dt.MINYEAR <= y <= dt.MAXYEAR]
            try:
                names = holiday_dates(self.country, self.subdivision, wanted)
            except InvalidInput as exc:
                self._refused = str(exc)
                raise
            self._names.update(names)
            self._years.update(wanted)
