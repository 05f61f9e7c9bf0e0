"""The wheel changes a combo, spin box or date edit only while it has focus; otherwise it
scrolls the page around it."""
from __future__ import annotations

from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui import wheel_guard


def _page(qtbot) -> tuple[QScrollArea, QComboBox, QSpinBox, QDateEdit, QLineEdit]:  # type: ignore[no-untyped-def]
    wheel_guard.install(QApplication.instance())  # type: ignore[arg-type]
    area = QScrollArea()
    area.setWidgetResizable(True)
    body = QWidget()
    lay = QVBoxLayout(body)
    other = QLineEdit()
    team = QComboBox()
    team.addItems(["", "Service Desk", "Network", "Printing"])
    team.setCurrentIndex(1)
    count = QSpinBox()
    count.setValue(5)
    day = QDateEdit(QDate(2026, 8, 31))
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
