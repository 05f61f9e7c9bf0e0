"""Windows that fit the screen, and files that start in the user's Documents folder.

Every dialog of the app is kept inside the available part of its screen (without the
panels and docks) when it is shown: a dialog whose content asks for more is shrunk to
fit and moved fully on screen, so no button ends up off the edge (the merge dialog was
1,642 px wide on a 1,600 px screen). The dialogs themselves wrap long text, so what they
ask for is small to begin with; this is the guarantee for whatever content comes. The
app's dialogs are ``Dialog`` and ``Wizard`` from here (``tests/ui/test_screen_fit.py``
holds ``ui`` to it); this was an application-wide event filter once, which cost every
event of every widget a call into Python (see ``ui.wheel_guard``).

File dialogs start in the Documents folder (QStandardPaths), not in whatever directory
Desk was started from.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSize, QStandardPaths
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QDialog, QWidget, QWizard

# Room kept for the window manager's title bar and frame, which the widget's size excludes.
FRAME = QSize(16, 48)


def available_area(widget: QWidget) -> QRect:
    """The free part of the screen ``widget`` is on (the primary screen before it is placed)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit(widget: QWidget, area: QRect | None = None) -> None:
    """Shrink ``widget`` (a window) to ``area`` (default: its screen's available area), its
    frame included, and move it fully inside."""
    area = area if area is not None else available_area(widget)
    room = area.size() - FRAME
    widget.setMaximumSize(widget.maximumSize().boundedTo(room))
    if widget.width() > room.width() or widget.height() > room.height():
        widget.resize(widget.size().boundedTo(room))
    x = min(max(widget.x(), area.left()), area.right() - widget.width() - FRAME.width() + 1)
    y = min(max(widget.y(), area.top()), area.bottom() - widget.height() - FRAME.height() + 1)
    if (x, y) != (widget.x(), widget.y()):
        widget.move(max(x, area.left()), max(y, area.top()))


class Dialog(QDialog):
    """A dialog that fits its screen whenever it is shown as a window."""

    def showEvent(self, event: QShowEvent) -> None:
        if self.isWindow():
            fit(self)
        super().showEvent(event)


class Wizard(QWizard):
    """A wizard that fits its screen whenever it is shown as a window."""

    def showEvent(self, event: QShowEvent) -> None:
        if self.isWindow():
            fit(self)
        super().showEvent(event)


def documents_dir() -> Path:
    """The user's Documents folder; the home folder when there is none."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(location) if location else Path.home()
    return folder if folder.is_dir() else Path.home()


def in_documents(name: str = "") -> str:
    """Where a file dialog starts: ``name`` (a suggested file name; any folders in it are
    dropped, it may come from an attachment) in the Documents folder."""
    return str(documents_dir() / Path(name).name) if name else str(documents_dir())
