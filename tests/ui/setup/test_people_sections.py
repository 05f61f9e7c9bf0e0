"""Set-up's VIP policy, Staff and roles, and Incident models sections, driven through their
widgets on the test database (synchronous runner, scripted dialogs, the GUI-thread guard)."""
from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from pypdf import PdfReader
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.enums import Role
from db.models import AuditEntry
from desk.actor import Actor
from desk.bootstrap import Services
from tests import factories
from ui.context import DeskContext
from ui.dialogs import ScriptedDialogs
from ui.setup.models import ModelsSection
from ui.setup.page import SetupPage
from ui.setup.sections import visible
from ui.setup.staff import StaffSection
from ui.setup.vip import VipSection

_PAGES: list[SetupPage] = []   # the page owns the section: keep it alive for the test


def _page(qtbot: QtBot, ctx: DeskContext, key: str) -> object:
    page = SetupPage(ctx)
    qtbot.addWidget(page)
    _PAGES[:] = [page]
    return page.show_section(key)


def test_each_section_shows_for_its_role_only(ctx: DeskContext, services: Services, admin: Actor) -> None:
    assert [s.key for s in visible(ctx) if s.key in ("vip", "staff", "models")] == ["vip", "staff", "models"]
    sam = factories.staff(services, admin, "sam", Role.SUPERVISOR)
    tess = factories.staff(services, admin, "tess", Role.TECHNICIAN)
    assert {s.key for s in visible(dataclasses.replace(ctx, actor=sam))} >= {"vip", "models"}
    assert "staff" not in {s.key for s in visible(dataclasses.replace(ctx, actor=sam))}
    assert not {"vip", "staff", "models"} & {s.key for s in visible(dataclasses.replace(ctx, actor=tess))}


def test_publish_a_policy_through_the_widgets_and_bad_input_keeps_the_text(
        qtbot: QtBot, ctx: DeskContext, services: Services) -> None:
    w = _page(qtbot, ctx, "vip")
    assert isinstance(w, VipSection)
    assert w.in_force.text().startswith("In force: version 1, published 2026-08-01")
    assert w.text.toPlainText().startswith("VIP status is held by the officers")
    assert w.history.rowCount() == 1 and w.history.item(0, 3).text() == "Raises urgency by one level"
    w.text.setPlainText("   ")
    w.publish()
    assert not w.policy_errors.labels["policy text"].isHidden()
    assert "Policy text is required" in w.policy_errors.labels["policy text"].text() or \
        "policy text" in w.policy_errors.labels["policy text"].text().lower()
    w.text.setPlainText("Officers on the list: urgency raised by two levels. Impact never changes.")
    w.levels.setCurrentIndex(w.levels.findData(2))
    w.publish()
    assert w.policy_message.text() == "Published version 2. Tickets it raises from now on name it."
    assert w.policy_errors.labels["policy text"].isHidden()
    policy = services.people.vip_policy()
    assert policy is not None and (policy.version, policy.urgency_levels_raised) == (2, 2)
    assert w.in_force.text().startswith("In force: version 2") and "raises urgency by 2 levels" in w.in_force.text()
    assert [w.history.item(r, 0).text() for r in range(w.history.rowCount())] == ["v2", "v1"]
    w.history.setCurrentCell(1, 0)
    w._on_copy_clicked()
    assert w.text.toPlainText().startswith("VIP status is held by") and w.levels.currentData() == 1


def test_grant_and_revoke_vip_with_a_reason(qtbot: QtBot, ctx: DeskContext, services: Services,
                                            dialogs: ScriptedDialogs) -> None:
    uid = factories.person(services.db, given="Grace", family="Hopper")
    w = _page(qtbot, ctx, "vip")
    assert isinstance(w, VipSection)
    assert w.count.text() == "Nobody holds VIP status."
    w.grant()   # nobody chosen yet
    assert "choose them in the list" in w.grant_errors.labels["person"].text()
    w.search.setText("Hopp")
    w._run_search()
    assert w.results.count() == 1 and uid in w.results.item(0).text()
    w.office.setText("Office of the Provost")
    w.grant()   # no reason
    assert not w.grant_errors.labels["reason"].isHidden()
    assert w.office.text() == "Office of the Provost" and w.chosen_person() == uid, "nothing typed is lost"
    w.reason.setText("Provost (published VIP list 2026)")
    w.grant()
    assert "Grace Hopper now holds VIP status" in w.list_message.text()
    assert w.list.rowCount() == 1
    assert [w.list.item(0, c).text() for c in (0, 1, 2, 4, 5)] == [
        "Grace Hopper", uid, "Office of the Provost", ctx.actor.display_name, "Provost (published VIP list 2026)"]
    assert w.reason.text() == "" and w.count.text() == "1 person holds VIP status."
    w.list.selectRow(0)
    assert w.revoke_btn.isEnabled()
    dialogs.answers = ["Term as Provost ended"]
    w.revoke_selected()
    assert "no longer holds VIP status" in w.list_message.text() and w.list.rowCount() == 0
    with services.db.reading() as s:
        reasons = s.execute(select(AuditEntry.reason).where(AuditEntry.entity == "person",
                                                            AuditEntry.field == "vip")).scalars().all()
    assert reasons == ["Provost (published VIP list 2026)", "Term as Provost ended"]


def test_export_the_list_to_csv_and_print_the_policy(qtbot: QtBot, ctx: DeskContext, services: Services,
                                                     admin: Actor, tmp_path: Path) -> None:
    uid = factories.person(services.db, given="Zoë", family="Dvořák")
    services.people.grant_vip(admin, uid, reason="University Librarian", office="University Librarian")
    w = _page(qtbot, ctx, "vip")
    assert isinstance(w, VipSection)
    targets = iter([tmp_path / "vip.csv", tmp_path / "vip.pdf"])
    w.ask_save_path = lambda *_a: next(targets)  # type: ignore[method-assign]
    w.export_csv()
    rows = list(csv.reader((tmp_path / "vip.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][:3] == [uid, "Zoë Dvořák", "University Librarian"]
    assert w.list_message.text() == f"Exported the VIP list to {tmp_path / 'vip.csv'}."
    w.print_sheet()
    text = " ".join(PdfReader(tmp_path / "vip.pdf").pages[0].extract_text().split())
    assert "Zoë Dvořák" in text and "Version 1, published" in text


def test_deactivate_an_account_and_edit_roles_and_teams(qtbot: QtBot, ctx: DeskContext, services: Services,
                                                        admin: Actor, dialogs: ScriptedDialogs) -> None:
    services.staff.add(admin, "alice", display_name="Alice Ng", roles=["technician"], os_username="alice",
                       teams=["Service Desk"])
    w = _page(qtbot, ctx, "staff")
    assert isinstance(w, StaffSection)
    row = [w.table.item(r, 0).text() for r in range(w.table.rowCount())].index("alice")
    w.table.setCurrentCell(row, 0)
    assert w.display_name.text() == "Alice Ng" and w.role_boxes["technician"].isChecked()
    assert w.table.item(row, 2).text() == "Active" and w.table.item(row, 3).text() == "Technician"
    w.email.setText("not an address")
    w.display_name.setText("Alice Ng-Li")
    w.save()
    assert not w.errors.labels["email"].isHidden() and w.display_name.text() == "Alice Ng-Li"
    w.email.setText("alice@example.edu")
    w.role_boxes["supervisor"].setChecked(True)
    for i in range(w.team_list.count()):
        if w.team_list.item(i).text() == "Network":
            w.team_list.item(i).setCheckState(w.team_list.item(i).checkState().Checked)
    w.save()
    assert w.message.text() == "Saved alice."
    a = services.staff.account("alice")
    assert (a.display_name, a.email) == ("Alice Ng-Li", "alice@example.edu")
    assert set(a.roles) == {Role.TECHNICIAN, Role.SUPERVISOR} and a.teams == ("Network", "Service Desk")
    dialogs.answers = ["Left the university"]
    w.toggle_active()
    assert w.message.text() == "alice deactivated." and w.active_btn.text() == "&Reactivate…"
    assert "cannot sign in or be assigned" in w.state.text()
    assert w.table.item(row, 2).text() == "Deactivated"
    assert not services.staff.account("alice").active


def test_a_new_account_refused_keeps_what_was_typed(qtbot: QtBot, ctx: DeskContext, services: Services,
                                                    dialogs: ScriptedDialogs) -> None:
    w = _page(qtbot, ctx, "staff")
    assert isinstance(w, StaffSection)
    w.new_account()
    w.username.setText(ctx.actor.username)   # taken
    w.display_name.setText("Someone")
    w.save()
    assert "already exists" in w.errors.labels["username"].text() and w.display_name.text() == "Someone"
    dialogs.answers = ["Night Desk"]
    w.new_team()
    assert "Team Night Desk created" in w.message.text() and w.username.text() == ctx.actor.username
    w.username.setText("nina")
    for i in range(w.team_list.count()):
        if w.team_list.item(i).text() == "Night Desk":
            w.team_list.item(i).setCheckState(w.team_list.item(i).checkState().Checked)
    w.save()
    assert services.staff.account("nina").teams == ("Night Desk",)


def test_models_list_laptop_repair_first_and_a_surge_threshold_changes(
        qtbot: QtBot, ctx: DeskContext, services: Services) -> None:
    w = _page(qtbot, ctx, "models")
    assert isinstance(w, ModelsSection)
    editor = w.editor
    assert editor.models[0].name == "laptop-repair"
    assert editor.list.item(0).text().startswith("Laptop repair") and "P4 Low · Laptop Repair · 8 tasks" in \
        editor.list.item(0).text()
    assert "Intake check" in editor.tasks.toPlainText()
    rules = w.rules
    assert rules.table.item(0, 0).text() == "All services (default)"
    rules.box(None, "surge_threshold").setValue(1)
    rules.save()
    assert "surge threshold must be at least 2" in rules.message.text()
    assert rules.box(None, "surge_threshold").value() == 1, "the typed value stays to be fixed"
    rules.box(None, "surge_threshold").setValue(6)
    rules.save()
    assert rules.message.text() == "Saved 1 rule."
    assert services.major.rules()[0].surge_threshold == 6
    rules.service.setCurrentText("Printing")
    rules.add_service_rule()
    assert [r.service for r in rules.rules] == [None, "Printing"]
    rules.box("Printing", "update_interval_minutes").setValue(15)
    rules.save()
    printing = next(r for r in services.major.rules() if r.service == "Printing")
    assert (printing.surge_threshold, printing.update_interval_minutes) == (6, 15)
    with services.db.reading() as s:
        fields = s.execute(select(AuditEntry.field).where(AuditEntry.entity == "major_rule")).scalars().all()
    assert fields.count("surge_threshold") == 1 and "created" in fields and "update_interval_minutes" in fields
