"""Set-up → E-mail: a supervisor switches an event off for one service and edits a message
through the widgets; a wrong placeholder is named and nothing typed is lost."""
from __future__ import annotations

import pytest

from desk.actor import Actor
from desk.bootstrap import Services
from desk.mail.events import MailEvent
from ui import combos
from ui.context import DeskContext
from ui.setup.mail import MailSection
from ui.setup.page import SetupPage

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _row(section: MailSection, event: MailEvent) -> int:
    return next(i for i, e in enumerate(section.settings) if e.event == event)


def test_switch_an_event_off_for_a_service_and_edit_its_message(qtbot, ctx: DeskContext, services: Services,  # type: ignore[no-untyped-def]
                                                                admin: Actor) -> None:
    page = SetupPage(ctx)
    qtbot.addWidget(page)
    section = page.show_section("mail")
    assert isinstance(section, MailSection)
    qtbot.waitUntil(lambda: section.settings != [])
    assert "Mail is not set up yet" in section.status.text()

    combos.select(section.service, "Printing")
    qtbot.waitUntil(lambda: section.service.currentText() == "Printing" and section.settings != [])
    section.table.selectRow(_row(section, MailEvent.RESOLVED))
    qtbot.waitUntil(lambda: section.loaded is not None and section.loaded.event is MailEvent.RESOLVED)
    section.toggle.click()
    qtbot.waitUntil(lambda: not next(e for e in section.settings if e.event is MailEvent.RESOLVED).enabled)
    on = {e.event: e.enabled for e in services.mail.events("Printing")}
    assert on[MailEvent.RESOLVED] is False and on[MailEvent.OPENED] is True
    assert {e.event: e.enabled for e in services.mail.events("Laptop Repair")}[MailEvent.RESOLVED] is True

    # A placeholder the event does not have: said, and the typing stays.
    section.subject.setText("[{number}] Done: {title} {nonsense}")
    section.save.click()
    qtbot.waitUntil(lambda: "nonsense" in section.message.text())
    assert section.subject.text() == "[{number}] Done: {title} {nonsense}"
    assert not services.mail.template(MailEvent.RESOLVED).customised

    section.subject.setText("[{number}] Fixed: {title}")
    section.save.click()
    qtbot.waitUntil(lambda: services.mail.template(MailEvent.RESOLVED).customised)
    assert services.mail.template(MailEvent.RESOLVED).subject == "[{number}] Fixed: {title}"
    qtbot.waitUntil(lambda: section.reset.isEnabled())

    ctx.dialogs.answers.append(True)  # type: ignore[attr-defined]
    section.reset.click()
    qtbot.waitUntil(lambda: not services.mail.template(MailEvent.RESOLVED).customised)
    assert section.subject.text() == services.mail.template(MailEvent.RESOLVED).subject
