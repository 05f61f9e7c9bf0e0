"""No accidental edits from the mouse wheel, for the whole application.

Qt lets the wheel change a combo box, spin box or date/time edit that merely lies under
the pointer, so scrolling a ticket page could change its Team or Impact on the way. The
filter installed here lets the wheel change such a value only while the box has keyboard
focus; otherwise the wheel scrolls the scroll area around the box. The
boxes it sees also get ``StrongFocus`` (click or Tab, not the wheel, focuses them), so a
wheel turn can never give focus and change the value in one go.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

# Spin boxes, double spin boxes and date/time edits are all QAbstractSpinBox.
GUARDED = (QComboBox, QAbstractSpinBox)


class WheelGuard(QObject):
    """An application-wide event filter: see the module text."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Wheel and isinstance(event, QWheelEvent):
            box = _guarded(watched)
            if box is not None and not box.hasFocus():
                _scroll_around(box, event)
                return True      # the box never sees it
        elif kind == QEvent.Type.Polish and isinstance(watched, GUARDED):
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return False


def _scroll_around(box: QWidget, event: QWheelEvent) -> None:
    """Give the wheel to the scroll area around ``box``: sent to its viewport directly, since
    Qt does not pass a synthesized wheel event on to parents, and a real one passed on would
    still meet the box's own parents first. Without a scroll area, let Qt pass it on."""
    area = _scroll_area(box)
    if area is None:
        event.ignore()
        return
    viewport = area.viewport()
    moved = QWheelEvent(viewport.mapFromGlobal(event.globalPosition()), event.globalPosition(),
                        event.pixelDelta(), event.angleDelta(), event.buttons(), event.modifiers(),
                        event.phase(), event.inverted(), event.source())
    QApplication.sendEvent(viewport, moved)
    event.accept()


def _scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def _guarded(watched: QObject) -> QWidget | None:
    """The guarded box ``watched`` is or belongs to (an editable combo's line edit, a spin
    box's line edit), else None. The popup list of an open combo is a separate window and
    is not a child of the box, so scrolling a list that is open still works."""
    obj: QObject | None = watched
    for _ in range(2):   # the box itself or its direct editor child
        if isinstance(obj, GUARDED):
            return obj
        obj = obj.parent() if obj is not None else None
    return None


_installed: list[WheelGuard] = []   # kept alive for the application's lifetime


def install(app: QApplication) -> WheelGuard:
    """Install the guard on ``app`` once (again: the same guard)."""
    if _installed:
        return _installed[0]
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    _installed.append(guard)
    return guard
