"""No accidental edits from the mouse wheel: the boxes of choice the app makes.

Qt lets the wheel change a combo box, spin box or date/time edit that merely lies under
the pointer, so scrolling a ticket page could change its Team or Impact on the way. The
boxes here let the wheel change their value only while they have keyboard focus;
otherwise the wheel scrolls the scroll area around them. They take ``StrongFocus`` (click
or Tab, not the wheel, focuses them), so a wheel turn can never give focus and change the
value in one go.

The app makes every such box from these classes (``tests/ui/test_wheel_guard.py`` holds
``ui`` to it). They were an application-wide event filter once: a filter in Python is
called for every event of every widget, about 3 µs each before it does anything, which
made building and painting a ticket page several times slower (15,000 events for a page
of 300 widgets).
"""
from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDoubleSpinBox,
    QSpinBox,
    QTimeEdit,
    QWidget,
)


class _WheelOnlyWithFocus:
    """What every box here adds to its Qt class (listed first among its bases)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        cast(QWidget, self).setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:
        """The box's own wheel handling while it has focus (its line edit, an editable
        combo's or a spin box's, is its focus proxy, which ``hasFocus`` counts); otherwise
        the wheel goes to the scroll area around the box."""
        box = cast(QWidget, self)
        if box.hasFocus():
            super().wheelEvent(event)  # type: ignore[misc]
        else:
            _scroll_around(box, event)


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


class ComboBox(_WheelOnlyWithFocus, QComboBox):
    """A combo box the wheel changes only while it has focus."""


class SpinBox(_WheelOnlyWithFocus, QSpinBox):
    """A spin box the wheel changes only while it has focus."""


class DoubleSpinBox(_WheelOnlyWithFocus, QDoubleSpinBox):
    """A decimal spin box the wheel changes only while it has focus."""


class DateEdit(_WheelOnlyWithFocus, QDateEdit):
    """A date edit the wheel changes only while it has focus."""


class DateTimeEdit(_WheelOnlyWithFocus, QDateTimeEdit):
    """A date-and-time edit the wheel changes only while it has focus."""


class TimeEdit(_WheelOnlyWithFocus, QTimeEdit):
    """A time edit the wheel changes only while it has focus."""


# The Qt classes each guarded one stands for (the source test checks ``ui`` makes none bare).
GUARDED = {"QComboBox": ComboBox, "QSpinBox": SpinBox, "QDoubleSpinBox": DoubleSpinBox,
           "QDateEdit": DateEdit, "QDateTimeEdit": DateTimeEdit, "QTimeEdit": TimeEdit}
