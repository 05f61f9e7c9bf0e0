"""Dialogs fit a 1,280 × 800 laptop screen with long content in them; file dialogs start in
the Documents folder."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QStandardPaths
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from ui import screen_fit
from ui.incidents.conflict import ConflictDialog
from ui.incidents.new_incident import NewIncidentDialog
from ui.reports.dialog import SlaReportDialog

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

LAPTOP = QRect(0, 0, 1280, 800)
LONG = ("The projector in HUM 101 shows a blue screen after about ten minutes, then the lamp "
        "switches off; the lecturer restarted it twice and the class moved to another room. ") * 12


def assert_fits(dialog: QWidget, area: QRect = LAPTOP) -> None:
    """Fitted to ``area`` the dialog is inside it, and its layout can live with that size
    (its minimum fits), so nothing is cut off."""
    dialog.show()
    screen_fit.fit(dialog, area)
    room = area.size() - screen_fit.FRAME
    name = type(dialog).__name__
    assert dialog.width() <= room.width() and dialog.height() <= room.height(), (name, dialog.size())
    minimum = dialog.minimumSizeHint()
    assert minimum.width() <= room.width() and minimum.height() <= room.height(), (name, minimum)
    assert area.contains(dialog.geometry()), (name, dialog.geometry())


def test_the_merge_dialog_wraps_long_values_and_fits(qapp, qtbot) -> None:  # type: ignore[no-untyped-def]
    d = ConflictDialog(None, "INC-000001", [
        ("title", "Projector", "Projector dead in HUM 101 — " + LONG[:150], "Projector in HUM 101 " + LONG[:160]),
        ("description", "", LONG, LONG.upper()),
        ("channel", "phone", "walk_in", "email")])
    qtbot.addWidget(d)
    hint = d.sizeHint()
    assert hint.width() <= LAPTOP.width() - screen_fit.FRAME.width(), hint   # wrapped, not merely squeezed
    assert_fits(d)


def test_the_apps_dialogs_fit_a_laptop_screen(ctx, tickets, qtbot) -> None:  # type: ignore[no-untyped-def]
    new = NewIncidentDialog(ctx)
    qtbot.addWidget(new)
    for edit in new.findChildren(QWidget):
        if hasattr(edit, "setPlainText"):
            edit.setPlainText(LONG)        # a long description pasted in
    report = SlaReportDialog(ctx)
    qtbot.addWidget(report)
    for d in (new, report):
        assert_fits(d)


def test_a_dialog_larger_than_its_screen_is_shrunk_and_moved_onto_it(qapp, qtbot) -> None:  # type: ignore[no-untyped-def]
    screen_fit.install(QApplication.instance())  # type: ignore[arg-type]
    d = QDialog()
    qtbot.addWidget(d)
    d.resize(3000, 2000)
    d.move(500, 400)
    d.show()                                  # the app-wide filter fits it to the real (offscreen) screen
    area = screen_fit.available_area(d)
    assert d.width() <= area.width() and d.height() <= area.height()
    assert area.contains(d.geometry())
    plain = QWidget()                         # not a dialog: left alone
    qtbot.addWidget(plain)
    plain.resize(3000, 2000)
    plain.show()
    assert plain.width() == 3000


def test_file_dialogs_start_in_the_documents_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp) -> None:  # type: ignore[no-untyped-def]
    docs = tmp_path / "Documents"
    docs.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation", staticmethod(lambda _kind: str(docs)))
    assert screen_fit.in_documents() == str(docs)
    assert screen_fit.in_documents("post-incident-INC-000001.pdf") == str(docs / "post-incident-INC-000001.pdf")
    assert screen_fit.in_documents("../../etc/passwd") == str(docs / "passwd")   # an attachment's name stays a name
    monkeypatch.setattr(QStandardPaths, "writableLocation", staticmethod(lambda _kind: str(tmp_path / "none")))
    assert screen_fit.documents_dir() == Path.home()
