"""Set-up → Services, SLAs, Calendars through their widgets, with the task runner: a
service with its own SLA on its own calendar, refusals under their fields with the text
kept, and the .ics import previewed before it is imported."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QLabel

from tests import factories
from ui import combos
from ui.context import DeskContext
from ui.dialogs import ScriptedDialogs
from ui.setup.calendars import CalendarsSection
from ui.setup.page import SetupPage
from ui.setup.services import ServicesSection
from ui.setup.slas import SlasSection

ICS = Path(__file__).resolve().parents[2] / "data" / "university-closures.ics"


def shown(label: QLabel) -> str:
    """The error line's text when it is meant to be seen (the page itself is not shown)."""
    return label.text() if not label.isHidden() else ""


@pytest.fixture
def page(ctx: DeskContext, qtbot) -> SetupPage:  # type: ignore[no-untyped-def]
    p = SetupPage(ctx)
    qtbot.addWidget(p)
    return p


def test_the_three_sections_are_listed_for_a_supervisor(page: SetupPage) -> None:
    # First on the page, in this order; other features' sections follow them.
    assert [s.key for s in page.sections][:3] == ["services", "slas", "calendars"]


def test_a_service_with_its_own_sla_on_its_own_calendar(ctx: DeskContext, page: SetupPage,
                                                        dialogs: ScriptedDialogs, qtbot) -> None:  # type: ignore[no-untyped-def]
    cal = page.show_section("calendars")
    assert isinstance(cal, CalendarsSection)
    cal.new_name.setText("Teaching labs")
    qtbot.mouseClick(cal.create_btn, Qt.MouseButton.LeftButton)
    assert cal.current == "Teaching labs", cal.status.text()
    cal.day_hours[0].setText("08:00-12:00, 13:00-17:00")
    cal.day_hours[5].setText("10:00-14:00")
    dialogs.answers = [True]
    cal.save_hours()
    assert "version 2" in cal.status.text(), (cal.status.text(), cal.general.text())
    assert "open ticket" in cal.whatif.text()
    spec = ctx.services.sla.catalogue().calendars["Teaching labs"].latest[3]
    assert [(h.weekday, h.start_s, h.end_s) for h in spec.hours if h.weekday in (0, 5)] == [
        (0, 8 * 3600, 12 * 3600), (0, 13 * 3600, 17 * 3600), (5, 10 * 3600, 14 * 3600)]

    slas = page.show_section("slas")
    assert isinstance(slas, SlasSection)
    slas.new_name.setText("Labs")
    combos.select(slas.copy_from, "standard")
    combos.select(slas.new_calendar, "Teaching labs")
    qtbot.mouseClick(slas.create_btn, Qt.MouseButton.LeftButton)
    assert slas.current == "Labs", (slas.status.text(), slas.general.text())
    slas.resolution["P3"].setText("2bd")
    dialogs.answers = [True]
    slas.save()
    assert "version 2" in slas.status.text(), (slas.status.text(), slas.general.text())
    assert "past ticket outcome" in slas.whatif.text()
    policy = ctx.services.sla.catalogue().slas["Labs"][-1]
    # Created from "mon-fri 08:00-17:00", so a business day there is 9 hours.
    assert policy.calendar == "Teaching labs" and policy.targets["P3"].resolution_s == 2 * 9 * 3600
    assert slas.versions.rowCount() == 2

    services = page.show_section("services")
    assert isinstance(services, ServicesSection)
    services.reload()  # the SLA made a moment ago is offered
    services.new_service()
    services.name.setText("Teaching Labs")
    services.description.setPlainText("PC labs in the library and the engineering building")
    combos.select(services.sla, "Labs")
    combos.select(services.team, "Service Desk")
    services.categories.setText("Lab PCs, Printers")
    qtbot.mouseClick(services.save_btn, Qt.MouseButton.LeftButton)
    assert "Saved Teaching Labs" in services.status.text(), services.general.text()
    info = ctx.services.service_catalogue.get("Teaching Labs")
    assert (info.sla, info.team, info.active, info.categories) == ("Labs", "Service Desk", True,
                                                                   ("Lab PCs", "Printers"))
    names = [services.table.item(r, 0).text() for r in range(services.table.rowCount())]
    assert "Teaching Labs" in names

    # A ticket on the new service is measured against its SLA.
    number = factories.incident(ctx.services, ctx.actor, "Lab PC will not boot", service="Teaching Labs").number
    assert ctx.services.sla.incident_sla(number, ctx.clock()).sla_name == "Labs"

    dialogs.answers = [True]
    services.toggle_active()
    assert not ctx.services.service_catalogue.get("Teaching Labs").active
    assert services.retire_btn.text() == "&Bring back"


def test_wrong_input_is_named_at_its_field_and_kept(ctx: DeskContext, page: SetupPage,
                                                    dialogs: ScriptedDialogs) -> None:
    slas = page.show_section("slas")
    assert isinstance(slas, SlasSection)
    slas.response["P3"].setText("4x")
    dialogs.answers = [True]
    slas.save()
    assert "not a duration" in shown(slas.field_errors["P3:response"])
    assert slas.response["P3"].text() == "4x"
    assert len(ctx.services.sla.catalogue().slas["standard"]) == 1   # nothing saved

    services = page.show_section("services")
    assert isinstance(services, ServicesSection)
    services.new_service()
    services.description.setPlainText("Typed before the name")
    services.save()
    assert "needs a name" in shown(services.errors.labels["name"])
    assert services.description.toPlainText() == "Typed before the name"

    cal = page.show_section("calendars")
    assert isinstance(cal, CalendarsSection)
    cal.day_hours[0].setText("25:00-26:00")
    cal.save_hours()
    assert "not a time of day" in shown(cal.errors["hours"])
    assert cal.day_hours[0].text() == "25:00-26:00"

    cal.whole_days.setChecked(False)
    cal.closure_name.setText("Power work")
    cal.closure_start.setDateTime(QDateTime(QDate(2026, 12, 3), QTime(14, 0)))
    cal.closure_end.setDateTime(QDateTime(QDate(2026, 12, 3), QTime(9, 0)))
    cal.add_closure()
    assert "must end after it starts" in shown(cal.errors["closure:end"])
    assert cal.closure_name.text() == "Power work"

    cal.period_name.setText("Exam week")
    cal.period_hours.setText("mon-fri 8-20")
    cal.save_period()
    assert "HH:MM" in shown(cal.errors["period:period_hours"])
    assert cal.period_hours.text() == "mon-fri 8-20"


def test_saving_nothing_when_the_supervisor_says_no(ctx: DeskContext, page: SetupPage,
                                                    dialogs: ScriptedDialogs) -> None:
    cal = page.show_section("calendars")
    assert isinstance(cal, CalendarsSection)
    combos.select(cal.country, "US")
    cal._fill_regions("CA")
    dialogs.answers = [False]
    cal.save_holidays()
    assert "Not saved" in cal.status.text()
    assert ctx.services.sla.catalogue().calendars[cal.current or ""].latest[1] == 1


def test_ics_import_is_previewed_then_imported(ctx: DeskContext, page: SetupPage) -> None:
    cal = page.show_section("calendars")
    assert isinstance(cal, CalendarsSection)
    cal.list.setCurrentRow([cal.list.item(i).text() for i in range(cal.list.count())].index("service-desk"))
    assert cal.current == "service-desk"
    cal.ics_path.setText(str(ICS))
    cal.preview_ics()
    rows = [cal.ics_preview.item(r, 0).text() for r in range(cal.ics_preview.rowCount())]
    assert rows == ["New"] * 7, cal.general.text()
    assert "7 new, 0 changed, 0 unchanged" in cal.ics_summary.text()
    assert ctx.services.sla.catalogue().calendars["service-desk"].latest[1] == 1   # a preview saves nothing
    assert cal.import_btn.isEnabled()
    cal.import_ics()
    assert "version 2" in cal.status.text(), cal.general.text()
    cal.preview_ics()
    rows = [cal.ics_preview.item(r, 0).text() for r in range(cal.ics_preview.rowCount())]
    assert rows == ["Unchanged"] * 7 and not cal.import_btn.isEnabled()

    cal.ics_path.setText(str(ICS.with_name("missing.ics")))
    cal.preview_ics()
    assert "No such file" in shown(cal.errors["ics"])
