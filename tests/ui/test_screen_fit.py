"""Dialogs fit a 1,280 × 800 laptop screen with long content in them; file dialogs start in
the Documents folder."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QStandardPaths
from PySide6.QtWidgets import QDialog, QWidget

from ui import screen_fit
from ui.incidents.conflict import ConflictDialog
from ui.incidents.new_incident import NewIncidentDialog
from ui.reports.dialog import SlaReportDialog

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

UI = Path(__file__).resolve().parents[2] / "ui"
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
    d = screen_fit.Dialog()
    qtbot.addWidget(d)
    d.resize(3000, 2000)
    d.move(500, 400)
    d.show()                                  # fitted to the real (offscreen) screen as it is shown
    area = screen_fit.available_area(d)
    assert d.width() <= area.width() and d.height() <= area.height()
    assert area.contains(d.geometry())
    wizard = screen_fit.Wizard()
    qtbot.addWidget(wizard)
    wizard.resize(3000, 2000)
    wizard.show()
    assert area.contains(wizard.geometry())
    bare = QDialog()                          # Qt's own dialog: the app makes none (below)
    qtbot.addWidget(bare)
    bare.resize(3000, 2000)
    bare.show()
    assert bare.width() == 3000
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


def test_every_dialog_class_of_the_app_fits_its_screen() -> None:
    """Every QDialog or QWizard subclass ``ui`` defines derives from screen_fit's, so it fits
    its screen when shown (the guarantee an application-wide filter gave once)."""
    bare = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and path.name != "screen_fit.py":
                for base in node.bases:
                    name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                    if name in ("QDialog", "QWizard"):
                        bare.append(f"{path.relative_to(UI.parent)}: class {node.name}({name})")
    assert not bare, "dialogs that would not fit the screen (derive from ui.screen_fit.Dialog/Wizard):\n" + \
        "\n".join(bare)
