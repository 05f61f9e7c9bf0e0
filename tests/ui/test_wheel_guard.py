"""The wheel changes a combo, spin box or date edit only while it has focus; otherwise it
scrolls the page around it. And the app makes every such box from ``ui.wheel_guard``."""
from __future__ import annotations

import ast
from pathlib import Path

from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui import wheel_guard
from ui.wheel_guard import ComboBox, DateEdit, SpinBox

UI = Path(__file__).resolve().parents[2] / "ui"


def _page(qtbot) -> tuple[QScrollArea, ComboBox, SpinBox, DateEdit, QLineEdit]:  # type: ignore[no-untyped-def]
    area = QScrollArea()
    area.setWidgetResizable(True)
    body = QWidget()
    lay = QVBoxLayout(body)
    other = QLineEdit()
    team = ComboBox()
    team.addItems(["", "Service Desk", "Network", "Printing"])
    team.setCurrentIndex(1)
    count = SpinBox()
    count.setValue(5)
    day = DateEdit(QDate(2026, 8, 31))
    for w in (other, team, count, day):
        lay.addWidget(w)
    lay.addSpacing(3000)            # taller than the area: there is something to scroll
    area.setWidget(body)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    return area, team, count, day, other


def _wheel(widget: QWidget, steps: int = -1) -> None:
    """One notch of the wheel over the middle of ``widget`` (negative: towards the user)."""
    centre = QPointF(widget.rect().center())
    QApplication.sendEvent(widget, QWheelEvent(
        centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(), QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False))


def test_wheel_over_unfocused_boxes_scrolls_the_page_and_changes_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    area, team, count, day, other = _page(qtbot)
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    bar = area.verticalScrollBar()
    assert bar.value() == 0
    for box in (team, count, day):
        _wheel(box)
    assert team.currentText() == "Service Desk"
    assert count.value() == 5
    assert day.date() == QDate(2026, 8, 31)
    assert bar.value() > 0          # the page scrolled instead
    # A wheel turn is not a way to focus them: a click or Tab is.
    assert all(b.focusPolicy() == Qt.FocusPolicy.StrongFocus for b in (team, count, day))


def test_wheel_over_a_focused_box_changes_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    area, team, count, _day, _other = _page(qtbot)
    team.setFocus()
    qtbot.waitUntil(team.hasFocus)
    _wheel(team)
    assert team.currentText() == "Network"
    count.setFocus()
    qtbot.waitUntil(count.hasFocus)
    _wheel(count, steps=1)
    assert count.value() == 6
    assert area.verticalScrollBar().value() == 0


def test_every_box_of_choice_in_ui_is_a_guarded_one() -> None:
    """No bare QComboBox, QSpinBox, date edit… is made or subclassed anywhere in ``ui`` but
    in the guard itself, so none of them can be changed by a wheel turn passing over it."""
    bare = set(wheel_guard.GUARDED)
    found: list[str] = []
    for path in sorted(UI.rglob("*.py")):
        if path.name == "wheel_guard.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[ast.expr] = []
            if isinstance(node, ast.Call):
                names = [node.func]
            elif isinstance(node, ast.ClassDef):
                names = list(node.bases)
            for name in names:
                ident = name.id if isinstance(name, ast.Name) else name.attr if isinstance(name, ast.Attribute) else ""
                if ident in bare:
                    found.append(f"{path.relative_to(UI.parent)}:{node.lineno} {ident}")
    assert found == [], "use ui.wheel_guard's classes instead:\n" + "\n".join(found)
    assert len(list(UI.rglob("*.py"))) > 50       # the scan really saw the package


def test_each_guarded_class_stands_for_its_qt_class(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6 import QtWidgets

    for qt_name, cls in wheel_guard.GUARDED.items():
        assert issubclass(cls, getattr(QtWidgets, qt_name)), qt_name
        box = cls()
        assert box.focusPolicy() == Qt.FocusPolicy.StrongFocus, qt_name
