"""Set-up → Escalation: a supervisor sets a service's rule through the widgets; the section
shows what applies where, who holds the alert job, and team leads for admins."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from db.enums import Role
from desk.actor import Actor
from desk.bootstrap import Services
from tests import factories
from ui import combos
from ui.context import DeskContext
from ui.setup.escalation import EscalationSection
from ui.setup.page import SetupPage

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_a_supervisor_gives_a_service_its_own_rule(qtbot, ctx: DeskContext, services: Services,  # type: ignore[no-untyped-def]
                                                   admin: Actor) -> None:
    page = SetupPage(ctx)
    qtbot.addWidget(page)
    section = page.show_section("escalation")
    assert isinstance(section, EscalationSection)
    qtbot.waitUntil(lambda: section.overview is not None)
    assert section.table.item(0, 0).text() == "Any service, any priority (built in)"
    assert "No workstation runs the alert job now" in section.job.text()

    combos.select(section.service, "Printing")
    combos.select(section.priority, "P2")
    assert "built-in default" in section.applies.text() and not section.remove.isEnabled()
    section.boxes["at_risk_notify_team"].setChecked(False)
    section.boxes["breach_raise_urgency"].setChecked(True)
    combos.select(section.reassign, "Service Desk")
    section.save.click()
    qtbot.waitUntil(lambda: section.table.rowCount() == 2)
    rule, scope = services.escalation.rule_for("Printing", "P2")
    assert scope == "Printing, P2"
    assert (rule.at_risk_notify_team, rule.breach_raise_urgency, rule.breach_reassign_team) == (
        False, True, "Service Desk")
    assert "reassign to Service Desk" in section.table.item(1, 1).text()
    assert section.applies.text() == "This scope has its own rule." and section.remove.isEnabled()

    # Another priority of the service falls back to the default, and says so.
    combos.select(section.priority, "P3")
    assert "built-in default" in section.applies.text()
    assert section.boxes["at_risk_notify_team"].isChecked()

    # The team lead, chosen among the team's members.
    factories.staff(services, admin, "lee", Role.SUPERVISOR, teams=("Desktop Support",))
    section.reload()
    qtbot.waitUntil(lambda: "Desktop Support" in section.overview.members)  # type: ignore[union-attr]
    combos.select(section.lead_team, "Desktop Support")
    combos.select(section.lead_who, "lee")
    section.lead_set.click()
    qtbot.waitUntil(lambda: services.escalation.team_leads() and
                    dict(services.escalation.team_leads())["Desktop Support"] == "Lee")

    # Removing the rule asks first.
    combos.select(section.priority, "P2")
    ctx.dialogs.answers.append(True)  # type: ignore[attr-defined]
    section.remove.click()
    qtbot.waitUntil(lambda: section.table.rowCount() == 1)
    assert services.escalation.rule_for("Printing", "P2")[1] == "the built-in default"


def test_a_technician_sees_no_set_up_at_all(qtbot, services: Services, admin: Actor, ctx: DeskContext) -> None:  # type: ignore[no-untyped-def]
    from ui.setup.sections import visible

    tech = factories.staff(services, admin, "tom", Role.TECHNICIAN)
    ctx.actor = tech
    assert visible(ctx) == []
    page = SetupPage(ctx)
    qtbot.addWidget(page)
    assert page.findChildren(QPushButton) == []


def test_nothing_is_saved_before_the_rules_are_read(qtbot, ctx: DeskContext, services: Services,  # type: ignore[no-untyped-def]
                                                    admin: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    """Until the rules are read (a slow server, or the read failed) the boxes are all
    unticked: saving then would write a rule for any service and priority that tells no
    one. Save (and Remove) wait for the read."""
    from desk.errors import DeskError

    def down() -> None:
        raise DeskError("The database server cannot be reached.")

    monkeypatch.setattr(services.escalation, "overview", down)
    section = EscalationSection(ctx)
    qtbot.addWidget(section)
    qtbot.waitUntil(lambda: "cannot be reached" in section.message.text())
    assert not section.save.isEnabled() and not section.remove.isEnabled()
    section.save.click()
    assert services.escalation.rules() == []


def test_setting_a_lead_keeps_the_rule_being_edited(qtbot, ctx: DeskContext, services: Services,  # type: ignore[no-untyped-def]
                                                    admin: Actor) -> None:
    factories.staff(services, admin, "lee", Role.SUPERVISOR, teams=("Desktop Support",))
    section = EscalationSection(ctx)
    qtbot.addWidget(section)
    qtbot.waitUntil(lambda: section.overview is not None)
    combos.select(section.service, "Printing")
    section.boxes["by_mail"].setChecked(True)            # typed, not saved yet
    combos.select(section.lead_team, "Desktop Support")
    combos.select(section.lead_who, "lee")
    section.lead_set.click()
    qtbot.waitUntil(lambda: "lead saved" in section.message.text())
    qtbot.waitUntil(lambda: section.overview is not None and section.overview.leads["Desktop Support"] == "lee")
    assert combos.value(section.service) == "Printing" and section.boxes["by_mail"].isChecked()
