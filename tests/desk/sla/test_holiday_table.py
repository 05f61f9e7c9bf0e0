"""Public holidays as a table of dates (desk.sla.holiday_table): the same dates as the
holidays package, read in this process or in a child, and the package kept out of a
process that asks for the child."""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import holidays
import pytest

from desk.errors import InvalidInput
from desk.sla import holiday_table
from desk.sla.holiday_table import HolidayTable, holiday_dates

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def in_child(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # This module imported the package, and a process that has it asks no child: out of
    # sys.modules for the test (put back after), so the child is really asked.
    monkeypatch.delitem(sys.modules, "holidays")
    holiday_table.compute_in_child(True)
    yield
    holiday_table.compute_in_child(False)


@pytest.mark.parametrize(("country", "region"), [("US", "NC"), ("GB", "ENG"), ("DE", "BY"), ("JP", None)])
def test_every_day_is_named_as_the_package_names_it(country: str, region: str | None) -> None:
    package = holidays.country_holidays(country, subdiv=region)
    table = HolidayTable(country, region)
    day, end = dt.date(2010, 1, 1), dt.date(2032, 1, 1)
    named = 0
    while day < end:
        expected = package.get(day)
        assert table.name(day) == (str(expected) if expected else None), day
        named += expected is not None
        day += dt.timedelta(days=1)
    assert named > 22 * 5          # the comparison saw holidays, not only ordinary days


def test_a_child_reads_the_same_dates(in_child: None, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = holiday_table._ask_child

    def spy(country: str, subdivision: str | None, years: list[int]) -> tuple[str, object]:
        asked.append(country)
        return real(country, subdivision, years)

    monkeypatch.setattr(holiday_table, "_ask_child", spy)
    years = range(2024, 2028)
    got = holiday_dates("US", "NC", years)
    assert asked == ["US"]                       # the child answered, not this process
    holiday_table.compute_in_child(False)
    assert got == holiday_dates("US", "NC", years)
    assert got[dt.date(2026, 12, 25)] == "Christmas Day"


@pytest.mark.parametrize("child", [False, True])
def test_an_unknown_country_is_refused_by_name(child: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if child:
        monkeypatch.delitem(sys.modules, "holidays")     # see in_child
    holiday_table.compute_in_child(child)
    try:
        with pytest.raises(InvalidInput, match="'XX'") as caught:
            HolidayTable("XX", None).name(dt.date(2026, 1, 1))
        assert caught.value.field == "holidays"
    finally:
        holiday_table.compute_in_child(False)


def test_the_window_s_process_never_imports_the_package() -> None:
    code = ("import datetime, sys; from desk.sla import holiday_table as h; h.compute_in_child(True); "
            "from desk.sla.calendar import CalendarSpec, WeeklyHours; "
            "spec = CalendarSpec('Desk', 'America/New_York', (WeeklyHours(0, 32400, 61200),), holiday_country='US'); "
            "print(spec.holiday_name(datetime.date(2026, 12, 25)), spec.holiday_name(datetime.date(2016, 7, 4)), "
            "'holidays' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         timeout=120)
    assert out.stdout.strip() == "Christmas Day Independence Day False"


def test_a_table_travels_to_another_process() -> None:
    table = HolidayTable("US", "NC")
    table.name(dt.date(2026, 7, 4))
    copy = pickle.loads(pickle.dumps(table))
    assert copy.name(dt.date(2026, 7, 4)) == "Independence Day"
    assert copy.name(dt.date(2040, 7, 4)) == "Independence Day"    # reads on, with a lock of its own


def test_without_a_child_the_dates_are_read_here(in_child: None, monkeypatch: pytest.MonkeyPatch,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    class NoChildren:
        def Pipe(self, *_args: object, **_kwargs: object) -> object:  # multiprocessing's name
            raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(holiday_table.multiprocessing, "get_context", lambda _method: NoChildren())
    assert holiday_dates("US", None, [2026])[dt.date(2026, 7, 4)] == "Independence Day"
    assert "reading them here" in caplog.text


def _die(conn: object, *_args: object) -> None:
    os._exit(3)


def _hang(conn: object, *_args: object) -> None:
    time.sleep(600)


@pytest.mark.parametrize(("child_main", "said"), [(_die, "exit code 3"), (_hang, "no answer in 2 s")])
def test_a_child_that_dies_or_hangs_is_not_waited_for(in_child: None, monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture,
                                                      child_main: object, said: str) -> None:
    # A spawned child runs the target it is given by name: these stand in for a child the
    # kernel kills (out of memory) and one stuck in the package.
    monkeypatch.setattr(holiday_table, "_child_main", child_main)
    monkeypatch.setattr(holiday_table, "CHILD_TIMEOUT_S", 2.0)
    started = time.monotonic()
    assert holiday_dates("US", None, [2026])[dt.date(2026, 7, 4)] == "Independence Day"
    assert time.monotonic() - started < 30
    assert said in caplog.text and "reading them here" in caplog.text
    assert not [c for c in multiprocessing.active_children() if c.name == "desk-holidays"]


def test_once_the_package_is_here_no_child_is_asked(in_child: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_child(*_args: object) -> tuple[str, object]:
        raise AssertionError("a child was started though the package is already imported")

    monkeypatch.setattr(holiday_table, "_ask_child", no_child)
    monkeypatch.setitem(sys.modules, "holidays", holidays)     # as Set-up's list of countries loads it
    assert holiday_dates("US", None, [2026])[dt.date(2026, 12, 25)] == "Christmas Day"


def test_calendars_share_one_table_and_a_refusal_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from desk.sla.calendar import CalendarSpec, WeeklyHours

    reads: list[tuple[str, tuple[int, ...]]] = []
    real = holiday_table.holiday_dates

    def counted(country: str, subdivision: str | None, years: list[int]) -> dict[dt.date, str]:
        reads.append((country, tuple(years)))
        return real(country, subdivision, years)

    monkeypatch.setattr(holiday_table, "holiday_dates", counted)
    monkeypatch.setattr(holiday_table, "_tables", {})
    hours = (WeeklyHours(0, 32400, 61200),)
    for name in ("Desk", "Desk, edited"):    # a supervisor's change builds the calendar again
        spec = CalendarSpec(name, "America/New_York", hours, holiday_country="CA", holiday_subdivision="ON")
        assert spec.holiday_name(dt.date(2026, 7, 1)) == "Canada Day"
    assert len(reads) == 1
    for _ in range(3):
        with pytest.raises(InvalidInput, match="'XX'"):
            holiday_table.holiday_table("XX", None).name(dt.date(2026, 1, 1))
    assert [r for r in reads if r[0] == "XX"] == [("XX", reads[-1][1])]
